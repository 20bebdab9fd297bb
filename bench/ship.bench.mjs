// Shipping unbundled packages (issue 3), measured side by side in one run, as ratios:
//  1. what slimfn's import hook (slimfn `external` + native detection over each package's
//     closure) costs an esbuild build of the realistic fixture: builds with the hook, without
//     it, and with a callback that decides nothing, interleaved; repeated builds in one process
//     (watch) and first builds in fresh processes;
//  2. the cold start of the realistic fixture's two functions from their extracted zips (the
//     API handler, and the thumbnail function that ships sharp unbundled), each against a bare
//     `node` start measured interleaved in the same run (what `slimfn measure` prints).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as esbuild from "esbuild";

const repo = path.resolve(import.meta.dirname, "..");
const dist = (p) => import(path.join(repo, "dist", p));
const { ShipRegistry, matchesExternal } = await dist("src/ship/externals.js");
const { resolveOptions } = await dist("src/options.js");
const { default: slimfn } = await dist("plugins/esbuild.js");
const { extractZip } = await dist("src/measure/extract.js");
const { measureTaskRoot } = await dist("src/measure/measure.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const root = path.join(repo, "fixtures/realistic");
const entryPoints = ["src/handler.ts", "src/thumbnail.ts"];

// The adapter's hook alone, as plugins/esbuild.ts registers it, on an otherwise plain build.
const hookOnly = {
  name: "slimfn-ship-hook",
  setup(build) {
    const options = resolveOptions({ external: ["sharp"] }, root);
    let registry;
    build.onStart(() => void (registry = new ShipRegistry(options, (s) => (build.initialOptions.external ?? []).some((p) => matchesExternal(p, s)))));
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const d = registry.decide(args.path, args.resolveDir, args.importer || undefined);
      return d.kind === "ship" ? { path: args.path, external: true } : undefined;
    });
  },
};
// The same filter with a callback that decides nothing: the cost of esbuild calling into JS.
const noopHook = { name: "noop", setup: (build) => build.onResolve({ filter: /^[^./]/ }, () => undefined) };
const plain = { entryPoints, absWorkingDir: root, bundle: true, platform: "node", format: "esm", outdir: "out", splitting: true, write: false, logLevel: "silent", metafile: true };
// Without the hook, sharp must be external by esbuild's own option, or the build fails on its .node file.
const runPlain = () => esbuild.build({ ...plain, external: ["sharp"] });
const runHook = () => esbuild.build({ ...plain, plugins: [hookOnly] });
const runNoop = () => esbuild.build({ ...plain, external: ["sharp"], plugins: [noopHook] });
const time = async (fn) => {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
await runPlain();
await runHook();
await runNoop();
const a = [];
const b = [];
const c = [];
for (let i = 0; i < RUNS; i++) {
  // Rotate the order so drift on the machine hits all three alike.
  const order = [
    async () => a.push(await time(runHook)),
    async () => b.push(await time(runPlain)),
    async () => c.push(await time(runNoop)),
  ];
  for (let j = 0; j < 3; j++) await order[(i + j) % 3]();
}
const inputs = Object.keys((await runHook()).metafile.inputs).length;
console.log(`realistic fixture, 2 functions, ${inputs} inputs, ${RUNS} builds each, interleaved`);
console.log(`build with slimfn's ship hook: median ${median(a).toFixed(0)} ms; without: ${median(b).toFixed(0)} ms`);
console.log(`same filter, callback that decides nothing: median ${median(c).toFixed(0)} ms`);
console.log(`ratio build time hook / plain = ${(median(a) / median(b)).toFixed(2)}x; no-op callback / plain = ${(median(c) / median(b)).toFixed(2)}x`);

// A first build in a fresh process pays for scanning every package once (nothing cached).
const first = { hook: [], plain: [] };
for (let i = 0; i < RUNS; i++) {
  for (const mode of i % 2 ? ["hook", "plain"] : ["plain", "hook"]) {
    const r = spawnSync(process.execPath, [path.join(import.meta.dirname, "ship-first-build.mjs"), mode], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    first[mode].push(Number(r.stdout.trim()));
  }
}
console.log(`first build in a fresh process: hook median ${median(first.hook).toFixed(0)} ms, plain ${median(first.plain).toFixed(0)} ms, ratio ${(median(first.hook) / median(first.plain)).toFixed(2)}x`);

// Cold start of both functions from their zips.
const work = fs.mkdtempSync(path.join(os.tmpdir(), "slimfn-shipbench-"));
await esbuild.build({
  entryPoints,
  absWorkingDir: root,
  outdir: path.join(work, "dist"),
  logLevel: "silent",
  plugins: [slimfn({ runtime: "nodejs20.x", external: ["sharp"], include: ["assets/*.svg"], verify: false, zip: path.join(work, "[name].zip") })],
});
for (const name of ["handler", "thumbnail"]) {
  const zip = path.join(work, `${name}.zip`);
  const extracted = await extractZip(zip);
  try {
    const m = await measureTaskRoot(extracted.dir, `${name}.handler`, { runs: RUNS });
    console.log(
      `${name}.zip (${(fs.statSync(zip).size / 1e6).toFixed(2)} MB): init median ${m.init.median.toFixed(1)} ms vs bare node ${m.bare.median.toFixed(1)} ms = ${m.ratio.toFixed(2)}x; ${(m.rssBytes / 1e6).toFixed(1)} MB resident after init (bare ${(m.bareRssBytes / 1e6).toFixed(1)} MB)`,
    );
  } finally {
    await extracted.cleanup();
  }
}
fs.rmSync(work, { recursive: true, force: true });
