// One function of the monorepo: its zip and size model are the task's outputs (turbo.json).
import { build } from "esbuild";
import slimfn from "slimfn/esbuild";

await build({
  entryPoints: ["src/handler.ts"],
  outdir: "dist",
  logLevel: "warning",
  plugins: [slimfn({ runtime: "nodejs22.x", verify: false, report: { json: "dist/size.json" } })],
});
