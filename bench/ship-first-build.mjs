// Child of ship.bench.mjs: one build of the realistic fixture in a fresh process (no warm
// caches), with slimfn's ship hook ("hook") or without ("plain"); prints the build's ms.
import path from "node:path";
import * as esbuild from "esbuild";

const repo = path.resolve(import.meta.dirname, "..");
const root = path.join(repo, "fixtures/realistic");
const mode = process.argv[2];
const { ShipRegistry } = await import(path.join(repo, "dist/src/ship/externals.js"));
const { resolveOptions } = await import(path.join(repo, "dist/src/options.js"));
const hook = {
  name: "slimfn-ship-hook",
  setup(build) {
    const registry = new ShipRegistry(resolveOptions({ external: ["sharp"] }, root));
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      return registry.decide(args.path, args.resolveDir, args.importer || undefined).kind === "ship" ? { path: args.path, external: true } : undefined;
    });
  },
};
const options = { entryPoints: ["src/handler.ts", "src/thumbnail.ts"], absWorkingDir: root, bundle: true, platform: "node", format: "esm", outdir: "out", splitting: true, write: false, logLevel: "silent" };
const t = performance.now();
await esbuild.build(mode === "hook" ? { ...options, plugins: [hook] } : { ...options, external: ["sharp"] });
console.log((performance.now() - t).toFixed(1));
