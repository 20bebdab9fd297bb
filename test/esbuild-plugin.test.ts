/**
 * The esbuild plugin end to end: real builds of the fixtures, zips checked with Info-ZIP,
 * handlers invoked from the extracted zip in a fresh node, compared with the source.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { VERSION as rolldownVersion } from "rolldown";
import { VERSION as rollupVersion } from "rollup";
import { beforeAll, describe, expect, it } from "vitest";
import slimfn from "../plugins/esbuild.js";
import type { SizeModel } from "../src/report/model.js";
import { BUNDLERS, buildFixture } from "./helpers/build.js";
import { transpileSource } from "./helpers/from-source.js";
import { fixtureEvents, handlerModule, invokeHandler } from "./helpers/invoke.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList, unzipTest } from "./helpers/zip.js";

describe.each(BUNDLERS)("%s: the realistic fixture", (bundler) => {
  let root: string;
  let model: SizeModel;
  beforeAll(async () => {
    root = copyFixture(fixture("realistic"), repoTempDir("realistic-"));
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts"],
      slimfn: { zip: "dist/[name].zip", report: { json: "dist/size.json" } },
    });
    expect(built.failure?.errors).toBeUndefined();
    model = built.model!;
  });

  it("writes a zip Info-ZIP accepts, with the entry at the root", () => {
    const zip = path.join(root, "dist/handler.zip");
    expect(unzipTest(zip)).toMatch(/No errors detected in compressed data/);
    const names = unzipList(zip);
    expect(names).toContain("handler.mjs");
    expect(names.every((n) => n.endsWith(".mjs"))).toBe(true);
    expect([...names].sort()).toEqual(names);
  });

  it("answers every event from the extracted zip exactly as the source does", async () => {
    const { events, names } = fixtureEvents(fixture("realistic"));
    const dir = extractZip(path.join(root, "dist/handler.zip"));
    const { file, exportName } = handlerModule(dir, model.functions[0]!.handler);
    const fromZip = invokeHandler(file, exportName, events);
    const src = await transpileSource(root);
    const fromSource = invokeHandler(path.join(src, "handler.mjs"), "handler", events);
    expect(fromZip).toEqual(fromSource);
    // The events reach every route: a 201, a 400, a 404 and the presigned link.
    const status = Object.fromEntries(names.map((n, i) => [n, (fromZip[i] as { ok: { statusCode: number } }).ok.statusCode]));
    expect(status).toEqual({
      "bad-order.json": 400, "create-order.json": 201, "file-link.json": 200,
      "get-order.json": 200, "health.json": 200, "not-found.json": 404,
    });
  });

  it("describes the real zip in the size model: sums, entries and hash agree", () => {
    const fn = model.functions[0]!;
    const zip = path.join(root, "dist/handler.zip");
    const bytes = fs.readFileSync(zip);
    expect(model.schema).toBe("slimfn/size-model");
    expect(model.schemaVersion).toBe(1);
    expect(model.bundler).toEqual({ name: bundler, version: { esbuild: esbuild.version, rollup: rollupVersion, rolldown: rolldownVersion }[bundler] });
    expect(fn.name).toBe("handler");
    expect(fn.handler).toBe("handler.handler");
    expect(fn.runtime).toBe("nodejs22.x");
    expect(fn.zip).toBe("dist/handler.zip");
    expect(fn.zipBytes).toBe(bytes.length);
    expect(fn.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(fn.entryCount).toBe(unzipList(zip).length);
    expect(fn.files.map((f) => f.path)).toEqual(unzipList(zip));
    expect(fn.unzippedBytes).toBe(fn.files.reduce((s, f) => s + f.bytes, 0));
    for (const f of fn.files) expect(f.bytes).toBe(fs.statSync(path.join(root, "dist", f.path)).size);
    expect(fn.limits.zipped).toBeCloseTo(bytes.length / 52_428_800, 12);
    expect(fn.limits.unzipped).toBeCloseTo(fn.unzippedBytes / 262_144_000, 12);
    // Packages and own code never claim more than the zip's compressed file data.
    const attributed = fn.packages.reduce((s, p) => s + p.zipBytes, 0) + fn.ownCode.zipBytes;
    const compressed = fn.files.reduce((s, f) => s + f.zipBytes, 0);
    expect(attributed).toBeLessThanOrEqual(compressed + fn.packages.length);
    expect(attributed).toBeGreaterThan(compressed * 0.9);
    const zod = fn.packages.find((p) => p.name === "zod")!;
    const zodVersion = JSON.parse(fs.readFileSync(path.join(root, "../../node_modules/zod/package.json"), "utf8")).version;
    expect(zod.version).toBe(zodVersion);
    expect(zod.bytes).toBeGreaterThan(10_000);
    expect(fn.packages.map((p) => p.name)).toEqual([...fn.packages.map((p) => p.name)].sort());
    expect(JSON.stringify(model)).not.toContain(root);
  });
});

describe.each(BUNDLERS)("%s: several functions in one build", (bundler) => {
  it("gives one zip per function, named and laid out as DESIGN says", async () => {
    const root = copyFixture(fixture("multi"), repoTempDir("multi-"));
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/api/get.mjs", "src/api/put.mjs", "src/jobs/nightly.mjs"],
      outbase: "src",
      slimfn: { zip: "zips/[name].zip", report: { json: "zips/size.json" } },
    });
    expect(built.failure?.errors).toBeUndefined();
    const fns = built.model!.functions;
    expect(fns.map((f) => [f.name, f.handler, f.zip])).toEqual([
      ["api-get", "api/get.handler", "zips/api-get.zip"],
      ["api-put", "api/put.handler", "zips/api-put.zip"],
      ["jobs-nightly", "jobs/nightly.run", "zips/jobs-nightly.zip"],
    ]);
    // Each zip holds its function's entry and the chunks it imports, nothing of the others.
    const get = unzipList(path.join(root, "zips/api-get.zip"));
    expect(get).toContain("api/get.mjs");
    expect(get.some((n) => n.startsWith("api/put"))).toBe(false);
    const answers = fns.map((f) => {
      const dir = extractZip(path.join(root, f.zip!));
      const { file, exportName } = handlerModule(dir, f.handler);
      return invokeHandler(file, exportName, [{ name: "ada" }])[0];
    });
    expect(answers).toEqual([
      { ok: { statusCode: 200, body: "hello ada" } },
      { ok: { statusCode: 201, body: "hello ada v1" } },
      { ok: { job: "nightly", version: "v1" } },
    ]);
  });
});

describe.each(BUNDLERS)("%s: bundler settings", (bundler) => {
  it("sets lean defaults, and what the user set wins", async () => {
    const root = copyFixture(fixture("minimal"), repoTempDir("minimal-"));
    const lean = await buildFixture(bundler, { root, entries: ["src/handler.mjs"], outdir: "lean", write: true });
    const leanCode = fs.readFileSync(path.join(root, "lean/handler.mjs"), "utf8");
    expect(leanCode.trim().split("\n")).toHaveLength(1); // whitespace minified
    expect(fs.existsSync(path.join(root, "lean/handler.mjs.map"))).toBe(false);
    const mine = await buildFixture(bundler, {
      root, entries: ["src/handler.mjs"], outdir: "mine",
      format: "cjs", sourcemap: true, esbuild: { minifyWhitespace: false },
    });
    expect(mine.failure).toBeUndefined();
    const code = fs.readFileSync(path.join(root, "mine/handler.js"), "utf8");
    // Only esbuild has a minify setting of its own to turn off; rollup's preset always minifies.
    if (bundler === "esbuild") expect(code.split("\n").length).toBeGreaterThan(3);
    expect(code).toMatch(bundler === "esbuild" ? /module\.exports/ : /exports\.handler\s*=/);
    const names = unzipList(path.join(root, "mine/handler.zip"));
    expect(names).toEqual(["handler.js", "handler.js.map"]);
    const dir = extractZip(path.join(root, "mine/handler.zip"));
    expect(invokeHandler(path.join(dir, "handler.js"), "handler", [{ name: "cjs" }])).toEqual([
      { ok: { statusCode: 200, body: JSON.stringify({ hello: "cjs" }) } },
    ]);
  });

  it("shims require/__dirname/__filename for bundled CommonJS without touching the user's own names", async () => {
    const root = copyFixture(fixture("shims"), repoTempDir("shims-"));
    const built = await buildFixture(bundler, { root, entries: ["src/handler.mjs"] });
    expect(built.failure).toBeUndefined();
    const dir = extractZip(path.join(root, "dist/handler.zip"));
    expect(invokeHandler(path.join(dir, "handler.mjs"), "handler", [{}])).toEqual([
      { ok: { legacy: { dirnameIsFolder: true, filenameExists: true, type: "application/pdf", builtin: "function" }, mine: "user's own", sep: "/" } },
    ]);
    // A bundle that never calls require gets no shim at all.
    const plain = copyFixture(fixture("minimal"), repoTempDir("minimal-"));
    await buildFixture(bundler, { root: plain, entries: ["src/handler.mjs"], write: true });
    expect(fs.readFileSync(path.join(plain, "dist/handler.mjs"), "utf8")).not.toContain("createRequire");
  });

  it("keeps source maps true when the require shim is added, external and inline", async () => {
    const root = copyFixture(fixture("shims"), repoTempDir("shims-map-"));
    fs.appendFileSync(path.join(root, "src/handler.mjs"), "export const fail = async () => {\n  throw new Error(\"boom\");\n};\n");
    const line = fs.readFileSync(path.join(root, "src/handler.mjs"), "utf8").split("\n").findIndex((l) => l.includes("boom")) + 1;
    for (const sourcemap of [true, "inline"] as const) {
      const built = await buildFixture(bundler, { root, entries: ["src/handler.mjs"], outdir: `out-${sourcemap}`, sourcemap, slimfn: { verify: false } });
      expect(built.failure).toBeUndefined();
      const dir = extractZip(path.join(root, `out-${sourcemap}/handler.zip`));
      expect(fs.readFileSync(path.join(dir, "handler.mjs"), "utf8")).toMatch(bundler === "esbuild" ? /^import\{createRequire as __slimfnCreateRequire\}/ : /^import\{createRequire(?: as \w+)?\}from"node:module";/);
      const [answer] = invokeHandler(path.join(dir, "handler.mjs"), "fail", [{}], { nodeArgs: ["--enable-source-maps"], env: { NODE_OPTIONS: "" } });
      expect(answer).toEqual({ error: "boom" });
      const stack = execFileSync(process.execPath, ["--enable-source-maps", "--input-type=module", "-e",
        `try { await (await import(${JSON.stringify(path.join(dir, "handler.mjs"))})).fail(); } catch (e) { console.log(e.stack.split("\\n")[1]); }`], { encoding: "utf8" });
      // The map's sources are relative to the output folder, so they resolve beside the zip's folder.
      // oxc-minify maps the throw to `Error` (column 13), esbuild to `new` (column 9): same line.
      expect(stack.trim()).toMatch(new RegExp(`^at Module\\.fail \\(/.*/src/handler\\.mjs:${line}:${bundler === "esbuild" ? 9 : 13}\\)$`));
    }
  });

  it("zips from memory with write: false and leaves the output files to the caller", async () => {
    const root = copyFixture(fixture("minimal"), repoTempDir("minimal-"));
    const built = await buildFixture(bundler, { root, entries: ["src/handler.mjs"], write: false });
    expect(built.result!.outputFiles!.map((f) => path.basename(f.path))).toEqual(["handler.mjs"]);
    expect(fs.readdirSync(path.join(root, "dist"))).toEqual(["handler.zip"]);
    expect(unzipList(path.join(root, "dist/handler.zip"))).toEqual(["handler.mjs"]);
  });

  it("re-zips on every rebuild of a context", async () => {
    const root = copyFixture(fixture("minimal"), repoTempDir("minimal-"));
    const ctx = await esbuild.context({
      entryPoints: ["src/handler.mjs"], absWorkingDir: root, outdir: "dist", logLevel: "silent",
      plugins: [slimfn({ report: { json: "dist/size.json" } })],
    });
    try {
      await ctx.rebuild();
      const first = JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")) as SizeModel;
      fs.writeFileSync(path.join(root, "src/handler.mjs"), "export const handler = async () => 'changed';\n");
      await ctx.rebuild();
      const second = JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")) as SizeModel;
      expect(second.functions[0]!.sha256).not.toBe(first.functions[0]!.sha256);
      const dir = extractZip(path.join(root, "dist/handler.zip"));
      expect(invokeHandler(path.join(dir, "handler.mjs"), "handler", [{}])).toEqual([{ ok: "changed" }]);
    } finally {
      await ctx.dispose();
    }
  });
});
