/**
 * slimfn inside the esbuild configs real Lambda teams already have: their own banner, their
 * runtime-provided SDK, their entry files. Each case builds a real project, extracts the zip
 * with Info-ZIP and invokes the printed handler in a fresh node.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import slimfn from "../plugins/esbuild.js";
import type { SizeModel } from "../src/report/model.js";
import { BUNDLERS, buildFixture } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { REPO } from "./helpers/paths.js";
import { repoTempDir, writeFiles } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

const project = (files: Record<string, string>): string => writeFiles(repoTempDir("user-config-"), files);

/** Extract the function's zip and call its handler string with one event, as Lambda would. */
function invokeZip(root: string, zip: string, handler: string, event: unknown = {}) {
  const dir = extractZip(path.join(root, zip));
  const { file, exportName } = handlerModule(dir, handler);
  return invokeHandler(file, exportName, [event])[0];
}

describe.each(BUNDLERS)("%s: the user's own esbuild options", (bundler) => {
  it("keeps the user's banner that declares require (the createRequire recipe) and adds no second one", async (t) => {
    // Rolldown turns a require() in ES output into its own `import { createRequire }`: the
    // recipe's binding collides with it with or without slimfn, so no Rolldown config writes it.
    if (bundler === "rolldown") return t.skip();
    const root = project({
      "src/handler.ts": `import os from "node:os";\nconst path = require("path");\nexport const handler = async () => path.basename("/a/b.txt") + os.EOL.length;\n`,
    });
    const banner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts"],
      slimfn: { verify: { runs: 1 }, report: { json: "dist/size.json" } },
      banner: banner,
    });
    expect(built.failure?.errors).toBeUndefined();
    const code = fs.readFileSync(path.join(root, "dist/handler.mjs"), "utf8");
    expect(code.startsWith(banner)).toBe(true);
    expect(code).not.toContain("__slimfnCreateRequire");
    const fn = built.model!.functions[0]!;
    expect(fn.handler).toBe("handler.handler");
    expect(invokeZip(root, fn.zip!, fn.handler)).toEqual({ ok: "b.txt1" });
  });

  it("still adds the require shim after a banner that only comments", async () => {
    const root = project({ "src/handler.ts": `const path = require("path");\nexport const handler = async () => path.basename("/a/b.txt");\n` });
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts"],
      slimfn: { verify: { runs: 1 }, report: { json: "dist/size.json" } },
      banner: "// (c) ACME: do not require this file by hand",
    });
    expect(built.failure?.errors).toBeUndefined();
    // Rolldown loads require() through its own createRequire import: slimfn has no free require
    // to shim there, and the banner is on top of the minified code (Rolldown's postBanner).
    const top = bundler === "rolldown" ? /^\/\/ \(c\) ACME.*\nimport\{createRequire\}from"node:module";/ : /^import\{createRequire as __slimfnCreateRequire\}.*\n\/\/ \(c\) ACME/;
    expect(fs.readFileSync(path.join(root, "dist/handler.mjs"), "utf8")).toMatch(top);
    expect(invokeZip(root, "dist/handler.zip", "handler.handler")).toEqual({ ok: "b.txt" });
    expect(unzipList(path.join(root, "dist/handler.zip"))).toEqual(["handler.mjs"]);
  });

  it("verifies a function whose SDK is left to the runtime (esbuild external) with the project's copy standing in", async () => {
    const root = project({
      "src/handler.ts": `import { S3Client } from "@aws-sdk/client-s3";\nconst s3 = new S3Client({});\nexport const handler = async () => typeof s3.send;\n`,
    });
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts"],
      slimfn: { verify: { runs: 1, event: {} }, report: { json: "dist/size.json" } },
      external: ["@aws-sdk/*"],
    });
    expect(built.failure?.errors).toBeUndefined();
    const fn = built.model!.functions[0]!;
    expect(fn.runtimeExternals).toEqual(["@aws-sdk/client-s3"]);
    expect(fn.init?.invocation).toMatchObject({ ok: true, preview: '"function"' });
    expect(unzipList(path.join(root, fn.zip!))).toEqual(["handler.mjs"]);
    // The stand-in was a link: the project's own copy is untouched after the cleanup.
    expect(fs.existsSync(path.join(REPO, "node_modules/@aws-sdk/client-s3/package.json"))).toBe(true);
  });

  it("fails verification naming an AWS SDK package left to the runtime that is not installed, and writes no zip", async () => {
    const root = project({ "src/handler.ts": `import { thing } from "@aws-sdk/client-not-installed";\nexport const handler = async () => thing;\n` });
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts"],
      slimfn: { verify: { runs: 1 } },
      external: ["@aws-sdk/*"],
    });
    const failure = built.failure!.errors[0]!;
    expect(failure.text).toMatch(/^VERIFY_FAILED: .*Cannot find package '@aws-sdk\/client-not-installed'/s);
    expect(failure.notes.map((n) => n.text)).toEqual([
      "@aws-sdk/client-not-installed is left to the runtime (esbuild external) but not installed in this project, so verification could not stand in for the runtime's copy. Install it as a devDependency, or set verify: false.",
    ]);
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });

  it("still fails verification for a package Lambda does not provide (packages: external), saying so", async () => {
    const root = project({ "src/handler.ts": `import { z } from "zod";\nexport const handler = async () => z.string().parse("s");\n` });
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts"],
      slimfn: { verify: { runs: 1 } },
      esbuild: { packages: "external" },
      // rollup's spelling of packages: "external": every bare import of a module.
      rollup: { input: { external: (id: string, importer?: string) => importer !== undefined && /^[^./\0]/.test(id) } },
    });
    const failure = built.failure!.errors[0]!;
    expect(failure.text).toMatch(/^VERIFY_FAILED: .*Cannot find package 'zod'/s);
    expect(failure.notes.map((n) => n.text)).toEqual([
      `zod is left to the runtime (esbuild external or packages: "external"), but Lambda's Node.js runtime provides only the AWS SDK v3 (@aws-sdk/*). Bundle it, ship it with slimfn's external, or, when a layer provides it, name the layer in slimfn's layers.`,
    ]);
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });

  it("finds the handler of a CommonJS build whose entry re-exports it (export * from a TypeScript file, .js specifier)", async () => {
    const root = project({
      "src/app/impl.ts": `export const handler = async (e: { n: number }) => ({ twice: e.n * 2 });\nexport const helper = 1;\n`,
      "src/app/index.ts": `export * from "./impl.js";\n`,
      "src/handler.ts": `export * from "./app";\nexport const version = "1";\n`,
    });
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts"],
      slimfn: { verify: { runs: 1 }, report: { json: "dist/size.json" } },
      format: "cjs",
    });
    expect(built.failure?.errors).toBeUndefined();
    const fn = built.model!.functions[0]!;
    expect(fn.handler).toBe("handler.handler");
    expect(unzipList(path.join(root, fn.zip!))).toEqual(["handler.js"]);
    expect(invokeZip(root, fn.zip!, fn.handler, { n: 21 })).toEqual({ ok: { twice: 42 } });
  });

  it("a package that reads its own files through __dirname: bundled it finds the output folder, shipped with external it works", async () => {
    const files = {
      "node_modules/reads-own/package.json": `{"name":"reads-own","version":"1.0.0","main":"index.js"}`,
      "node_modules/reads-own/index.js": `const fs = require("fs"), path = require("path");\nmodule.exports = () => fs.readFileSync(path.join(__dirname, "data", "words.txt"), "utf8").trim();\n`,
      "node_modules/reads-own/data/words.txt": "alpha beta\n",
      "src/data.json": `{"k":"v"}`,
      "src/handler.ts": `import data from "./data.json";\nimport words from "reads-own";\nexport const handler = async () => ({ data, words: words() });\n`,
    };
    const bundled = project(files);
    const b = await buildFixture(bundler, { root: bundled, entries: ["src/handler.ts"], slimfn: { verify: { runs: 1 } } });
    expect(b.failure?.errors).toBeUndefined();
    expect(invokeZip(bundled, "dist/handler.zip", "handler.handler")).toEqual({ error: expect.stringMatching(/^ENOENT: .*data\/words\.txt/) });

    const shipped = project(files);
    const s = await buildFixture(bundler, { root: shipped, entries: ["src/handler.ts"], slimfn: { verify: { runs: 1 }, external: ["reads-own"] } });
    expect(s.failure?.errors).toBeUndefined();
    expect(unzipList(path.join(shipped, "dist/handler.zip"))).toEqual([
      "handler.mjs",
      "node_modules/reads-own/data/words.txt",
      "node_modules/reads-own/index.js",
      "node_modules/reads-own/package.json",
    ]);
    expect(invokeZip(shipped, "dist/handler.zip", "handler.handler")).toEqual({ ok: { data: { k: "v" }, words: "alpha beta" } });
  });

  it("builds a CommonJS handler (exports.handler = ...) as CommonJS by default: ESM output would export only default", async () => {
    const root = project({
      // A CommonJS project: the repository's own "type": "module" must not apply.
      "package.json": "{}",
      "src/handler.js": `const os = require("os");\nconst { z } = require("zod");\nexports.handler = async (e) => ({ n: z.number().parse(e.n), eol: os.EOL.length });\n`,
    });
    const built = await buildFixture(bundler, { root, entries: ["src/handler.js"], slimfn: { verify: { runs: 1 }, report: { json: "dist/size.json" } } });
    expect(built.failure?.errors).toBeUndefined();
    const fn = built.model!.functions[0]!;
    expect(fn.handler).toBe("handler.handler");
    expect(unzipList(path.join(root, fn.zip!))).toEqual(["handler.js"]);
    expect(invokeZip(root, fn.zip!, fn.handler, { n: 7 })).toEqual({ ok: { n: 7, eol: 1 } });
  });

  it("names the export a CommonJS entry assigns (exports.main = ...)", async () => {
    const root = project({ "package.json": "{}", "src/job.js": `module.exports.main = async () => "ran";\n` });
    const built = await buildFixture(bundler, { root, entries: ["src/job.js"], slimfn: { verify: { runs: 1 }, report: { json: "dist/size.json" } } });
    expect(built.failure?.errors).toBeUndefined();
    const fn = built.model!.functions[0]!;
    expect(fn.handler).toBe("job.main");
    expect(invokeZip(root, fn.zip!, fn.handler)).toEqual({ ok: "ran" });
  });

  it("esbuild.context(): the first rebuild() verifies, later ones write fresh zips unverified unless verify.watch", async () => {
    const root = project({ "src/handler.ts": `export const handler = async () => "v1";\n` });
    const build = (verify: { runs: number; watch?: boolean }) =>
      esbuild.context({
        entryPoints: ["src/handler.ts"],
        absWorkingDir: root,
        outdir: path.join(root, "dist"),
        logLevel: "silent",
        plugins: [slimfn({ verify, report: { json: "dist/size.json" } })],
      });
    const readModel = () => JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")) as SizeModel;
    for (const watch of [false, true]) {
      fs.writeFileSync(path.join(root, "src/handler.ts"), `export const handler = async () => "v1";\n`);
      const ctx = await build({ runs: 1, watch });
      await ctx.rebuild();
      expect(readModel().functions[0]!.init?.runs).toBe(1);
      fs.writeFileSync(path.join(root, "src/handler.ts"), `export const handler = async () => "v2";\n`);
      await ctx.rebuild();
      await ctx.dispose();
      expect(readModel().functions[0]!.init?.runs).toBe(watch ? 1 : undefined);
      expect(invokeZip(root, "dist/handler.zip", "handler.handler")).toEqual({ ok: "v2" });
    }
  });

  it("zips .map files only when the code links them (true, linked), not for external or both", async () => {
    const root = project({ "src/handler.ts": `const p = require("path");\nexport const handler = async () => p.basename("/x/y.txt");\n` });
    const zipped: Record<string, string[]> = {};
    // rollup has no "both" (a map file and an inline map); its "hidden" is esbuild's "external".
    const settings = bundler === "esbuild" ? ([true, "linked", "external", "both", "inline"] as const) : ([true, "linked", "external", "inline"] as const);
    for (const sourcemap of settings) {
      const outdir = `out-${sourcemap}`;
      const built = await buildFixture(bundler, { root, entries: ["src/handler.ts"], outdir, sourcemap, slimfn: { verify: { runs: 1 } } });
      expect(built.failure?.errors).toBeUndefined();
      zipped[String(sourcemap)] = unzipList(path.join(root, outdir, "handler.zip"));
      // The build still writes every file esbuild made, maps included.
      expect(fs.existsSync(path.join(root, outdir, "handler.mjs.map"))).toBe(sourcemap !== "inline");
      expect(invokeZip(root, `${outdir}/handler.zip`, "handler.handler")).toEqual({ ok: "y.txt" });
    }
    expect(zipped).toEqual({
      true: ["handler.mjs", "handler.mjs.map"],
      linked: ["handler.mjs", "handler.mjs.map"],
      external: ["handler.mjs"],
      ...(bundler === "esbuild" ? { both: ["handler.mjs"] } : {}),
      inline: ["handler.mjs"],
    });
  });

  it("ships a package slimfn's external names even when esbuild's external leaves its scope to the runtime", async () => {
    const root = project({
      "src/handler.ts": `import { marshall } from "@aws-sdk/util-dynamodb";\nexport const handler = async (e: { a: number }) => marshall(e);\n`,
    });
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts"],
      slimfn: { external: ["@aws-sdk/util-dynamodb"], verify: { runs: 1 }, report: { json: "dist/size.json" } },
      external: ["@aws-sdk/*"],
    });
    expect(built.failure?.errors).toBeUndefined();
    const fn = built.model!.functions[0]!;
    expect(fn.runtimeExternals).toEqual([]);
    expect(fn.shipped?.find((p) => p.direct)?.name).toBe("@aws-sdk/util-dynamodb");
    expect(unzipList(path.join(root, fn.zip!))).toContain("node_modules/@aws-sdk/util-dynamodb/package.json");
    expect(invokeZip(root, fn.zip!, fn.handler, { a: 1 })).toEqual({ ok: { a: { N: "1" } } });
  });

  it("writes to dist/ when the build sets neither outdir nor outfile", async () => {
    const root = project({ "src/handler.ts": `export const handler = async () => "no outdir";\n` });
    const result = await esbuild.build({
      entryPoints: ["src/handler.ts"],
      absWorkingDir: root,
      logLevel: "silent",
      plugins: [slimfn({ verify: { runs: 1 }, report: { json: "dist/size.json" } })],
    });
    expect(result.errors).toEqual([]);
    expect(fs.readdirSync(path.join(root, "dist")).sort()).toEqual(["handler.mjs", "handler.zip", "size.json"]);
    const fn = (JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")) as SizeModel).functions[0]!;
    expect([fn.zip, fn.handler]).toEqual(["dist/handler.zip", "handler.handler"]);
    expect(invokeZip(root, fn.zip!, fn.handler)).toEqual({ ok: "no outdir" });
  });

  it("says which entries collide when two entry points get the same function name (api/get and api-get)", async () => {
    const root = project({ "src/a.ts": `export const handler = async () => "a";\n`, "src/b.ts": `export const handler = async () => "b";\n` });
    const built = await buildFixture(bundler, {
      root,
      entries: { "api/get": "src/a.ts", "api-get": "src/b.ts" },
      slimfn: { zip: "dist/[name].zip", verify: false },
    });
    expect(built.failure!.errors.map((e) => e.text)).toEqual([
      `ZIP_NAME_COLLISION: Two functions are both named "api-get" (a function's name is its output path with "/" turned into "-"), so both would be zipped to ${path.join(root, "dist/api-get.zip")}. Rename one of the entries.`,
    ]);
    expect(fs.existsSync(path.join(root, "dist/api-get.zip"))).toBe(false);
  });

  it("a CommonJS entry beside ESM entries (built as ESM) fails NO_HANDLER_EXPORT with the fix, not a failed verification", async () => {
    const root = project({
      "package.json": "{}",
      "src/legacy.js": `exports.handler = async () => "legacy";\n`,
      "src/modern.ts": `export const handler = async () => "modern";\n`,
    });
    const built = await buildFixture(bundler, { root, entries: ["src/legacy.js", "src/modern.ts"], slimfn: { zip: "dist/[name].zip" } });
    expect(built.failure!.errors.map((e) => e.text)).toEqual([
      `NO_HANDLER_EXPORT: Function "legacy" (legacy.mjs) has a CommonJS entry (exports.handler = ...) built as ESM, which exports only "default". Build with format: "cjs" (slimfn build --format cjs; the default when every entry is CommonJS), or give the entry export syntax (export const handler = ...).`,
    ]);
    const cjs = await buildFixture(bundler, { root, entries: ["src/legacy.js", "src/modern.ts"], slimfn: { zip: "dist/[name].zip", verify: { runs: 1 } }, format: "cjs" });
    expect(cjs.failure?.errors).toBeUndefined();
    expect(invokeZip(root, "dist/legacy.zip", "legacy.handler")).toEqual({ ok: "legacy" });
    expect(invokeZip(root, "dist/modern.zip", "modern.handler")).toEqual({ ok: "modern" });
  });

  it("a lazy entry matched only by require() calls warns LAZY_UNMATCHED saying require() is not rewritten, and the zip still answers", async () => {
    const root = project({ "package.json": "{}", "src/handler.js": `const { z } = require("zod");\nexports.handler = async (e) => z.number().parse(e.n);\n` });
    const built = await buildFixture(bundler, { root, entries: ["src/handler.js"], slimfn: { lazy: ["zod"], verify: { runs: 1 } } });
    expect(built.failure?.errors).toBeUndefined();
    expect(built.result!.warnings.map((w) => w.text)).toContain(
      `LAZY_UNMATCHED: The lazy entry "zod" matches no import in this build's own source files. Check its spelling, or remove it (imports inside node_modules and require() calls are never rewritten).`,
    );
    expect(invokeZip(root, "dist/handler.zip", "handler.handler", { n: 4 })).toEqual({ ok: 4 });
  });

  it("slimfn build --format cjs builds a CommonJS entry beside an ESM one; a bad --format is a usage error", () => {
    const root = project({
      "package.json": "{}",
      "src/jobs/legacy.js": `exports.handler = async () => "legacy";\n`,
      "src/api/get.ts": `export default async () => "get";\n`,
    });
    const cli = (args: string[]) => spawnSync(process.execPath, [path.join(REPO, "dist/src/cli.js"), "build", ...args], { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
    const r = cli(["src/api/get.ts", "src/jobs/legacy.js", "--outbase", "src", "--format", "cjs", "--report", "dist/size.json"]);
    expect(r.status).toBe(0);
    const model = JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")) as SizeModel;
    expect(model.functions.map((f) => [f.name, f.handler, f.zip])).toEqual([
      ["api-get", "api/get.default", "dist/api-get.zip"],
      ["jobs-legacy", "jobs/legacy.handler", "dist/jobs-legacy.zip"],
    ]);
    // Lambda loads a CommonJS handler with require(): `default` is then a property of module.exports.
    const dir = extractZip(path.join(root, "dist/api-get.zip"));
    const called = spawnSync(process.execPath, ["-e", `require("./api/get.js").default().then((r) => process.stdout.write(JSON.stringify(r)))`], { cwd: dir, encoding: "utf8" });
    expect(called.stdout).toBe('"get"');
    expect(invokeZip(root, "dist/jobs-legacy.zip", "jobs/legacy.handler")).toEqual({ ok: "legacy" });
    const bad = cli(["src/api/get.ts", "--format", "iife"]);
    expect([bad.status, bad.stderr.split("\n")[0]]).toEqual([2, 'slimfn build: --format must be esm or cjs, not "iife"']);
  });
});
