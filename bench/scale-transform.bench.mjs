// The lazy transform's cost on a large project of the user's own code (issue 16): 600 source
// files, each importing a few siblings by relative path, three of them importing zod. Plain
// esbuild vs the same build with the whole slimfn plugin (zip and verification off), with
// `lazy: []` and with a small allowlist (`["zod"]`), interleaved in one run; ratios of medians.
// The target: <= 1.3x plain esbuild for both. Most files must never reach the parser (or
// JavaScript at all: esbuild's onLoad filter names only the files that may need the transform).
// `cache: false` makes every build size its zip from scratch (the bundle deflated again); the
// rows "default cache" run as users do, with the build cache on (a folder of this run), where an
// unchanged bundle's deflated bytes come from the cache.
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";

const repo = path.resolve(import.meta.dirname, "..");
const { default: slimfn } = await import(path.join(repo, "dist/plugins/esbuild.js"));
const RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 9);
const FILES = 600;

// Inside the repo so `zod` resolves from its node_modules; removed at the end.
const root = fs.mkdtempSync(path.join(repo, ".tmp-scale-"));
fs.mkdirSync(path.join(root, "src/lib"), { recursive: true });
for (let i = 0; i < FILES; i++) {
  const deps = [1, 2, 3].map((k) => i * 3 + k).filter((d) => d < FILES);
  const lines = deps.map((d) => `import { value${d} } from "./mod${d}.js";`);
  if (i % 200 === 7) lines.push(`import { z } from "zod";`);
  const use = deps.map((d) => `value${d}()`).join(" + ") || "0";
  const zod = i % 200 === 7 ? ` + z.number().parse(${i})` : "";
  lines.push(`export interface Shape${i} { id: number; name: string }`);
  lines.push(`export function value${i}(): number {\n  const s: Shape${i} = { id: ${i}, name: "m${i}" };\n  return s.id + ${use}${zod};\n}`);
  fs.writeFileSync(path.join(root, "src/lib", `mod${i}.ts`), `${lines.join("\n")}\n`);
}
fs.writeFileSync(path.join(root, "src/handler.ts"), `import { value0 } from "./lib/mod0.js";\nexport const handler = async () => ({ total: value0() });\n`);

const settings = {
  entryPoints: ["src/handler.ts"], absWorkingDir: root, outdir: "out", bundle: true, platform: "node", format: "esm",
  target: "node22", splitting: true, outExtension: { ".js": ".mjs" }, minifySyntax: true, minifyWhitespace: true,
  metafile: true, write: false, logLevel: "silent",
};
const cacheDir = path.join(root, ".slimfn-cache");
const plugin = (lazy, cache = false) => slimfn({ lazy, zip: false, verify: false, cache, runtime: "nodejs20.x" });
const builds = {
  "plain esbuild": () => esbuild.build(settings),
  "slimfn, lazy: []": () => esbuild.build({ ...settings, plugins: [plugin([])] }),
  'slimfn, lazy: ["zod"]': () => esbuild.build({ ...settings, plugins: [plugin(["zod"])] }),
  "lazy: [], default cache": () => esbuild.build({ ...settings, plugins: [plugin([], { dir: cacheDir })] }),
  'lazy: ["zod"], default cache': () => esbuild.build({ ...settings, plugins: [plugin(["zod"], { dir: cacheDir })] }),
};
const times = Object.fromEntries(Object.keys(builds).map((k) => [k, []]));
try {
  for (const run of Object.values(builds)) await run();
  for (let i = 0; i < RUNS; i++) {
    for (const [name, run] of Object.entries(builds)) {
      const t = process.hrtime.bigint();
      await run();
      times[name].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times["plain esbuild"]);
console.log(`${FILES + 1} source files, ${RUNS} interleaved runs, medians:`);
for (const [name, xs] of Object.entries(times)) {
  console.log(`  ${name.padEnd(30)} ${median(xs).toFixed(0).padStart(6)} ms  ${(median(xs) / base).toFixed(2)}x plain esbuild`);
}
