// The function's build: esbuild with the slimfn plugin writes dist/api.zip and dist/size.json.
import { build } from "esbuild";
import slimfn from "slimfn/esbuild";

await build({
  entryPoints: { api: "src/handler.ts" },
  outdir: "dist",
  plugins: [slimfn({ runtime: "nodejs22.x", arch: "arm64", zip: "dist/[name].zip", report: { json: "dist/size.json" } })],
});
