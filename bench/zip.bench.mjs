// The zip writer against Info-ZIP `zip -9 -X` on the same tree: a large real node_modules
// subset of the dev dependencies. Runs interleaved (A, B, A, B, ...) so machine noise hits both
// alike, and prints ratios, on the machine as it is and with a busy loop on every core beside.
// Targets (issues 2 and 11): time <= 1.0x Info-ZIP's, also when busy; bytes <= 1.03x.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const repo = path.resolve(import.meta.dirname, "..");
const PACKAGES = ["@aws-sdk", "@smithy", "zod", "typescript", "moment", "lodash"];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "slimfn-zipbench-"));
const tree = path.join(work, "tree");
for (const p of PACKAGES) {
  const src = path.join(repo, "node_modules", p);
  if (fs.existsSync(src)) fs.cpSync(src, path.join(tree, "node_modules", p), { recursive: true, dereference: true });
}
const files = fs.readdirSync(tree, { recursive: true }).filter((f) => fs.statSync(path.join(tree, f)).isFile());
const rawBytes = files.reduce((s, f) => s + fs.statSync(path.join(tree, f)).size, 0);
console.log(`tree: ${files.length} files, ${(rawBytes / 1e6).toFixed(1)} MB (${PACKAGES.join(", ")})`);

const time = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const ours = path.join(work, "slimfn.zip");
const theirs = path.join(work, "infozip.zip");
const slimfnRun = () => {
  const r = spawnSync(process.execPath, [path.join(repo, "bench/zip-tree.mjs"), tree, ours], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("slimfn zip failed");
};
const infozipRun = () => {
  fs.rmSync(theirs, { force: true });
  execFileSync("zip", ["-q", "-9", "-X", "-r", theirs, "."], { cwd: tree });
};

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
// Interleaved runs, first on the machine as it is, then with a busy loop on every core beside
// them (another process loading both cores, as a CI runner's neighbours do).
function rounds() {
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    for (const run of i % 2 ? [() => b.push(time(infozipRun)), () => a.push(time(slimfnRun))] : [() => a.push(time(slimfnRun)), () => b.push(time(infozipRun))]) run();
  }
  return { ours: median(a), theirs: median(b) };
}
const idle = rounds();
const busy = Array.from({ length: os.availableParallelism() }, () =>
  spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }),
);
let loaded;
try {
  loaded = rounds();
} finally {
  for (const p of busy) p.kill();
}
const oursBytes = fs.statSync(ours).size;
const theirBytes = fs.statSync(theirs).size;
console.log(`machine as it is: slimfn median ${idle.ours.toFixed(0)} ms, Info-ZIP zip -9 -X ${idle.theirs.toFixed(0)} ms`);
console.log(`busy loop on ${busy.length} cores beside: slimfn ${loaded.ours.toFixed(0)} ms, Info-ZIP ${loaded.theirs.toFixed(0)} ms`);
console.log(`ratio time  slimfn / Info-ZIP = ${(idle.ours / idle.theirs).toFixed(2)}x as it is, ${(loaded.ours / loaded.theirs).toFixed(2)}x busy   (target <= 1.00x)`);
console.log(`ratio bytes slimfn / Info-ZIP = ${(oursBytes / theirBytes).toFixed(3)}x  (target <= 1.03x; slimfn ${oursBytes}, Info-ZIP ${theirBytes})`);
fs.rmSync(work, { recursive: true, force: true });
