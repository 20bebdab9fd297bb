// tsup drives esbuild and takes esbuild plugins: slimfn goes in `esbuildPlugins`.
import { defineConfig } from "tsup";
import slimfn from "slimfn/esbuild";

export default defineConfig({
  entry: { api: "src/handler.ts" },
  outDir: "dist",
  format: ["esm"],
  platform: "node",
  target: "node22",
  clean: true,
  esbuildPlugins: [slimfn({ runtime: "nodejs22.x", zip: "dist/[name].zip", report: { json: "dist/size.json" } })],
});
