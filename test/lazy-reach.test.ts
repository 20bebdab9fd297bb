/**
 * The exact source filter of the esbuild adapter (src/lazy/reach.ts): found at setup by
 * following imports from the entries, it must name every file the lazy transform (or decorator
 * metadata) would change, or give up and keep the broad filter. Checked three ways: the scan on
 * real projects (what it names, and each reason it gives up); real esbuild builds with the exact
 * filter and with the broad one giving the same bytes; and what a context does when an edit
 * needs a file the filter, fixed at setup, leaves out.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mayNeedMetadata } from "../src/decorators.js";
import { findReach, proofOf, stillHolds } from "../src/lazy/reach.js";
import { lookAhead } from "../src/lookahead.js";
import { createSession } from "../src/session.js";
import { isSourceFile } from "../src/source-filter.js";
import { buildFixture, contextFixture, type BuildRequest, type FixtureBuild } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { copyFixture, repoTempDir, writeFiles } from "./helpers/tmp.js";
import { extractZip } from "./helpers/zip.js";

const repo = path.resolve(import.meta.dirname, "..");
/** Inside the repository, so `zod` and the other real packages resolve from its node_modules. */
const project = (files: Record<string, string>): string => writeFiles(repoTempDir("reach-"), files);

function reach(root: string, entries = ["src/handler.ts"], aliases: string[] = []) {
  const isSource = isSourceFile(root);
  const ahead = lookAhead({ mentionsLazy: (code) => code.includes("zod") || code.includes("@lazy"), resolve: async () => undefined, isSource, aliases: () => aliases });
  const found = findReach(
    entries.map((e) => path.join(root, e)),
    { root, mentionsLazy: (code) => code.includes("zod") || code.includes("@lazy"), needsMetadata: mayNeedMetadata, isSource, aliases, leavesToRuntime: (s) => s.startsWith("@aws-sdk/"), ahead },
  );
  const rel = (files: ReadonlySet<string>) => [...files].map((f) => path.relative(root, f)).sort();
  return "unknown" in found ? { unknown: found.unknown } : { needed: rel(found.needed), scanned: rel(found.scanned) };
}

