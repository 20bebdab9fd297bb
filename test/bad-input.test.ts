/**
 * Bad input gets one clear error naming the thing and what to do, and no artifact (complete or
 * partial) is left behind.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLERS, buildFixture } from "./helpers/build.js";
import { seen } from "./helpers/messages.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";

/** Every file under `dir`, relative. */
const filesUnder = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort() : [];

describe.each(BUNDLERS)("%s: bad input", (bundler) => {
  const minimal = () => copyFixture(fixture("minimal"), repoTempDir("bad-"));

  it("an unknown option and a mistyped one: both named, with what was expected", async () => {
    const root = minimal();
    const built = await buildFixture(bundler, {
      root, entries: ["src/handler.mjs"],
      slimfn: { runtim: "nodejs22.x", zip: 5, report: { jsn: "x.json" } } as never,
    });
    expect(seen(built.failure!.errors)).toEqual([
      { code: "OPTION_UNKNOWN", plugin: "slimfn", location: null, message: 'Unknown slimfn option "runtim". Known options: ' + knownOptions() + "." },
      { code: "OPTION_INVALID", plugin: "slimfn", location: null, message: 'slimfn option "zip" must be a non-empty string or true or false, got number 5.' },
      { code: "OPTION_UNKNOWN", plugin: "slimfn", location: null, message: expect.stringMatching(/^Unknown slimfn option "report\.jsn"\. Known options of "report": (\w+, )*json(, \w+)*\.$/) },
    ]);
    expect(filesUnder(path.join(root, "dist"))).toEqual([]);
  });

  it("a runtime slimfn does not know", async () => {
    const root = minimal();
    const built = await buildFixture(bundler, { root, entries: ["src/handler.mjs"], slimfn: { runtime: "nodejs18.x" as never } });
    expect(seen(built.failure!.errors)).toEqual([
      { code: "OPTION_INVALID", plugin: "slimfn", location: null, message: 'slimfn option "runtime" must be one of "nodejs20.x", "nodejs22.x", "nodejs24.x", got "nodejs18.x".' },
    ]);
  });

  it("an entry that does not exist", async () => {
    const root = minimal();
    const built = await buildFixture(bundler, { root, entries: ["src/nope.ts"] });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "ENTRY_NOT_FOUND", plugin: "slimfn", location: null,
        message: `Entry point "src/nope.ts" does not exist (looked for ${path.join(root, "src/nope.ts")}). Fix the path in entryPoints; paths are relative to ${root}.`,
      },
    ]);
    expect(filesUnder(path.join(root, "dist"))).toEqual([]);
  });

  it("a zip path whose folder cannot be written", async () => {
    const root = minimal();
    fs.writeFileSync(path.join(root, "blocker"), "a file where a folder should be");
    const built = await buildFixture(bundler, { root, entries: ["src/handler.mjs"], slimfn: { zip: "blocker/[name].zip" } });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "ZIP_WRITE_FAILED", plugin: "slimfn", location: null,
        message: `Cannot write the zip ${path.join(root, "blocker/handler.zip")}: its folder ${path.join(root, "blocker")} cannot be created or written (${path.join(root, "blocker")} is a file, not a folder). Choose a writable path with the "zip" option.`,
      },
    ]);
    expect(filesUnder(root).filter((f) => f.endsWith(".zip") || f.endsWith(".tmp"))).toEqual([]);
  });

  it("[name] missing when a build has several entries", async () => {
    const root = copyFixture(fixture("multi"), repoTempDir("bad-"));
    const built = await buildFixture(bundler, {
      root, entries: ["src/api/get.mjs", "src/api/put.mjs"], outbase: "src", slimfn: { zip: "dist/function.zip" },
    });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "ZIP_NAME_MISSING", plugin: "slimfn", location: null,
        message: `The zip path "${path.join(root, "dist/function.zip")}" has no [name], but the build has 2 functions (api-get, api-put). Put [name] in it, for example "dist/[name].zip".`,
      },
    ]);
    expect(filesUnder(path.join(root, "dist")).filter((f) => f.endsWith(".zip"))).toEqual([]);
  });

  it("an entry with no exported function", async () => {
    const root = minimal();
    fs.writeFileSync(path.join(root, "src/nothing.mjs"), "console.log('side effect only');\n");
    const built = await buildFixture(bundler, { root, entries: ["src/nothing.mjs"] });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "NO_HANDLER_EXPORT", plugin: "slimfn", location: null,
        message: 'Function "nothing" (nothing.mjs) has no handler export. It exports nothing. Export the function as `export const handler = async (event) => { ... }`.',
      },
    ]);
    expect(filesUnder(path.join(root, "dist")).filter((f) => f.endsWith(".zip"))).toEqual([]);
  });

  it("a failure in one function leaves no zip of any function", async () => {
    const root = copyFixture(fixture("multi"), repoTempDir("bad-"));
    fs.writeFileSync(path.join(root, "src/api/broken.mjs"), "export const a = 1; export const b = 2;\n");
    const built = await buildFixture(bundler, {
      root, entries: ["src/api/get.mjs", "src/api/broken.mjs"], outbase: "src",
    });
    expect(seen(built.failure!.errors).map((d) => d.code)).toEqual(["NO_HANDLER_EXPORT"]);
    expect(filesUnder(path.join(root, "dist")).filter((f) => f.endsWith(".zip") || f.endsWith(".tmp"))).toEqual([]);
  });

  it("a build slimfn fails leaves nothing of it in outdir: no .mjs, no chunk, no zip", async () => {
    const root = copyFixture(fixture("multi"), repoTempDir("bad-"));
    fs.writeFileSync(path.join(root, "src/api/throws.mjs"), 'throw new Error("no table name");\nexport const handler = async () => 1;\n');
    const cases = [
      { entryPoints: ["src/api/get.mjs", "src/api/broken.mjs"], broken: "export const a = 1; export const b = 2;\n", code: "NO_HANDLER_EXPORT" },
      { entryPoints: ["src/api/get.mjs", "src/api/throws.mjs"], code: "VERIFY_FAILED" },
    ];
    fs.writeFileSync(path.join(root, "src/api/broken.mjs"), cases[0]!.broken!);
    for (const c of cases) {
      const built = await buildFixture(bundler, { root, entries: c.entryPoints, outbase: "src", slimfn: { verify: { runs: 1 } } });
      expect(seen(built.failure!.errors).map((d) => d.code)).toEqual([c.code]);
      expect([c.code, filesUnder(path.join(root, "dist"))]).toEqual([c.code, []]);
    }
    // Budgets over their limit fail the build after the fact: zips, size model and outputs are all written to inspect.
    const over = await buildFixture(bundler, { root, entries: ["src/api/get.mjs"], outbase: "src", slimfn: { verify: false, report: { json: "dist/size.json", budgets: { zip: "1B" } } } });
    expect(seen(over.failure!.errors).map((d) => d.code)).toEqual(["BUDGET_EXCEEDED"]);
    expect(filesUnder(path.join(root, "dist"))).toEqual(["api-get.zip", "api/get.mjs", "size.json"]);
  });

  it("a syntax error is reported once: the bundler's error, no LAZY_PARSE_ERROR beside it", async () => {
    const root = minimal();
    fs.writeFileSync(path.join(root, "src/handler.mjs"), 'import { z } from "zod";\nexport const handler = async () => { z.string( };\n');
    const built = await buildFixture(bundler, { root, entries: ["src/handler.mjs"], slimfn: { lazy: ["zod"], verify: false } });
    // Each bundler's own parser says it in its own words.
    const parseError = { esbuild: 'Unexpected "}"', rollup: "src/handler.mjs (2:47): Expression expected (Note that you need plugins to import files that are not JavaScript)", rolldown: "[PARSE_ERROR] Unexpected token" }[bundler];
    expect(seen(built.failure!.errors)).toEqual([
      { code: "", plugin: "", message: parseError, location: { file: "src/handler.mjs", line: 2, column: 47 } },
    ]);
    expect(seen(built.failure!.warnings)).toEqual([]);
    expect(filesUnder(path.join(root, "dist"))).toEqual([]);
    // esbuild's loader option makes it bundle TypeScript in a .js file; rollup and Rolldown have no such option.
    if (bundler !== "esbuild") return;
    // A file esbuild bundles but slimfn's parser cannot read (TypeScript in a .js file with
    // loader ts) builds, and says once, after the build, that its imports stayed eager.
    fs.writeFileSync(path.join(root, "src/handler.mjs"), 'import { z } from "zod";\nconst n: number = 1;\nexport const handler = async () => z.string().parse("a" + n);\n');
    const ts = await buildFixture(bundler, { root, entries: ["src/handler.mjs"], slimfn: { lazy: ["zod"], verify: false }, esbuild: { loader: { ".mjs": "ts" } } });
    expect(seen(ts.result!.warnings).filter((d) => d.code === "LAZY_PARSE_ERROR")).toEqual([
      {
        code: "LAZY_PARSE_ERROR", plugin: "slimfn", location: { file: "src/handler.mjs", line: 2, column: 6 },
        message: "Could not parse src/handler.mjs to look for lazy imports: Missing initializer in const declaration. The file is left as it is.",
      },
    ]);
  });

  it("budget function names and the verify.event file are checked when the build starts: nothing is bundled into outdir, verified or zipped", async () => {
    const root = copyFixture(fixture("multi"), repoTempDir("bad-"));
    const entryPoints = ["src/api/get.mjs", "src/jobs/nightly.mjs"];
    const built = await buildFixture(bundler, {
      root, entries: entryPoints,
      slimfn: { verify: { event: "events/missing.json" }, report: { json: "dist/size.json", budgets: { "api-get/zip": "1MB", "api-gte/zip": "1MB" } } },
    });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "BUDGET_INVALID", plugin: "slimfn", location: null,
        message: 'Budget api-gte/zip=1MB names function "api-gte", which is not in the build. Functions: api-get, jobs-nightly.',
      },
      {
        code: "OPTION_INVALID", plugin: "slimfn", location: null,
        message: `slimfn option "verify.event" names ${path.join(root, "events/missing.json")}, which cannot be read (ENOENT). Point it at a JSON file (relative to the project root), or give the event object itself.`,
      },
    ]);
    expect(filesUnder(path.join(root, "dist"))).toEqual([]);
    // Names slimfn cannot tell before bundling (esbuild entryNames) are checked before anything is verified or written.
    const named = await buildFixture(bundler, {
      root, entries: entryPoints, esbuild: { entryNames: "[name]-fn" }, rollup: { output: { entryFileNames: "[name]-fn.mjs" } },
      slimfn: { report: { json: "dist/size.json", budgets: { "api-get/zip": "1MB" } } },
    });
    expect(seen(named.failure!.errors)).toEqual([
      { code: "BUDGET_INVALID", plugin: "slimfn", location: null, message: 'Budget api-get/zip=1MB names function "api-get", which is not in the build. Functions: get-fn, nightly-fn.' },
    ]);
    expect(filesUnder(path.join(root, "dist")).filter((f) => f.endsWith(".zip") || f.endsWith(".json"))).toEqual([]);
    fs.rmSync(path.join(root, "dist"), { recursive: true, force: true });
    // Object entry points name their functions by key.
    fs.writeFileSync(path.join(root, "event.json"), "{ not json\n");
    const keyed = await buildFixture(bundler, {
      root, entries: { "v1/get": "src/api/get.mjs" },
      slimfn: { verify: { event: "event.json" }, report: { budgets: { "v1-get/zip": "1MB", "get/zip": "1MB" } } },
    });
    expect(seen(keyed.failure!.errors)).toEqual([
      { code: "BUDGET_INVALID", plugin: "slimfn", location: null, message: 'Budget get/zip=1MB names function "get", which is not in the build. Functions: v1-get.' },
      {
        code: "OPTION_INVALID", plugin: "slimfn", location: null,
        message: expect.stringMatching(new RegExp(`^slimfn option "verify\\.event" names ${path.join(root, "event.json").replace(/[.\/]/g, "\\$&")}, which is not JSON \\(.+\\)\\. Point it at a JSON file \\(relative to the project root\\), or give the event object itself\\.$`)),
      },
    ]);
    expect(filesUnder(path.join(root, "dist"))).toEqual([]);
  });

  it("a platform or format slimfn cannot package", async () => {
    const root = minimal();
    const built = await buildFixture(bundler, { root, entries: ["src/handler.mjs"], esbuild: { format: "iife" }, rollup: { output: { format: "iife" } } });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "OUTPUT_FORMAT_UNSUPPORTED", plugin: "slimfn", location: null,
        message: 'slimfn builds Node.js functions: it needs platform "node" and format "esm" or "cjs" (got platform "node", format "iife"). Remove those options to get slimfn\'s defaults.',
      },
    ]);
  });
});

import { OPTION_DOCS } from "../src/options.js";
const knownOptions = () => Object.keys(OPTION_DOCS).sort().join(", ");
