// Strip rules (issue 6), in one run:
//  1. On the same node_modules tree (the dependency closure of the safety corpus, as slimfn
//     places it): bytes removed by slimfn's default strip rules, by `clean-modules clean` with its
//     defaults and by `modclean` with its defaults, and how many corpus packages each breaks.
//     A package is broken when its corpus handler (fixtures/strip-corpus) answers differently,
//     or throws, in the cleaned tree than in the untouched one. Target: at least clean-modules'
//     bytes, zero breakage.
//  2. The realistic fixture packed by slimfn and by @netlify/zip-it-and-ship-it with its
//     defaults: zip bytes per function and whether the answers to the fixture's events are
//     identical. Target: zip bytes <= 0.5x the peer's.
// Figures are ratios from this one run; nothing here asserts a time.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { resolveOptions } from "../dist/src/options.js";
import { planShipment } from "../dist/src/ship/closure.js";
import { listPackageFiles } from "../dist/src/ship/files.js";
import { planStrip } from "../dist/src/ship/strip.js";

const repo = path.resolve(import.meta.dirname, "..");
const work = path.join(repo, "bench/out/strip");
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

const CORPUS = {
  typescript: "typescript", sharp: "sharp", zod: "zod", "client-s3": "@aws-sdk/client-s3",
  logger: "@aws-lambda-powertools/logger", esbuild: "esbuild", lightningcss: "lightningcss", yargs: "yargs",
  "iconv-lite": "iconv-lite", "mime-types": "mime-types", moment: "moment", figlet: "figlet", ajv: "ajv",
  "uglify-js": "uglify-js", "source-map": "source-map", xxhash: "@node-rs/xxhash", rollup: "rollup",
  "swagger-ui": "swagger-ui-dist",
};
const ENV = {
  PATH: process.env.PATH ?? "",
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  LOG_LEVEL: "WARN",
};

const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
function treeBytes(dir) {
  let total = 0;
  const list = new Set();
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const st = fs.lstatSync(path.join(dir, f));
    if (st.isFile()) {
      total += st.size;
      list.add(f);
    }
  }
  return { bytes: total, files: list.size, list };
}
const LICENCE = /(?:^|\/)(?:licen[cs]e|copying|notice)[^/]*$/i;
const CODE = /\.(?:js|cjs|mjs|json|node|wasm|so)$|\.so\.[^/]+$/;

// Call `handler` of a module in a fresh node, once per event; answers as JSON (errors as text).
const RUNNER = `
const [file, eventsJson] = process.argv.slice(1);
const { pathToFileURL } = await import("node:url");
const out = [];
try {
  const mod = await import(pathToFileURL(file).href);
  for (const e of JSON.parse(eventsJson)) {
    try { out.push({ ok: await mod.handler(e, { functionName: "bench", awsRequestId: "req-1" }) }); }
    catch (err) { out.push({ error: String(err && err.message || err) }); }
  }
} catch (err) { out.push({ importError: String(err && err.message || err).split("\\n")[0] }); }
process.stdout.write("\\n@@ANSWERS@@" + JSON.stringify(out));
`;
function invoke(file, events, env = {}) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", RUNNER, file, JSON.stringify(events)], {
    cwd: path.dirname(file),
    env: { ...ENV, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const at = r.stdout.lastIndexOf("@@ANSWERS@@");
  if (at === -1) return [{ crashed: (r.stderr || "").split("\n").filter(Boolean).slice(-1)[0] ?? `exit ${r.status}` }];
  // Paths differ between trees; answers must not depend on where the tree is.
  return JSON.parse(r.stdout.slice(at + "@@ANSWERS@@".length).split(path.dirname(file)).join("<root>"));
}