describe("the scan at setup", () => {
  it("names the files that mention something lazy, their importers through barrels, decorated files; not the rest", () => {
    const root = project({
      "src/handler.ts": 'import { run } from "./run.js";\nimport "./side.js";\nimport { fmt } from "./fmt.js";\nexport const handler = async () => fmt(await run());\n',
      "src/fmt.ts": 'import { z } from "zod";\nexport function fmt(v: unknown) { return z.string().parse(v); }\n',
      "src/run.ts": 'import { parse } from "./schema.js";\nimport { names } from "./barrel/index.js";\nimport type { Context } from "aws-lambda";\nexport const run = async () => parse(names);\n',
      "src/schema.ts": 'import { z } from "zod";\nexport const parse = (v: unknown) => z.array(z.string()).parse(v);\n',
      "src/barrel/index.ts": 'export * from "../clients.js";\nexport const names = ["a"];\n',
      "src/clients.ts": 'import /* @lazy */ { S3Client } from "@aws-sdk/client-s3";\nexport const s3 = new S3Client({});\n',
      "src/side.ts": 'import data from "./data.json";\nconst later = () => import("./later.js");\nconst util = require("./util.js");\nexport { data, later, util };\n',
      "src/later.ts": 'import { Injectable } from "./inject.js";\n@Injectable()\nexport class Later {}\n',
      "src/inject.ts": "export const Injectable = () => (c: unknown) => c;\n",
      "src/util.js": "module.exports = { id: 1 };\n",
      "src/data.json": "{}\n",
      "src/service.ts": "",
      "src/unreached.ts": 'import { z } from "zod";\nexport const u = z;\n',
      "node_modules/@types/aws-lambda/package.json": '{ "name": "@types/aws-lambda" }\n',
      "node_modules/@types/aws-lambda/index.d.ts": "export interface Context {}\n",
    });
    const found = reach(root);
    // run.ts imports schema.ts (mentions zod and has an `export const`, so it may export deferred
    // consts) and the barrel (re-exports clients.ts); handler.ts imports run.ts, which exports
    // nothing deferred, and fmt.ts, which mentions zod but exports only a function.
    expect(found.needed).toEqual(["src/barrel/index.ts", "src/clients.ts", "src/fmt.ts", "src/later.ts", "src/run.ts", "src/schema.ts"]);
    expect(found.scanned).toEqual(["src/barrel/index.ts", "src/clients.ts", "src/fmt.ts", "src/handler.ts", "src/inject.ts", "src/later.ts", "src/run.ts", "src/schema.ts", "src/side.ts", "src/util.js"]);
  });

  it.each([
    ["a tsconfig paths alias", { "src/handler.ts": 'import { a } from "@app/a";\n' }, ["@app/"], '"@app/a", which only the bundler resolves'],
    ["a subpath import", { "src/handler.ts": 'import { a } from "#a";\n' }, [], '"#a", which only the bundler resolves'],
    ["a template-literal import()", { "src/handler.ts": "export const load = (n: string) => import(`./locales/${n}.js`);\n" }, [], "src/handler.ts loads a path built at run time"],
    ["a concatenated require()", { "src/handler.ts": 'export const load = (n: string) => require("./locales/" + n);\n' }, [], "src/handler.ts loads a path built at run time"],
    ["a relative import slimfn cannot resolve", { "src/handler.ts": 'import "./missing.js";\n' }, [], '"./missing.js", which slimfn cannot resolve'],
    ["a folder with a package.json", { "src/handler.ts": 'import "./lib";\n', "src/lib/package.json": '{ "main": "main.js" }\n', "src/lib/index.ts": "", "src/lib/main.js": "" }, [], 'the folder "./lib", which has a package.json'],
    ["a bare import installed nowhere", { "src/handler.ts": 'import { a } from "lib/a";\n' }, [], '"lib/a", which is not installed in a node_modules folder'],
  ])("gives up on %s", (_what, files, aliases, why) => {
    expect(reach(project(files as Record<string, string>), undefined, aliases as string[]).unknown).toContain(why);
  });

  it("gives up on a workspace sibling linked into node_modules (its files are source), not on a real package", () => {
    const root = project({ "src/handler.ts": 'import "zod";\nimport "sibling";\n', "packages/sibling/index.ts": "" });
    fs.mkdirSync(path.join(root, "node_modules"), { recursive: true });
    fs.symlinkSync(path.join(root, "packages/sibling"), path.join(root, "node_modules/sibling"));
    expect(reach(root).unknown).toContain('"sibling", which is not installed in a node_modules folder');
    fs.rmSync(path.join(root, "node_modules/sibling"));
    fs.writeFileSync(path.join(root, "src/handler.ts"), 'import "zod";\nimport "node:fs";\nimport "@aws-sdk/client-s3";\n');
    expect(reach(root)).toEqual({ needed: ["src/handler.ts"], scanned: ["src/handler.ts"] });
  });
});

