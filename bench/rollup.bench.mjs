// slimfn under rollup, Rolldown and Vite (issue 10), measured side by side in one run, as ratios:
//  1. init time: the realistic fixture built by rollup with slimfn lazy auto, vs the hand-written
//     split version (bench/split-handler) built by rollup with slimfn and no lazy option (and the
//     same two built by esbuild); fresh `node` processes importing the handler, interleaved with
//     bare `node` starts, medians;
//  2. zip bytes: the rollup-built zip vs the esbuild-built zip of the same build (lazy auto);
//  3. build time: esbuild, rollup (the preset), Rolldown and Vite 8 (slimfnRollup) building the
//     same handler with slimfn (zip on, verification off), and rollup with the same plugins but
//     no slimfn, interleaved, medians.
// Every variant first answers the fixture's events; they must agree with each other.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { measureInit, median } from "./init-times.mjs";
import { rollup } from "rollup";
import { rolldown } from "rolldown";
import { build as viteBuild } from "vite";

const repo = path.resolve(import.meta.dirname, "..");
const { default: slimfnEsbuild } = await import(path.join(repo, "dist/plugins/esbuild.js"));
const { default: slimfnPreset, slimfnRollup } = await import(path.join(repo, "dist/plugins/rollup.js"));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BUILD_RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 3);
const LAZY = ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"];
const realistic = path.join(repo, "fixtures/realistic");
const split = path.join(repo, "bench/split-handler");
const out = path.join(repo, "bench/out/rollup");
fs.rmSync(out, { recursive: true, force: true });
const ENV = { PATH: process.env.PATH ?? "", AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", LOG_LEVEL: "WARN" };

/** Rollup and its kin take the project root from the working directory. */
async function inRoot(root, fn) {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    return await fn();
  } finally {
    process.chdir(cwd);
  }
}

const slimfnOptions = (lazy, dir) => ({ ...(lazy ? { lazy: LAZY } : {}), verify: false, zip: path.join(dir, "[name].zip") });
const builders = {
  esbuild: (root, dir, lazy) =>
    esbuild.build({ entryPoints: ["src/handler.ts"], absWorkingDir: root, outdir: dir, logLevel: "silent", plugins: [slimfnEsbuild(slimfnOptions(lazy, dir))] }),
  rollup: (root, dir, lazy) =>
    inRoot(root, async () => {
      const b = await rollup({ input: "src/handler.ts", logLevel: "silent", plugins: [slimfnPreset(slimfnOptions(lazy, dir))] });
      await b.write({ dir });
      await b.close();
    }),
  rolldown: (root, dir, lazy) =>
    inRoot(root, async () => {
      const b = await rolldown({ input: "src/handler.ts", cwd: root, logLevel: "silent", plugins: [slimfnRollup(slimfnOptions(lazy, dir))] });
      await b.write({ dir });
      await b.close();
    }),
  // Rollup with the preset's resolve, CommonJS, JSON and TypeScript plugins and no slimfn (no
  // lazy rewrite, minifier or zip): what rollup itself costs on this handler.
  "rollup, no slimfn": (root, dir) =>
    inRoot(root, async () => {
      const preset = slimfnPreset({ zip: false, verify: false }).slice(1, 5);
      const b = await rollup({ input: "src/handler.ts", logLevel: "silent", plugins: preset });
      await b.write({ dir, format: "es" });
      await b.close();
    }),
  "vite 8": (root, dir, lazy) =>
    inRoot(root, () => viteBuild({ root, configFile: false, logLevel: "silent", build: { ssr: "src/handler.ts", outDir: dir, emptyOutDir: true }, plugins: [slimfnRollup(slimfnOptions(lazy, dir))] })),
};

const variants = [
  { name: "rollup auto", bundler: "rollup", root: realistic, lazy: true },
  { name: "rollup split", bundler: "rollup", root: split, lazy: false },
  { name: "esbuild auto", bundler: "esbuild", root: realistic, lazy: true },
  { name: "esbuild split", bundler: "esbuild", root: split, lazy: false },
];
for (const v of variants) {
  v.dir = path.join(out, v.name.replace(/ /g, "-"));
  await builders[v.bundler](v.root, v.dir, v.lazy);
  v.file = ["handler.mjs", "handler.js"].map((f) => path.join(v.dir, f)).find((f) => fs.existsSync(f));
  v.zipBytes = fs.statSync(path.join(v.dir, "handler.zip")).size;
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
for (const v of variants) if (answers(v.file) !== expected) throw new Error(`${v.name} answers differently from rollup auto`);

// Init time: interleaved, the order rotating every round.
const { bare, init } = measureInit(variants, { out, env: ENV, runs: RUNS });
console.log(`init time, median of ${RUNS} fresh node starts each (bare node ${bare.toFixed(1)} ms):`);
for (const v of variants) console.log(`  ${v.name.padEnd(14)} ${init[v.name].toFixed(1).padStart(6)} ms  ${(init[v.name] / bare).toFixed(2)}x bare node   zip ${(v.zipBytes / 1000).toFixed(0)} kB`);
console.log(`  rollup auto / rollup split:   ${(init["rollup auto"] / init["rollup split"]).toFixed(2)}x   (target <= 1.10x)`);
console.log(`  rollup auto / esbuild split:  ${(init["rollup auto"] / init["esbuild split"]).toFixed(2)}x`);
console.log(`  rollup auto / esbuild auto:   ${(init["rollup auto"] / init["esbuild auto"]).toFixed(2)}x`);
const zip = (name) => variants.find((v) => v.name === name).zipBytes;
console.log(`zip bytes, rollup / esbuild (lazy auto): ${(zip("rollup auto") / zip("esbuild auto")).toFixed(3)}x   (target <= 1.05x)`);

// Build time of each bundler with slimfn, interleaved.
const times = Object.fromEntries(Object.keys(builders).map((k) => [k, []]));
for (let i = 0; i < BUILD_RUNS; i++) {
  for (const [name, run] of Object.entries(builders)) {
    const dir = path.join(out, `build-${name.replace(/[ ,]+/g, "-")}`);
    const t = process.hrtime.bigint();
    await run(realistic, dir, true);
    times[name].push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}
const base = median(times.esbuild);
console.log(`build time (lazy auto, zip, no verification), median of ${BUILD_RUNS} interleaved builds (esbuild ${base.toFixed(0)} ms):`);
for (const name of Object.keys(builders)) {
  const zipFile = path.join(out, `build-${name.replace(/[ ,]+/g, "-")}`, "handler.zip");
  const zip = fs.existsSync(zipFile) ? `zip ${(fs.statSync(zipFile).size / 1000).toFixed(0)} kB` : "no zip";
  console.log(`  ${name.padEnd(17)} ${median(times[name]).toFixed(0).padStart(6)} ms  ${(median(times[name]) / base).toFixed(2)}x esbuild   ${zip}`);
}
