// `npm run bench`: runs every bench/*.bench.mjs in turn, each in its own node process, so one
// benchmark's heap and caches never colour another's figures. Figures are ratios measured side
// by side in one run; nothing here asserts a time.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const here = import.meta.dirname;
const only = process.argv.slice(2);
const benches = fs.readdirSync(here).filter((f) => f.endsWith(".bench.mjs")).filter((f) => !only.length || only.some((o) => f.includes(o))).sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, [path.join(here, file)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
