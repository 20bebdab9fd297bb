// Child of build.bench.mjs: one build in a fresh process, as `node build.mjs` runs in CI or on
// save (no in-process caches), timed around esbuild.build() only. argv[2] is a JSON request:
// { root, entryPoints, outdir, external, slimfn? } (no slimfn: plain esbuild). Prints the ms.
import path from "node:path";
import * as esbuild from "esbuild";

const repo = path.resolve(import.meta.dirname, "..");
const req = JSON.parse(process.argv[2]);
// slimfn's lean defaults, set explicitly so the plain build does the same bundling work.
const options = {
  entryPoints: req.entryPoints, absWorkingDir: req.root, outdir: req.outdir, bundle: true, platform: "node",
  format: "esm", target: "node22", splitting: true, outExtension: { ".js": ".mjs" }, mainFields: ["module", "main"],
  minifySyntax: true, minifyWhitespace: true, metafile: true, logLevel: "silent",
};
let plugins = [];
if (req.slimfn) {
  const { default: slimfn } = await import(path.join(repo, "dist/plugins/esbuild.js"));
  plugins = [slimfn(req.slimfn)];
} else {
  // Without slimfn the shipped packages must be external by esbuild's option (sharp's .node).
  options.external = req.external;
}
const t = performance.now();
const result = await esbuild.build({ ...options, plugins });
const ms = performance.now() - t;
if (result.errors.length) throw new Error(result.errors.map((e) => e.text).join("\n"));
process.stdout.write(`${ms.toFixed(1)}\n`);