// ---------------------------------------------------------------------------------------------
// 1. One tree, three cleaners.
const options = resolveOptions({}, repo);
const plan = planShipment(Object.values(CORPUS).map((name) => ({ name, fromDir: repo })), options);
const pristine = path.join(work, "pristine");
for (const pkg of plan.packages) {
  for (const f of listPackageFiles(pkg.realDir)) {
    const dest = path.join(pristine, pkg.zipDir, f.rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(f.abs, dest);
    fs.chmodSync(dest, f.diskMode);
  }
}
// Each corpus handler, bundled with every package left external, at the tree's root.
await esbuild.build({
  entryPoints: Object.keys(CORPUS).map((n) => path.join(repo, "fixtures/strip-corpus/src", `${n}.ts`)),
  outdir: pristine,
  bundle: true,
  packages: "external",
  format: "esm",
  platform: "node",
  outExtension: { ".js": ".mjs" },
  logLevel: "warning",
});
const base = treeBytes(path.join(pristine, "node_modules"));
console.log(`tree: the closure of ${Object.keys(CORPUS).length} corpus packages, ${plan.packages.length} packages, ${base.files} files, ${mb(base.bytes)}`);

const variants = {
  slimfn: (dir) => {
    for (const pkg of plan.packages) {
      const root = path.join(dir, pkg.zipDir);
      const stripped = planStrip({ name: pkg.name, realDir: root, packageJson: pkg.packageJson }, listPackageFiles(root), {
        enabled: true, remove: [], keep: [], keepSourceMaps: false,
      });
      for (const r of stripped.removed) fs.rmSync(path.join(root, r.rel));
    }
  },
  "clean-modules": (dir) => {
    execFileSync(process.execPath, [path.join(repo, "node_modules/clean-modules/bin/cli.js"), "clean", "--directory", path.join(dir, "node_modules"), "--yes", "--silent"], { stdio: "pipe" });
  },
  modclean: (dir) => {
    execFileSync(process.execPath, [path.join(repo, "node_modules/modclean/bin/modclean.js"), "--path", dir, "--run", "--no-progress"], { stdio: "pipe" });
  },
};

const expected = Object.fromEntries(Object.keys(CORPUS).map((n) => [n, invoke(path.join(pristine, `${n}.mjs`), [{}])]));
const unhealthy = Object.entries(expected).filter(([, a]) => !("ok" in a[0]));
if (unhealthy.length) throw new Error(`corpus handlers fail in the untouched tree: ${JSON.stringify(unhealthy)}`);

const rows = [];
for (const [name, clean] of Object.entries(variants)) {
  const dir = path.join(work, name);
  fs.cpSync(pristine, dir, { recursive: true, verbatimSymlinks: true });
  const t = process.hrtime.bigint();
  clean(dir);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const after = treeBytes(path.join(dir, "node_modules"));
  const broken = [];
  for (const n of Object.keys(CORPUS)) {
    const got = invoke(path.join(dir, `${n}.mjs`), [{}]);
    if (JSON.stringify(got) !== JSON.stringify(expected[n])) broken.push({ name: n, got: JSON.stringify(got).slice(0, 160) });
  }
  const gone = [...base.list].filter((f) => !after.list.has(f));
  rows.push({
    name, removed: base.bytes - after.bytes, files: gone.length, ms, broken,
    licences: gone.filter((f) => LICENCE.test(f)).length,
    code: gone.filter((f) => CODE.test(f)).length,
  });
  fs.rmSync(dir, { recursive: true, force: true });
}
const cm = rows.find((r) => r.name === "clean-modules");
console.log("\ncleaner         bytes removed      vs clean-modules  files removed  of them code  licence files  corpus broken  time");
for (const r of rows) {
  console.log(
    `${r.name.padEnd(15)} ${mb(r.removed).padStart(10)} (${((r.removed / base.bytes) * 100).toFixed(1).padStart(4)}%) ${(r.removed / cm.removed).toFixed(2).padStart(8)}x ${String(r.files).padStart(14)} ${String(r.code).padStart(13)} ${String(r.licences).padStart(14)} ${String(r.broken.length).padStart(11)}/${Object.keys(CORPUS).length}  ${(r.ms / 1000).toFixed(1)}s`,
  );
}
for (const r of rows) for (const b of r.broken) console.log(`  ${r.name} breaks ${b.name}: ${b.got}`);

// ---------------------------------------------------------------------------------------------
// 2. The realistic fixture: slimfn versus @netlify/zip-it-and-ship-it (defaults).
// zip-it-and-ship-it leaves @aws-sdk/* to the Lambda runtime by default. To compare zips that
// promise the same thing, slimfn is also built with esbuild's own `external: ["@aws-sdk/*"]`
// (provided by the runtime), and both run with a stand-in for the runtime's SDK: a
// node_modules beside the task folder, linked to this repository's. slimfn's default build
// (SDK bundled) is shown too, run with nothing beside it.
const project = path.join(work, "realistic");
fs.cpSync(path.join(repo, "fixtures/realistic"), project, { recursive: true, filter: (p) => !/[\\/](dist|node_modules)$/.test(p) });
const { default: slimfn } = await import("../dist/plugins/esbuild.js");
const buildSlimfn = (outdir, external) =>
  esbuild.build({
    entryPoints: ["src/handler.ts", "src/thumbnail.ts"],
    outdir,
    absWorkingDir: project,
    logLevel: "error",
    external,
    plugins: [slimfn({ runtime: "nodejs22.x", zip: `${outdir}/[name].zip`, include: ["assets/logo.svg"], verify: false })],
  });
await buildSlimfn("dist-default", []);
await buildSlimfn("dist-runtime-sdk", ["@aws-sdk/*"]);
const { zipFunction } = await import("@netlify/zip-it-and-ship-it");
const peerOut = path.join(work, "zisi");
fs.mkdirSync(peerOut);
const peer = {};
for (const name of ["handler", "thumbnail"]) {
  peer[name] = await zipFunction(path.join(project, "src", `${name}.ts`), peerOut, {
    basePath: project,
    repositoryRoot: repo,
    config: { thumbnail: { includedFiles: ["assets/logo.svg"] } },
  });
}
/** Extract into <tmp>/task; with `runtime`, <tmp>/node_modules stands in for the runtime's SDK. */
const extract = (zip, runtime) => {
  const top = fs.mkdtempSync(path.join("/tmp", "slimfn-stripbench-"));
  const dir = path.join(top, "task");
  fs.mkdirSync(dir);
  if (runtime) fs.symlinkSync(path.join(repo, "node_modules"), path.join(top, "node_modules"));
  execFileSync("unzip", ["-q", zip, "-d", dir]);
  return { dir, done: () => fs.rmSync(top, { recursive: true, force: true }) };
};
const eventsOf = (folder) =>
  fs.readdirSync(path.join(project, folder)).filter((f) => f.endsWith(".json")).sort().map((f) => JSON.parse(fs.readFileSync(path.join(project, folder, f), "utf8")));
const unzipped = (zip) => Number(execFileSync("unzip", ["-Zt", zip], { encoding: "utf8" }).match(/(\d+) bytes uncompressed/)[1]);
console.log("\nrealistic fixture   slimfn (SDK bundled)   slimfn (SDK from runtime)   zip-it-and-ship-it   ratio (same contract)   answers");
const totals = { bundled: 0, ours: 0, theirs: 0 };
for (const [name, folder] of [["handler", "events"], ["thumbnail", "thumbnail-events"]]) {
  const bundledZip = path.join(project, "dist-default", `${name}.zip`);
  const ourZip = path.join(project, "dist-runtime-sdk", `${name}.zip`);
  const sizes = [bundledZip, ourZip, peer[name].path].map((z) => fs.statSync(z).size);
  totals.bundled += sizes[0];
  totals.ours += sizes[1];
  totals.theirs += sizes[2];
  const events = eventsOf(folder);
  const run = (zip, runtime, entry, taskRoot = (d) => d) => {
    const x = extract(zip, runtime);
    try {
      return invoke(path.join(x.dir, entry), events, { LAMBDA_TASK_ROOT: taskRoot(x.dir) });
    } finally {
      x.done();
    }
  };
  const bundled = run(bundledZip, false, `${name}.mjs`);
  const mine = run(ourZip, true, `${name}.mjs`);
  // zip-it-and-ship-it keeps the project's path under the repository root: the included asset
  // sits in that folder, so that is its task root for the handler's file read.
  const theirs = run(peer[name].path, true, peer[name].entryFilename, (d) => path.join(d, path.relative(repo, project)));
  const same = JSON.stringify(mine) === JSON.stringify(theirs) && JSON.stringify(bundled) === JSON.stringify(theirs);
  const failed = theirs.filter((a) => !("ok" in a)).length;
  console.log(
    `${name.padEnd(19)} ${mb(sizes[0]).padStart(20)}   ${mb(sizes[1]).padStart(25)}   ${mb(sizes[2]).padStart(18)}   ${(sizes[1] / sizes[2]).toFixed(2).padStart(20)}x   ${same ? `identical (${events.length} events${failed ? `, ${failed} answered with an error by all` : ""})` : "DIFFERENT"}`,
  );
  console.log(`${"".padEnd(19)} unzipped: ${mb(unzipped(bundledZip))}, ${mb(unzipped(ourZip))}, ${mb(unzipped(peer[name].path))}`);
  if (!same) console.log(`  slimfn: ${JSON.stringify(mine).slice(0, 300)}\n  bundled: ${JSON.stringify(bundled).slice(0, 300)}\n  peer:   ${JSON.stringify(theirs).slice(0, 300)}`);
}
console.log(
  `${"both functions".padEnd(19)} ${mb(totals.bundled).padStart(20)}   ${mb(totals.ours).padStart(25)}   ${mb(totals.theirs).padStart(18)}   ${(totals.ours / totals.theirs).toFixed(2).padStart(20)}x`,
);

// The trees are large; the figures above are the result.
fs.rmSync(work, { recursive: true, force: true });
