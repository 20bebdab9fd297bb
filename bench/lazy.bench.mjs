// Lazy imports (issues 4 and 5), measured side by side in one run, as ratios:
//  1. init time: the realistic fixture built four ways with the same settings: eager (slimfn
//     without `lazy`), slimfn lazy sync, slimfn lazy auto, and the hand-written split version
//     in bench/split-handler/; each is a fresh `node` importing the handler, interleaved with
//     bare `node` starts (process start to import done, `performance.now()`);
//  2. build time: plain esbuild with those settings vs the same build with slimfn's lazy hooks
//     (and vs the whole slimfn plugin with `lazy`, zip and verification off), interleaved.
// (Variants are built for nodejs22.x unless named otherwise; all run on this machine's node.)
// Every variant first answers the fixture's events; they must agree with the eager build.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { measureInit, median } from "./init-times.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const dist = (p) => import(path.join(repo, "dist", p));
const { default: slimfn, toMessage, esbuildHost } = await dist("plugins/esbuild.js");
const { setupLazy } = await dist("plugins/esbuild-lazy.js");
const { createSession } = await dist("src/session.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BUILD_RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 7);
const LAZY = ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"];
const realistic = path.join(repo, "fixtures/realistic");
const split = path.join(repo, "bench/split-handler");
const out = path.join(repo, "bench/out/lazy");
fs.rmSync(out, { recursive: true, force: true });
const ENV = { PATH: process.env.PATH ?? "", AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", LOG_LEVEL: "WARN" };

// What a user gets by also marking the route imports of the handler /* @lazy */ (four
// annotations, nothing else changed): routes load with import() on first use.
const annotated = path.join(out, "annotated");
fs.cpSync(path.join(realistic, "src"), path.join(annotated, "src"), { recursive: true });
const handlerFile = path.join(annotated, "src/handler.ts");
fs.writeFileSync(
  handlerFile,
  fs.readFileSync(handlerFile, "utf8").replace(/^import \{ (fileLink|health|createOrder, getOrder|logger) \}/gm, "import /* @lazy */ { $1 }"),
);
if ((fs.readFileSync(handlerFile, "utf8").match(/@lazy/g) ?? []).length !== 4) throw new Error("the handler's imports changed: update the annotated variant");

const variants = [
  { name: "eager", root: realistic, slimfn: {} },
  { name: "lazy sync", root: realistic, slimfn: { lazy: { modules: LAZY, mode: "sync" } } },
  { name: "lazy auto", root: realistic, slimfn: { lazy: LAZY } },
  { name: "hand split", root: split, slimfn: {} },
  { name: "auto+routes", root: annotated, slimfn: { lazy: LAZY } },
  // nodejs20.x cannot require ES modules: sync loads stay in the bundle, wrapped (parsed at init).
  { name: "auto node20", root: realistic, slimfn: { lazy: LAZY, runtime: "nodejs20.x" } },
];
for (const v of variants) {
  v.outdir = path.join(out, v.name.replace(/ /g, "-"));
  const result = await esbuild.build({
    entryPoints: ["src/handler.ts"],
    absWorkingDir: v.root,
    outdir: v.outdir,
    logLevel: "silent",
    plugins: [slimfn({ ...v.slimfn, zip: false, verify: false })],
  });
  if (result.warnings.length) console.log(`${v.name}: ${result.warnings.map((w) => w.text).join("\n")}`);
  v.file = path.join(v.outdir, "handler.mjs");
  v.bytes = fs.statSync(v.file).size;
}

// Same answers from every variant.
const eventsDir = path.join(realistic, "events");
const events = fs.readdirSync(eventsDir).sort().map((f) => JSON.parse(fs.readFileSync(path.join(eventsDir, f), "utf8")));
const answers = (file) => {
  const script = `const m = await import(${JSON.stringify(file)}); const out = []; for (const e of ${JSON.stringify(events)}) out.push(await m.handler(e)); process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: ENV, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${file}: ${r.stderr}`);
  return r.stdout;
};
const expected = answers(variants[0].file);
for (const v of variants) {
  if (answers(v.file) !== expected) throw new Error(`${v.name} answers differently from the eager build`);
}

// Init time: interleaved, the order rotating every round.
const { bare, init } = measureInit(variants, { out, env: ENV, runs: RUNS });
console.log(`init time, median of ${RUNS} fresh node starts each (bare node ${bare.toFixed(1)} ms):`);
for (const v of variants) {
  console.log(`  ${v.name.padEnd(12)} ${init[v.name].toFixed(1).padStart(6)} ms  ${(init[v.name] / bare).toFixed(2)}x bare node   entry ${(v.bytes / 1000).toFixed(0)} kB`);
}
const above = (name) => init[name] - bare;
console.log(`  lazy auto / hand split:            ${(init["lazy auto"] / init["hand split"]).toFixed(2)}x   (target <= 1.05x)`);
console.log(`  lazy sync removes ${(100 * (1 - above("lazy sync") / above("eager"))).toFixed(0)}% of the eager build's init time above bare node   (target >= 50%)`);
console.log(`  lazy auto removes ${(100 * (1 - above("lazy auto") / above("eager"))).toFixed(0)}%`);
console.log(`  auto node20 / hand split:          ${(init["auto node20"] / init["hand split"]).toFixed(2)}x   (nodejs20.x: sync loads wrapped in the entry; removes ${(100 * (1 - above("auto node20") / above("eager"))).toFixed(0)}% above bare)`);
console.log(`  auto+routes / hand split:          ${(init["auto+routes"] / init["hand split"]).toFixed(2)}x   (lazy auto with the handler's four route imports marked /* @lazy */)`);

// Build time: plain esbuild with slimfn's settings vs the same plus the lazy hooks.
const settings = {
  entryPoints: ["src/handler.ts"], absWorkingDir: realistic, outdir: path.join(out, "build"), bundle: true, platform: "node",
  format: "esm", target: "node22", splitting: true, outExtension: { ".js": ".mjs" }, mainFields: ["module", "main"],
  minifySyntax: true, minifyWhitespace: true, metafile: true, write: false, logLevel: "silent",
};
// The lazy hooks alone: a build session with only its transform and virtual modules mapped.
const lazyHooks = {
  name: "slimfn-lazy-only",
  setup(build) {
    const session = createSession({ lazy: LAZY, runtime: "nodejs22.x" }, { ...esbuildHost(build), root: realistic });
    session.configure({ entries: [], format: "esm", outdir: "out", splitting: true });
    build.onStart(() => session.buildStart());
    setupLazy(build, session, toMessage);
  },
};
const builds = {
  "plain esbuild": () => esbuild.build(settings),
  "+ lazy hooks": () => esbuild.build({ ...settings, plugins: [lazyHooks] }),
  "slimfn, lazy on": () => esbuild.build({ ...settings, write: true, plugins: [slimfn({ lazy: LAZY, zip: false, verify: false })] }),
};
const times = Object.fromEntries(Object.keys(builds).map((k) => [k, []]));
for (const run of Object.values(builds)) await run();
for (let i = 0; i < BUILD_RUNS; i++) {
  for (const [name, run] of Object.entries(builds)) {
    const t = process.hrtime.bigint();
    await run();
    times[name].push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}
const base = median(times["plain esbuild"]);
console.log(`build time, median of ${BUILD_RUNS} interleaved builds (plain esbuild ${base.toFixed(0)} ms):`);
for (const name of Object.keys(builds)) {
  console.log(`  ${name.padEnd(16)} ${median(times[name]).toFixed(0).padStart(5)} ms  ${(median(times[name]) / base).toFixed(2)}x   ${name === "+ lazy hooks" ? "(target <= 1.3x)" : ""}`);
}