describe("the scan is reused in one process only while what it read holds", () => {
  it("a file edited while the scan reads it leaves a proof that fails (stamps are taken before the read)", () => {
    const root = project({ "src/handler.ts": 'import { a } from "./a.js";\nexport const handler = async () => a();\n', "src/a.ts": "export const a = () => 1;\n" });
    const isSource = isSourceFile(root);
    const ahead = lookAhead({ mentionsLazy: () => false, resolve: async () => undefined, isSource, aliases: () => [] });
    const read = ahead.readSourceSync;
    ahead.readSourceSync = (file) => {
      const text = read(file);
      // The editor saves a.ts just after the scan read it (a new size, so the stamp differs
      // whatever the clock's resolution).
      if (file.endsWith("a.ts")) fs.writeFileSync(file, 'import { z } from "zod";\nexport const a = () => z.number().parse(1);\n');
      return text;
    };
    const found = findReach([path.join(root, "src/handler.ts")], { root, mentionsLazy: (c) => c.includes("zod"), needsMetadata: () => false, isSource, aliases: [], leavesToRuntime: () => false, ahead });
    if ("unknown" in found) throw new Error(found.unknown);
    expect([...found.needed]).toEqual([]);
    expect(stillHolds(proofOf(found, []), () => false)).toBe(false);
  });

  const filterOf = async (root: string, external: string[] = []) => {
    const session = createSession({ cache: false, lazy: ["zod"] }, { name: "esbuild", version: "-", root, resolve: async () => undefined, leavesToRuntime: (s) => external.includes(s) });
    session.configure({ entries: ["src/handler.ts"], platform: "node", format: "esm", outdir: "dist" });
    const filter = await session.fixSourceFilter();
    expect(filter.source).not.toEqual(session.sourceFilter.source);
    return (file: string) => filter.test(path.join(root, file));
  };
  it("an edited file, a new file that changes what an import names, a changed external", async () => {
    const root = project({
      "src/handler.ts": 'import { a } from "./a";\nimport "runtime-only-pkg";\nexport const handler = async () => a();\n',
      "src/a.ts": "export const a = () => 1;\n",
    });
    let seen = await filterOf(root, ["runtime-only-pkg"]);
    expect(["src/handler.ts", "src/a.ts"].map(seen)).toEqual([false, false]);
    // An edit: a.ts now mentions zod.
    fs.writeFileSync(path.join(root, "src/a.ts"), 'import { z } from "zod";\nexport const a = () => z.number().parse(1);\n');
    seen = await filterOf(root, ["runtime-only-pkg"]);
    expect(["src/handler.ts", "src/a.ts"].map(seen)).toEqual([true, true]);
    // A new a.tsx: esbuild's "./a" now names it (.tsx before .ts); only the folder says so.
    fs.writeFileSync(path.join(root, "src/a.ts"), "export const a = () => 1;\n");
    expect(["src/a.ts"].map(await filterOf(root, ["runtime-only-pkg"]))).toEqual([false]);
    fs.writeFileSync(path.join(root, "src/a.tsx"), 'import { z } from "zod";\nexport const a = () => z.number().parse(2);\n');
    seen = await filterOf(root, ["runtime-only-pkg"]);
    expect(["src/a.ts", "src/a.tsx"].map(seen)).toEqual([false, true]);
    // The package no longer left to the runtime, and installed nowhere: the scan cannot know.
    const session = createSession({ cache: false, lazy: ["zod"] }, { name: "esbuild", version: "-", root, resolve: async () => undefined, leavesToRuntime: () => false });
    session.configure({ entries: ["src/handler.ts"], platform: "node", format: "esm", outdir: "dist" });
    expect((await session.fixSourceFilter()).source).toEqual(session.sourceFilter.source);
  });
});

/** Every output file's text, by path relative to the output folder. */
function outputs(root: string, outdir = "dist"): Record<string, string> {
  const dir = path.join(root, outdir);
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (f.isFile() && /\.(?:m?js|map)$/.test(f.name)) out[path.relative(dir, path.join(f.parentPath, f.name))] = fs.readFileSync(path.join(f.parentPath, f.name), "utf8");
  }
  return out;
}

/** A user's esbuild plugin that resolves imports matching `filter` to the file `to`: what slimfn's scan cannot foresee. */
const redirect = (filter: RegExp, to: string) => ({
  name: "redirect",
  setup(build: { onResolve: (o: { filter: RegExp }, f: () => { path: string }) => void }) {
    build.onResolve({ filter }, () => ({ path: to }));
  },
});

const messages = (b: FixtureBuild) => ({ errors: (b.failure?.errors ?? []).map((m) => m.text), warnings: (b.result?.warnings ?? b.failure?.warnings ?? []).map((m) => m.text) });

