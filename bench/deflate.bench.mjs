// How to deflate a bundle-sized entry (src/zip/deflate.ts): wall time and bytes of one level-9
// stream against pigz-style pieces (each primed with the 32 KiB before it, sync-flushed, run on
// the thread pool, at most one per core as deflateAll does) of 128/256/512 KiB at levels 6-9,
// and slimfn's own deflateAll (dist/, so `npm run build` first). Real minified esbuild bundles
// from this repository's node_modules and fixtures/realistic, two real binaries,
// typescript (3.5 MB minified: the 1 MiB cut).
// Schemes interleaved per repetition so machine noise hits all alike; ratios of medians to one
// level-9 stream. The choice (256 KiB pieces at level 7 from 256 KiB to 1 MiB): about half the
// time for well under +0.5% bytes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import * as esbuild from "esbuild";

const repo = path.resolve(import.meta.dirname, "..");
const { deflateAll } = await import(path.join(repo, "dist/src/zip/deflate.js"));
const REPS = Number(process.env.BENCH_RUNS ?? 31);
const WINDOW = 32 * 1024;
const THREADS = os.availableParallelism();

const bundle = async (options) =>
  (await esbuild.build({ bundle: true, minify: true, platform: "node", format: "esm", write: false, logLevel: "silent", external: ["@aws-sdk/*", "sharp"], ...options })).outputFiles[0].contents;
const ofPackages = (names) =>
  bundle({
    stdin: {
      contents: names.map((p, i) => `import * as m${i} from ${JSON.stringify(p)};`).join("") + `export default [${names.map((_, i) => `m${i}`).join(",")}];`,
      resolveDir: repo,
      loader: "js",
    },
  });
const sharp = path.join(repo, "node_modules/@img/sharp-linux-x64/lib");
const inputs = {
  "zod bundle": await ofPackages(["zod"]),
  "fixtures/realistic bundle": await bundle({ entryPoints: ["src/handler.ts"], absWorkingDir: path.join(repo, "fixtures/realistic") }),
  "zod+ajv+moment bundle": await ofPackages(["zod", "ajv", "moment"]),
  "zod+ajv+acorn+lodash+moment+yaml bundle": await ofPackages(["zod", "ajv", "acorn", "lodash", "moment", "yaml"]),
  "aws-sdk S3 + DynamoDB bundle": await bundle({
    stdin: { contents: 'export * from "@aws-sdk/client-s3"; export * from "@aws-sdk/lib-dynamodb"; export * from "@aws-sdk/client-dynamodb";', resolveDir: repo, loader: "js" },
    external: [],
  }),
  ...(fs.existsSync(sharp) ? { "sharp .node (binary)": fs.readFileSync(path.join(sharp, fs.readdirSync(sharp).find((f) => f.endsWith(".node")))) } : {}),
  "900 KB of node's executable": fs.readFileSync(process.execPath).subarray(4 << 20, (4 << 20) + 900_000),
  "typescript bundle (over 1 MiB)": await ofPackages(["typescript"]),
};

function jobs(data, piece, level) {
  if (!piece || data.byteLength < piece) return [{ data, options: { level } }];
  const count = Math.ceil(data.byteLength / piece);
  return Array.from({ length: count }, (_, i) => {
    const start = i * piece;
    const options = { level, finishFlush: i === count - 1 ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
    if (i > 0) options.dictionary = data.subarray(start - WINDOW, start);
    return { data: data.subarray(start, Math.min(data.byteLength, start + piece)), options };
  });
}
async function pieces(data, piece, level) {
  const q = jobs(data, piece, level);
  const out = new Array(q.length);
  let next = 0;
  const worker = async () => {
    while (next < q.length) {
      const k = next++;
      out[k] = await new Promise((res, rej) => zlib.deflateRaw(q[k].data, q[k].options, (e, b) => (e ? rej(e) : res(b))));
    }
  };
  await Promise.all(Array.from({ length: Math.min(q.length, THREADS) }, worker));
  return Buffer.concat(out);
}
const schemes = [["L9 whole", (d) => pieces(d, 0, 9)], ["slimfn deflateAll", async (d) => Buffer.from((await deflateAll([d], 9))[0].bytes)], ["L6 whole", (d) => pieces(d, 0, 6)]];
for (const kib of [512, 256, 128]) for (const level of [9, 8, 7, 6]) schemes.push([`L${level} ${kib}K pieces`, (d) => pieces(d, kib << 10, level)]);

// Warm-up: in one run the first timed block of a fresh process got no parallel speedup. Run it
// on an idle machine: with other work on every core the pieces get no speedup either.
for (let r = 0; r < 10; r++) for (const [, f] of schemes) await f(inputs["zod bundle"]);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// Were the cores free? Two pool jobs at once against one: ~1.0x when they were, ~2.0x when
// other work held them (then the pieces' figures show no speedup either).
const probe = inputs["zod bundle"].subarray(0, 256 << 10);
const once = () => new Promise((res) => zlib.deflateRaw(probe, { level: 9 }, res));
const probes = { one: [], two: [] };
for (let r = 0; r < 15; r++) {
  let t = process.hrtime.bigint();
  await once();
  probes.one.push(Number(process.hrtime.bigint() - t));
  t = process.hrtime.bigint();
  await Promise.all([once(), once()]);
  probes.two.push(Number(process.hrtime.bigint() - t));
}
console.log(`${REPS} interleaved runs per input, medians, up to ${THREADS} pool jobs at a time; ratios to one level-9 stream`);
console.log(`two pool jobs at once took ${(median(probes.two) / median(probes.one)).toFixed(2)}x one (1.0x: the cores were free)`);
for (const [name, data] of Object.entries(inputs)) {
  const sizes = [];
  for (const [scheme, f] of schemes) {
    const b = await f(data);
    if (!zlib.inflateRawSync(b).equals(Buffer.from(data))) throw new Error(`${scheme} does not inflate back to ${name}`);
    sizes.push(b.byteLength);
  }
  const times = schemes.map(() => []);
  for (let r = 0; r < REPS; r++) {
    for (let s = 0; s < schemes.length; s++) {
      const t = process.hrtime.bigint();
      await schemes[s][1](data);
      times[s].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  const t0 = median(times[0]);
  console.log(`\n${name}: ${data.byteLength} B`);
  for (let s = 0; s < schemes.length; s++) {
    const t = median(times[s]);
    console.log(`  ${schemes[s][0].padEnd(18)} ${t.toFixed(2).padStart(7)} ms ${(t / t0).toFixed(2)}x  ${String(sizes[s]).padStart(8)} B ${((sizes[s] / sizes[0] - 1) * 100).toFixed(2).padStart(6)}%`);
  }
}
