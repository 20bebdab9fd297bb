// The whole cold start per kind of request (issue 12): the realistic fixture built with lazy
// auto and without lazy (eager), both measured by `slimfn measure --event ... --base` in one
// interleaved run, per event: init, first invocation and their sum (cold total), and the ratio
// of cold totals lazy / eager. Targets: <= 0.5x for a request that needs no SDK client
// (health), <= 1.05x for requests that need them (create-order: DynamoDB + zod; file-link: S3).
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";

const repo = path.resolve(import.meta.dirname, "..");
const { default: slimfn } = await import(path.join(repo, "dist/plugins/esbuild.js"));
const { runMeasure } = await import(path.join(repo, "dist/src/measure/command.js"));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const realistic = path.join(repo, "fixtures/realistic");
const out = path.join(repo, "bench/out/coldstart");
fs.rmSync(out, { recursive: true, force: true });

async function build(name, lazy) {
  await esbuild.build({
    entryPoints: ["src/handler.ts"],
    absWorkingDir: realistic,
    outdir: path.join(out, name),
    logLevel: "silent",
    plugins: [slimfn({ runtime: "nodejs22.x", lazy: lazy ? { modules: ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"], mode: "auto" } : [], zip: path.join(out, name, "[name].zip"), verify: false })],
  });
  return path.join(out, name, "handler.zip");
}

const lazy = await build("lazy", true);
const eager = await build("eager", false);
const events = ["health", "create-order", "file-link"].map((e) => path.join(realistic, "events", `${e}.json`));
let stdout = "";
let stderr = "";
const code = await runMeasure([lazy, "--base", eager, "--runs", String(RUNS), "--json", ...events.flatMap((e) => ["--event", e])], {
  stdout: (t) => (stdout += t),
  stderr: (t) => (stderr += t),
  env: process.env,
  cwd: repo,
});
if (code !== 0) throw new Error(`measure failed (${code}): ${stderr}`);
const m = JSON.parse(stdout);
const ms = (n) => `${n.toFixed(1)} ms`;
console.log(`realistic fixture, lazy auto vs eager, ${RUNS} interleaved rounds, node ${m.node}`);
console.log("| event | lazy init | lazy first inv. | lazy cold | eager init | eager first inv. | eager cold | cold ratio | target |");
console.log("|---|---|---|---|---|---|---|---|---|");
const targets = { health: 0.5, "create-order": 1.05, "file-link": 1.05 };
let missed = 0;
for (const [i, e] of m.cold.events.entries()) {
  const b = m.cold.base[i];
  const c = m.cold.comparisons[i];
  const target = targets[e.event];
  if (c.ratio > target) missed++;
  console.log(`| ${e.event} | ${ms(e.init.median)} | ${ms(e.firstInvocation.median)} | ${ms(e.cold.median)} | ${ms(b.init.median)} | ${ms(b.firstInvocation.median)} | ${ms(b.cold.median)} | ${c.ratio.toFixed(2)}x | <= ${target}x${c.ratio > target ? " MISSED" : ""} |`);
}
if (stderr) console.log(stderr.trim());
console.log(missed ? `${missed} target(s) missed` : "all targets met");
