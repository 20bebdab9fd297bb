// Build a fixture in a separate node process (so TZ, umask and cwd are the child's own) with the
// compiled plugin from dist/.
// Usage: node build-child.mjs <root> <entry[,entry...]> [umask] [slimfn options as JSON]
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const [root, entries, umask, json] = process.argv.slice(2);
if (umask) process.umask(parseInt(umask, 8));
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { default: slimfn } = await import(path.join(repo, "dist/plugins/esbuild.js"));

await esbuild.build({
  entryPoints: entries.split(","),
  outdir: "dist",
  absWorkingDir: root,
  logLevel: "warning",
  plugins: [slimfn({ report: { json: "dist/size.json" }, ...(json ? JSON.parse(json) : {}) })],
});
