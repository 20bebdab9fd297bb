// Build speed (issue 11), measured side by side in one interleaved run, as ratios. Every build
// runs in a fresh `node` (bench/build-child.mjs), as `node build.mjs` does in CI or on save, and
// is timed around esbuild.build() only:
//  1. the realistic fixture (API handler + the sharp thumbnail function) and a holdout-like app
//     shipping a package unbundled (fixtures/ship-data: figlet and its fonts): plain esbuild with
//     slimfn's settings vs the whole plugin (lazy on, zip written, verification off) with a cold
//     cache (an empty cache folder each build), a warm one, `cache: false`, and `zip: false`;
//  2. the scale fixture (bench/scale-fixture.mjs): 10 and 100 functions sharing SDK clients,
//     zod, the logger and sharp, verification on: the time per function, and the 100-function
//     build with a warm cache against plain esbuild. BENCH_SCALE=0 skips it (BENCH_APPS=0 skips 1).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { writeScaleFixture } from "./scale-fixture.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const { validateOptions } = await import(path.join(repo, "dist/src/options.js"));
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SCALE_RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 1);
const hasCache = validateOptions({ cache: false }).length === 0;
const work = path.join(repo, "bench/out/build");
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const LAZY = ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"];

const copy = (fixture) => {
  const dir = path.join(work, fixture);
  fs.cpSync(path.join(repo, "fixtures", fixture), dir, { recursive: true, filter: (p) => !/[\\/](dist|node_modules)$/.test(p) });
  return dir;
};
// A second app: the realistic API handler, and a function that ships figlet unbundled (it reads
// its 21 MB of fonts at run time) beside zod and the logger, bundled.
function holdoutLike() {
  const dir = path.join(work, "holdout-like");
  fs.cpSync(path.join(repo, "fixtures/realistic"), dir, { recursive: true, filter: (p) => !/[\\/](dist|node_modules)$/.test(p) });
  fs.rmSync(path.join(dir, "src/thumbnail.ts"));
  fs.writeFileSync(
    path.join(dir, "src/banner.ts"),
    `import figlet from "figlet";\nimport { z } from "zod";\nimport { logger } from "./lib/logger.js";\nconst Input = z.object({ text: z.string().max(40) });\nexport const handler = async (event: unknown) => {\n  const { text } = Input.parse(event);\n  logger.info("banner", { text });\n  return { banner: figlet.textSync(text, { font: "Standard" }).split("\\n") };\n};\n`,
  );
  return dir;
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
let coldDirs = 0;
const cacheOption = (kind) => {
  if (!hasCache) return {};
  if (kind === "off") return { cache: false };
  if (kind === "cold") return { cache: { dir: path.join(work, "cache-cold", String(coldDirs++)) } };
  return { cache: { dir: path.join(work, "cache-warm") } };
};
function child(req) {
  const r = spawnSync(process.execPath, [path.join(import.meta.dirname, "build-child.mjs"), JSON.stringify(req)], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`build failed: ${JSON.stringify(req).slice(0, 300)}\n${r.stderr}`);
  return Number(r.stdout.trim().split("\n").pop());
}

const apps = [
  { name: "realistic", root: copy("realistic"), entryPoints: ["src/handler.ts", "src/thumbnail.ts"], external: ["sharp"], slimfn: { lazy: LAZY, external: ["sharp"], include: ["assets/*.svg"] } },
  { name: "holdout-like", root: holdoutLike(), entryPoints: ["src/handler.ts", "src/banner.ts"], external: ["figlet"], slimfn: { lazy: LAZY, external: ["figlet"] } },
];
const variantsOf = (app) => {
  const base = (name, extra) => ({
    name,
    req: () => ({
      root: app.root, entryPoints: app.entryPoints, outdir: path.join(app.root, `dist-${name.replace(/\W+/g, "-")}`), external: app.external,
      slimfn: { ...app.slimfn, zip: `dist-${name.replace(/\W+/g, "-")}/[name].zip`, verify: false, ...extra() },
    }),
  });
  return [
    { name: "plain esbuild", req: () => ({ root: app.root, entryPoints: app.entryPoints, outdir: path.join(app.root, "dist-plain"), external: app.external }) },
    base("slimfn, cold cache", () => cacheOption("cold")),
    base("slimfn, warm cache", () => cacheOption("warm")),
    ...(hasCache ? [base("slimfn, cache: false", () => cacheOption("off"))] : []),
    base("slimfn, zip: false", () => ({ ...cacheOption("warm"), zip: false })),
  ];
};

console.log(`builds in fresh processes, median of ${RUNS} interleaved (lazy on, verification off)${hasCache ? "" : "; this slimfn has no cache option: cold = warm"}`);
for (const app of process.env.BENCH_APPS === "0" ? [] : apps) {
  const variants = variantsOf(app);
  for (const v of variants) child(v.req()); // warm the file cache and the slimfn cache
  const times = new Map(variants.map((v) => [v.name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (let j = 0; j < variants.length; j++) {
      const v = variants[(i + j) % variants.length];
      times.get(v.name).push(child(v.req()));
    }
  }
  const plain = median(times.get("plain esbuild"));
  console.log(`${app.name} (${app.entryPoints.length} function${app.entryPoints.length > 1 ? "s" : ""}, ships ${app.external.join(", ")}): plain esbuild ${plain.toFixed(0)} ms`);
  for (const v of variants.slice(1)) {
    const m = median(times.get(v.name));
    const target = v.name.includes("cold") ? (app.name === "realistic" ? "(target <= 2.0x)" : "") : v.name.includes("warm") ? (app.name === "realistic" ? "(target <= 1.3x)" : "(target <= 1.5x)") : "";
    console.log(`  ${v.name.padEnd(22)} ${m.toFixed(0).padStart(6)} ms  ${(m / plain).toFixed(2)}x plain   ${target}`);
  }
}

if (process.env.BENCH_SCALE !== "0") {
  const scale = [10, 100].map((n) => {
    const root = path.join(work, `scale-${n}`);
    return { n, root, entryPoints: writeScaleFixture(root, n) };
  });
  const req = (s, kind) => {
    const outdir = path.join(s.root, `dist-${kind}`);
    if (kind === "plain") return { root: s.root, entryPoints: s.entryPoints, outdir, external: ["sharp"] };
    const cache = kind === "warm" ? { cache: { dir: path.join(s.root, "cache-warm") } } : hasCache ? { cache: { dir: path.join(s.root, "cache-cold", String(coldDirs++)) } } : {};
    return { root: s.root, entryPoints: s.entryPoints, outdir, external: ["sharp"], slimfn: { lazy: LAZY, external: ["sharp"], zip: `dist-${kind}/[name].zip`, ...cache } };
  };
  const kinds = ["plain", "cold", "warm"];
  for (const s of scale) child(req(s, "warm")); // prime the warm cache (and the verification cache)
  const t = new Map();
  for (let i = 0; i < SCALE_RUNS; i++) {
    for (const s of i % 2 ? [...scale].reverse() : scale) {
      for (const kind of kinds) {
        const key = `${s.n} ${kind}`;
        t.set(key, [...(t.get(key) ?? []), child(req(s, kind))]);
      }
    }
  }
  console.log(`scale fixture, verification on, zips written, median of ${SCALE_RUNS} interleaved run(s):`);
  for (const s of scale) {
    const row = kinds.map((k) => median(t.get(`${s.n} ${k}`)));
    console.log(`  ${String(s.n).padStart(3)} functions: plain ${row[0].toFixed(0)} ms; slimfn cold ${row[1].toFixed(0)} ms (${(row[1] / s.n).toFixed(0)} ms/function), warm ${row[2].toFixed(0)} ms (${(row[2] / s.n).toFixed(0)} ms/function, ${(row[2] / row[0]).toFixed(2)}x plain)`);
  }
  const per = (n, k) => median(t.get(`${n} ${k}`)) / n;
  console.log(`  per-function time 100 / 10: cold ${(per(100, "cold") / per(10, "cold")).toFixed(2)}x, warm ${(per(100, "warm") / per(10, "warm")).toFixed(2)}x   (target <= 1.1x)`);
  console.log(`  100 functions, warm cache: ${(median(t.get("100 warm")) / median(t.get("100 plain"))).toFixed(2)}x plain esbuild`);
}
