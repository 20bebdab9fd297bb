/**
 * Init time of built handlers next to a bare node start, measured the same way by every bench:
 * fresh node processes, interleaved, the order rotating every round, after one warm-up start
 * each. Returns medians in ms.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

export function measureInit(variants, { out, env, runs }) {
  const runner = path.join(out, "runner.mjs");
  fs.writeFileSync(runner, "if (process.argv[2]) await import(process.argv[2]);\nprocess.stdout.write(String(performance.now()));\n");
  const start = (file) => {
    const r = spawnSync(process.execPath, [runner, ...(file ? [file] : [])], { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout);
  };
  const subjects = [{ name: "bare node", file: undefined }, ...variants];
  const samples = new Map(subjects.map((s) => [s.name, []]));
  for (const s of subjects) start(s.file); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < subjects.length; j++) {
      const s = subjects[(i + j) % subjects.length];
      samples.get(s.name).push(start(s.file));
    }
  }
  return { bare: median(samples.get("bare node")), init: Object.fromEntries(variants.map((v) => [v.name, median(samples.get(v.name))])) };
}
