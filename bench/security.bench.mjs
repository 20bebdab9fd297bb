// What the security checks cost on the realistic fixture (issue 14), as ratios measured side by
// side in one interleaved run:
//  1. the secrets check (names, then content) over the shipped tree (every file of both zips),
//     on bytes in memory, against reading those files: as slimfn judges installed packages (non-code small text files only) and in
//     the worst case (every small text file, as for a linked package or include);
//  2. checking a zip before extraction (central directory, names, links, inflate + CRC of every
//     entry), against extracting it with Info-ZIP unzip.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");

const repo = path.resolve(import.meta.dirname, "..");
const { isScannable, secretByContent, secretByName } = await import(path.join(repo, "dist/src/ship/secrets.js"));
const { isCode } = await import(path.join(repo, "dist/src/ship/strip-rules.js"));
const { checkZip } = await import(path.join(repo, "dist/src/measure/zip-check.js"));

const work = fs.mkdtempSync(path.join(repo, ".tmp-bench-security-"));
try {
  fs.cpSync(path.join(repo, "fixtures/realistic"), work, { recursive: true, filter: (p) => !/[\\/](dist|node_modules)$/.test(p) });
  const script = `import { build } from "esbuild"; import slimfn from ${JSON.stringify(path.join(repo, "dist/plugins/esbuild.js"))};
await build({ entryPoints: ["src/handler.ts", "src/thumbnail.ts"], outdir: "dist", absWorkingDir: ${JSON.stringify(work)}, logLevel: "silent",
  plugins: [slimfn({ runtime: "nodejs22.x", zip: "dist/[name].zip", lazy: ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"], external: ["sharp"], include: ["assets/*.svg"], verify: false, cache: false })] });`;
  fs.writeFileSync(path.join(work, "bench-build.mjs"), script);
  const built = spawnSync(process.execPath, [path.join(work, "bench-build.mjs")], { cwd: work, encoding: "utf8" });
  if (built.status !== 0) throw new Error(built.stderr);
  const zips = ["handler", "thumbnail"].map((n) => path.join(work, "dist", `${n}.zip`));
  const tree = path.join(work, "tree");
  const files = [];
  for (const zip of zips) {
    const dir = path.join(tree, path.basename(zip, ".zip"));
    fs.mkdirSync(dir, { recursive: true });
    execFileSync("unzip", ["-q", zip, "-d", dir]);
    for (const rel of fs.readdirSync(dir, { recursive: true, encoding: "utf8" })) if (fs.statSync(path.join(dir, rel)).isFile()) files.push({ rel, abs: path.join(dir, rel) });
  }
  const bytes = files.reduce((s, f) => s + fs.statSync(f.abs).size, 0);

  const readAll = () => { for (const f of files) fs.readFileSync(f.abs); };
  const loaded = files.map((f) => ({ ...f, data: fs.readFileSync(f.abs) }));
  // The scan alone, on bytes already in memory (slimfn reads each shipped file once anyway).
  const scan = (all) => () => {
    for (const f of loaded) {
      if (secretByName(f.rel)) continue;
      if (!all && isCode(f.rel)) continue;
      if (isScannable(f.data)) secretByContent(f.data);
    }
  };
  const check = () => { for (const zip of zips) checkZip(fs.readFileSync(zip), zip); };
  const unzip = () => {
    for (const zip of zips) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slimfn-bench-unzip-"));
      execFileSync("unzip", ["-q", "-o", zip, "-d", dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const time = (fn) => { gc(); const t = performance.now(); fn(); return performance.now() - t; };
  const runs = { read: [], installed: [], worst: [], check: [], unzip: [] };
  const cases = { read: readAll, installed: scan(false), worst: scan(true), check, unzip };
  for (const fn of Object.values(cases)) fn(); // warm the page cache and the JIT
  for (let i = 0; i < 15; i++) for (const [k, fn] of Object.entries(cases)) runs[k].push(time(fn));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
  console.log(`shipped tree of the realistic fixture: ${files.length} files, ${(bytes / 1e6).toFixed(2)} MB (both zips), median of 15 interleaved rounds`);
  console.log(`  read every file:                         ${m.read.toFixed(1)} ms`);
  console.log(`  secrets check, installed packages:       ${m.installed.toFixed(1)} ms (${(m.installed / m.read).toFixed(2)}x reading)`);
  console.log(`  secrets check, every small text file:    ${m.worst.toFixed(1)} ms (${(m.worst / m.read).toFixed(2)}x reading)`);
  console.log(`zip check before extraction vs unzip -q:  ${m.check.toFixed(1)} ms vs ${m.unzip.toFixed(1)} ms (${(m.check / m.unzip).toFixed(2)}x)`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