describe("esbuild with the exact filter builds what the broad one builds", () => {
  // esbuild's own default resolveExtensions, given explicitly: resolution is unchanged, and the
  // adapter keeps the broad filter (it does not follow a user's resolveExtensions).
  const broad = { resolveExtensions: [".tsx", ".ts", ".jsx", ".js", ".css", ".json"] };
  const ORDER_ENTRIES = ["basic", "circular", "async", "still-eager", "annotated", "defer", "dual", "clients", "uses-shared", "uses-barrel", "entry-lazy", "interop", "commonjs/interop"];
  it.each([
    ["realistic", ["src/handler.ts", "src/thumbnail.ts"], { lazy: ["@aws-sdk/*", "zod"] }],
    ["lazy-order", ORDER_ENTRIES.map((e) => `src/${e}.ts`), { lazy: { modules: ["heavy-*", "fake-client", "cjs-*"], mode: "sync" as const } }],
    ["decorators", ["src/handler.ts"], { lazy: ["zod"] }],
  ])("%s: the same output bytes", async (fixture, entries, lazy) => {
    // One folder for both builds: chunk hashes cover the paths of virtual modules.
    const root = copyFixture(path.join(repo, "fixtures", fixture), repoTempDir(`reach-${fixture}-`));
    // lazy-order's packages installed, as a user has them (esbuild's nodePaths would be a doubt).
    if (fs.existsSync(path.join(root, "packages"))) fs.cpSync(path.join(root, "packages"), path.join(root, "node_modules"), { recursive: true });
    const request = (root: string, esbuild: Record<string, unknown> = {}): BuildRequest => ({
      root,
      entries,
      slimfn: { runtime: "nodejs22.x", verify: false, ...lazy },
      esbuild: { sourcemap: true, ...esbuild },
    });
    // The scan sees the whole project: the first build runs with the exact filter.
    const session = createSession({ cache: false, ...lazy }, { name: "esbuild", version: "-", root, resolve: async () => undefined, leavesToRuntime: () => false });
    session.configure({ entries, platform: "node", format: "esm", outdir: "dist" });
    const filter = await session.fixSourceFilter();
    expect(filter.source).not.toEqual(session.sourceFilter.source);
    const sources = fs.readdirSync(path.join(root, "src"), { recursive: true }).map((f) => path.join(root, "src", String(f))).filter((f) => session.sourceFilter.test(f));
    const seen = sources.filter((f) => filter.test(f));
    expect(seen.length).toBeGreaterThan(0);
    const a = await buildFixture("esbuild", request(root));
    expect(a.failure).toBeUndefined();
    const texts = outputs(root);
    expect(Object.keys(texts).length).toBeGreaterThan(0);
    fs.rmSync(path.join(root, "dist"), { recursive: true });
    const b = await buildFixture("esbuild", request(root, broad));
    expect(messages(b)).toEqual(messages(a));
    expect(outputs(root)).toEqual(texts);
  });
});

describe("a context whose filter was fixed at setup", () => {
  const files = {
    "src/handler.ts": 'import { parse } from "./schema.js";\nimport { greet } from "./greet.js";\nexport const handler = async () => ({ n: parse(1), hi: greet() });\n',
    "src/schema.ts": 'import { z } from "zod";\nexport const parse = (v: unknown) => z.number().parse(v);\n',
    "src/greet.ts": 'export const greet = () => "hi";\n',
  };
  const request = (root: string): BuildRequest => ({ root, entries: ["src/handler.ts"], slimfn: { runtime: "nodejs22.x", lazy: ["zod"], verify: false, report: { json: "dist/size.json" } } });
  const answer = (root: string, built: FixtureBuild) => {
    const fn = built.model!.functions[0]!;
    const { file, exportName } = handlerModule(extractZip(path.join(root, fn.zip!)), fn.handler);
    return invokeHandler(file, exportName, [{}])[0];
  };

  it("rebuilds an edit the filter covers; fails with LAZY_RESTART_NEEDED on a file's first lazy import, and a new context builds it", async () => {
    const root = project(files);
    const ctx = await contextFixture("esbuild", request(root));
    try {
      const first = await ctx.rebuild();
      expect(messages(first)).toEqual({ errors: [], warnings: [] });
      expect(first.model!.functions[0]!.lazy!.map((d) => [d.importer, d.module])).toEqual([["src/schema.ts", "zod"]]);
      // An edit that needs no new file: rebuilt as a fresh build would.
      fs.writeFileSync(path.join(root, "src/greet.ts"), 'export const greet = () => "hello";\n');
      const second = await ctx.rebuild();
      expect(messages(second)).toEqual({ errors: [], warnings: [] });
      expect(answer(root, second)).toEqual({ ok: { n: 1, hi: "hello" } });
      // greet.ts now imports zod: the filter fixed at setup leaves it out.
      fs.writeFileSync(path.join(root, "src/greet.ts"), 'import { z } from "zod";\nexport const greet = () => z.string().parse("hello");\n');
      const third = await ctx.rebuild();
      expect(messages(third).errors).toEqual([
        "LAZY_RESTART_NEEDED: src/greet.ts now needs slimfn's lazy transform (a lazy import or annotation, or an import of a deferred export), added since the build was set up. esbuild fixes which files a plugin sees when the build context is created: create the context again (restart the watch or serve) to build it.",
      ]);
      // Still failing on the next rebuild: nothing is built that a fresh build would not build.
      expect(messages(await ctx.rebuild()).errors.map((e) => e.split(":")[0])).toEqual(["LAZY_RESTART_NEEDED"]);
    } finally {
      await ctx.dispose();
    }
    const again = await contextFixture("esbuild", request(root));
    try {
      const built = await again.rebuild();
      expect(messages(built)).toEqual({ errors: [], warnings: [] });
      expect(built.model!.functions[0]!.lazy!.map((d) => [d.importer, d.module])).toEqual([["src/greet.ts", "zod"], ["src/schema.ts", "zod"]]);
      expect(answer(root, built)).toEqual({ ok: { n: 1, hi: "hello" } });
    } finally {
      await again.dispose();
    }
  });

  it("an edit between setup and a context's first build: that build answers right, the next fails with LAZY_RESTART_NEEDED", async () => {
    const root = project(files);
    const ctx = await contextFixture("esbuild", request(root));
    try {
      // Right after setup: the first build may start on the setup's proof (PROOF_FRESH_MS in
      // src/session.ts), as a build reading a file edited under it would.
      fs.writeFileSync(path.join(root, "src/greet.ts"), 'import { z } from "zod";\nexport const greet = () => z.string().parse("hello");\n');
      const first = await ctx.rebuild();
      const errors = messages(first).errors.map((e) => e.split(":")[0]);
      if (errors.length) expect(errors).toEqual(["LAZY_RESTART_NEEDED"]);
      // Built on the old proof: greet.ts stayed eager, and the answer is the fresh build's.
      else expect(answer(root, first)).toEqual({ ok: { n: 1, hi: "hello" } });
      // Either way the proof predates the edit: the next build looks again and fails.
      expect(messages(await ctx.rebuild()).errors.map((e) => e.split(":")[0])).toEqual(["LAZY_RESTART_NEEDED"]);
    } finally {
      await ctx.dispose();
    }
  });

  it("warns LAZY_FILE_UNSEEN for a bundled file the scan could not foresee (another plugin's resolution), which stays eager", async () => {
    const root = project({
      ...files,
      "src/greet.ts": 'export const greet = () => "hi";\n',
      "src/greet-real.ts": 'import { z } from "zod";\nexport const greet = () => z.string().parse("real");\n',
    });
    const built = await buildFixture("esbuild", { ...request(root), esbuild: { plugins: [redirect(/^\.\/greet\.js$/, path.join(root, "src/greet-real.ts"))] } });
    expect(messages(built).warnings).toEqual([
      'LAZY_STILL_EAGER: "zod" is lazy in src/schema.ts:1, but it is still evaluated at init because another module imports it statically. Make that import lazy too (add it to `lazy` or annotate it), or mark this one /* @eager */.',
      "LAZY_FILE_UNSEEN: src/greet-real.ts was bundled, but slimfn's scan of the imports from the entries did not find it, so its lazy imports and annotations were left as written (eager). Import it by a relative path from a file the entries reach.",
    ]);
    expect(built.model!.functions[0]!.lazy!.map((d) => d.importer)).toEqual(["src/schema.ts"]);
    expect(answer(root, built)).toEqual({ ok: { n: 1, hi: "real" } });
  });

  it("fails with DECORATOR_METADATA_UNSEEN when such a file needed decorator metadata (injection by type would break), and writes no zip", async () => {
    const root = project({
      "tsconfig.json": '{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true } }\n',
      "src/handler.ts": 'import "reflect-metadata";\nimport { container } from "tsyringe";\nimport { Service } from "./service.js";\nexport const handler = async () => container.resolve(Service).run();\n',
      "src/service.ts": "export class Service { run() { return 0; } }\n",
      "src/service-real.ts": 'import { injectable } from "tsyringe";\nimport { Greeter } from "./greeter.js";\n@injectable()\nexport class Service {\n  constructor(private greeter: Greeter) {}\n  run() { return this.greeter.hi(); }\n}\n',
      "src/greeter.ts": 'export class Greeter { hi() { return "hi"; } }\n',
    });
    const plugins = [redirect(/^\.\/service\.js$/, path.join(root, "src/service-real.ts"))];
    const built = await buildFixture("esbuild", { root, entries: ["src/handler.ts"], slimfn: { runtime: "nodejs22.x", verify: false }, esbuild: { plugins } });
    expect(messages(built).errors).toEqual([
      "DECORATOR_METADATA_UNSEEN: src/service-real.ts was bundled, but slimfn's scan of the imports from the entries did not find it, so it got no decorator metadata, which its tsconfig asks for (emitDecoratorMetadata): injection by type (NestJS, TypeORM, tsyringe) would fail at run time. Import it by a relative path from a file the entries reach.",
    ]);
    const dist = path.join(root, "dist");
    expect(fs.existsSync(dist) ? fs.readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith(".zip")) : []).toEqual([]);
  });
});
