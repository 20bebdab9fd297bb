/**
 * Lazy imports (issue 4) end to end: fixtures/lazy-order built with the real esbuild and slimfn,
 * run in a fresh node. Fixture modules push their name to globalThis.__order when evaluated, so
 * each test proves what was deferred and what was not; every lazy build is compared with the
 * same build without `lazy` (differential).
 */
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import slimfn from "../plugins/esbuild.js";
import { buildFixture } from "./helpers/build.js";
import { invokeHandler, type Answer } from "./helpers/invoke.js";
import { repoTempDir } from "./helpers/tmp.js";
import { buildEntry, ORDER, run, type Shape } from "./lazy-helpers.js";

const LAZY = ["heavy-*", "throws-on-eval", "tla-mod"];
const ok = (answers: Answer[]) => answers.map((a) => ("ok" in a ? (a.ok as Record<string, unknown>) : expect.fail(`handler failed: ${(a as { error: string }).error}`)));
const SHAPES: Shape[] = ["esm-split", "esm", "cjs", "esm-outfile"];
/** Output files (entry and chunks) whose code evaluates `name`'s fixture package. */
const filesEvaluating = (outdir: string, name: string) =>
  fs.readdirSync(outdir).filter((f) => /\.[cm]?js$/.test(f) && fs.readFileSync(path.join(outdir, f), "utf8").includes(`push("${name}")`));

describe.each(SHAPES)("esbuild %s", (shape) => {
  it("defers every rewrite case and answers as the eager build does", async () => {
    const events = [{ case: "calls" }, { case: "calls" }];
    const lazy = await buildEntry("src/basic.ts", LAZY, shape);
    const eager = await buildEntry("src/basic.ts", null, shape);
    expect(lazy.errors).toEqual([]);
    const [first, second] = ok(run(lazy, events));
    const [eagerFirst] = ok(run(eager, events));
    expect(first!.before).toEqual(["basic"]);
    expect(first!.after).toEqual(["basic", "heavy-a"]);
    expect(second!.before).toEqual(["basic", "heavy-a"]);
    expect(eagerFirst!.before).toEqual(["heavy-a", "basic"]);
    expect(first!.result).toEqual(eagerFirst!.result);
    expect(first!.result).toEqual({
      call: "a(1)",
      thisKept: "this-undefined",
      default: "default-a",
      namespaces: "a(2) a(3) default-a",
      tagged: "x|y|/1,2",
      construct: 4,
      typeofClass: "function",
      instance: true,
      shorthand: "a,obj",
      member: 1,
      live: "1,1,2,2",
      sameInstance: true,
    });
  });

  it("leaves shadowed names alone: nothing is evaluated when only local bindings are used", async () => {
    const lazy = await buildEntry("src/basic.ts", LAZY, shape);
    const eager = await buildEntry("src/basic.ts", null, shape);
    const [answer] = ok(run(lazy, [{ case: "shadow" }]));
    const [eagerAnswer] = ok(run(eager, [{ case: "shadow" }]));
    expect(answer!.after).toEqual(["basic"]);
    expect(answer!.result).toEqual(eagerAnswer!.result);
    expect(answer!.result).toEqual({
      param: 2, block: "block", forLet: 3, forOf: "pq", caught: "thrown", cls: true, fn: "recursed", hoisted: "undefined:3", tag: "local-tag:t",
    });
  });

  it("a module that throws while evaluating throws the same error on every access, evaluated once", async () => {
    const b = await buildEntry("src/throws.ts", LAZY, shape);
    for (const answer of ok(run(b, [{}, { async: true }]))) {
      expect(answer.errors).toEqual(["boom while evaluating throws-on-eval", "boom while evaluating throws-on-eval"]);
      expect(answer.order).toEqual(["throws", "throws-on-eval"]);
    }
  });

  it("circular imports through a lazy import: the target sees the importer's bindings", async () => {
    const lazy = await buildEntry("src/circular.ts", [], shape);
    const eager = await buildEntry("src/circular.ts", null, shape);
    const [answer] = ok(run(lazy, [{}]));
    expect(answer).toEqual({ before: ["circular"], result: "b sees from-circular", after: ["circular", "circular-b"] });
    // Plain esbuild reads the annotation as a comment: eager.
    const [plain] = ok(run(eager, [{}]));
    expect(plain!.before).toEqual(["circular-b", "circular"]);
    expect(plain!.result).toEqual(answer!.result);
  });

  it("an external lazy target is required at run time on first use (a bundled re-export would hoist it to init)", async () => {
    const b = await buildEntry("src/basic.ts", LAZY, shape, { external: ["heavy-a"] });
    expect(b.errors).toEqual([]);
    expect(filesEvaluating(b.outdir, "heavy-a")).toEqual([]);
    const plain = await buildEntry("src/basic.ts", null, shape);
    // The package is found at run time through NODE_PATH, as the runtime's own packages are.
    const [answer] = ok(run(b, [{ case: "calls" }], [], { NODE_PATH: path.join(ORDER, "packages") }));
    const [plainAnswer] = ok(run(plain, [{ case: "calls" }]));
    expect(answer!.before).toEqual(["basic"]);
    expect(answer!.after).toEqual(["basic", "heavy-a"]);
    expect(answer!.result).toEqual(plainAnswer!.result);
  });

  it("concurrent first calls evaluate the module once", async () => {
    const b = await buildEntry("src/async.ts", LAZY, shape);
    const [answer] = ok(run(b, [{ case: "concurrent" }]));
    expect(answer).toEqual({ before: ["async"], result: ["b:1B", "b:2B", "b:3B"], after: ["async", "heavy-b"] });
  });
});

describe("modes", () => {
  it("auto uses import() and its own chunk where every reference is in an async body (esm + splitting)", async () => {
    const b = await buildEntry("src/async.ts", LAZY, "esm-split");
    const entry = path.basename(b.file);
    const evaluating = filesEvaluating(b.outdir, "heavy-b");
    expect(evaluating).toHaveLength(1);
    expect(evaluating[0]).not.toBe(entry);
    expect(fs.readFileSync(b.file, "utf8")).toMatch(/import\(/);
  });

  it("auto falls back to sync without splitting (outfile, cjs): the module stays in the entry, still deferred", async () => {
    for (const shape of ["esm-outfile", "cjs"] as const) {
      const b = await buildEntry("src/async.ts", LAZY, shape);
      expect(filesEvaluating(b.outdir, "heavy-b")).toEqual([path.basename(b.file)]);
      const [answer] = ok(run(b, [{ case: "one" }]));
      expect(answer!.before).toEqual(["async"]);
    }
  });

  it("a sync callback inside an async function takes sync mode in auto: its own chunk, required on first use (nodejs22.x)", async () => {
    const b = await buildEntry("src/basic.ts", LAZY, "esm-split");
    expect(filesEvaluating(b.outdir, "heavy-a")).toEqual([expect.stringMatching(/^heavy-a-\w+\.mjs$/)]);
    expect(fs.readFileSync(b.file, "utf8")).toContain("createRequire");
    const [answer] = ok(run(b, [{ case: "sync-callback" }]));
    expect(answer).toEqual({ before: ["basic"], result: ["a(1)", "a(2)"], after: ["basic", "heavy-a"] });
  });

  it("sync mode on nodejs20.x (no require of ES modules) keeps the module in the entry, still deferred", async () => {
    const b = await buildEntry("src/basic.ts", LAZY, "esm-split", {}, { runtime: "nodejs20.x" });
    expect(filesEvaluating(b.outdir, "heavy-a")).toEqual([path.basename(b.file)]);
    const [answer] = ok(run(b, [{ case: "sync-callback" }]));
    expect(answer).toEqual({ before: ["basic"], result: ["a(1)", "a(2)"], after: ["basic", "heavy-a"] });
  });

  it('mode "sync" loads with require even where import() could be used', async () => {
    const b = await buildEntry("src/async.ts", { modules: LAZY, mode: "sync" }, "esm-split");
    expect(fs.readFileSync(b.file, "utf8")).toContain("createRequire");
    expect(filesEvaluating(b.outdir, "heavy-b")).toEqual([expect.stringMatching(/^heavy-b-\w+\.mjs$/)]);
    const [answer] = ok(run(b, [{ case: "one" }]));
    expect(answer!.before).toEqual(["async"]);
  });

  it('mode "async" keeps an import eager when a reference is in a synchronous function, and says where', async () => {
    const b = await buildEntry("src/basic.ts", { modules: ["heavy-a"], mode: "async" }, "esm-split");
    expect(b.warnings).toEqual([
      {
        code: "LAZY_STAYS_EAGER",
        severity: "warning",
        message:
          'The import of "heavy-a" (defA, a, A, tag, selfFn, counter, bump, obj) stays eager: `defA` at 13:13 is not directly in an async function body, and mode is "async". Move the use into a function, or mark the import /* @eager */ to silence this.',
        loc: { file: "src/basic.ts", line: 2, column: 0, lineText: 'import defA, { a, A, tag, self as selfFn, counter, bump, obj } from "heavy-a";' },
      },
      expect.objectContaining({ code: "LAZY_STAYS_EAGER", loc: expect.objectContaining({ line: 3 }) }),
      expect.objectContaining({ code: "LAZY_STAYS_EAGER", loc: expect.objectContaining({ line: 4 }) }),
    ]);
    const [answer] = ok(run(b, [{ case: "calls" }]));
    expect(answer!.before).toEqual(["heavy-a", "basic"]);
  });
});

describe("what stays eager, and the checks around it", () => {
  it("a target with top-level await: lazy through import(), eager (with the reason) where require would be needed", async () => {
    const asyncUse = await buildEntry("src/tla.ts", ["tla-mod"], "esm-split");
    expect(asyncUse.warnings).toEqual([]);
    expect(ok(run(asyncUse, [{}]))).toEqual([{ before: ["tla"], result: "tla-value", after: ["tla", "tla-mod"] }]);
    const syncUse = await buildEntry("src/tla-sync.ts", ["tla-mod"], "esm-split");
    expect(syncUse.warnings).toEqual([
      {
        code: "LAZY_STAYS_EAGER",
        severity: "warning",
        message:
          'The import of "tla-mod" (value) stays eager: `value` at 9:41 is not directly in an async function body, and its target has top-level await, so it can only be loaded with import(). Move the use into a function, or mark the import /* @eager */ to silence this.',
        loc: { file: "src/tla-sync.ts", line: 2, column: 0, lineText: 'import { value } from "tla-mod";' },
      },
    ]);
    expect(ok(run(syncUse, [{}]))[0]!.before).toEqual(["tla-mod", "tla-sync"]);
  });

  it("top-level await deeper in a target that sync mode requires as a chunk fails the build, writing nothing", async () => {
    const b = await buildEntry("src/tla-deep.ts", ["tla-deep"], "esm-split");
    expect(b.errors).toEqual([
      expect.stringMatching(
        /^LAZY_REQUIRE_ASYNC: "tla-deep" is loaded synchronously on first use with require\(\), but its chunk .*tla-deep-\w+\.mjs has top-level await, which require\(\) cannot load\. Use it only directly in async functions \(then it loads with import\(\)\), or mark the import \/\* @eager \*\/\.$/,
      ),
    ]);
    expect(fs.readdirSync(b.outdir)).toEqual([]);
  });

  it("a module another function imports statically stays lazy in the function that defers it (each entry is its own init)", async () => {
    const outdir = repoTempDir("lazy-entries-");
    const built = await buildFixture("esbuild", {
      root: ORDER,
      entries: ["src/entry-lazy.ts", "src/entry-eager.ts"],
      outdir,
      slimfn: { zip: false, verify: false, lazy: ["heavy-a"], report: { json: path.join(outdir, "size.json") } },
      esbuild: { nodePaths: [path.join(ORDER, "packages")], format: "esm" },
    });
    expect(built.result!.warnings).toEqual([]);
    const lazyFn = built.model!.functions.find((f) => f.name === "entry-lazy")!;
    expect(lazyFn.lazy!.map((d) => [d.module, d.mode])).toEqual([["heavy-a", "async"]]);
    const [answer] = ok(invokeHandler(path.join(outdir, "entry-lazy.mjs"), "handler", [{}]));
    expect(answer).toEqual({ before: ["entry-lazy"], result: "a(1)", after: ["entry-lazy", "heavy-a"] });
  });

  it("bytesMoved counts a module once when every function's cjs output holds its own copy", async () => {
    const bytesMoved = async (entryPoints: string[]) => {
      const outdir = repoTempDir("lazy-bytes-");
      const built = await buildFixture("esbuild", {
        root: ORDER,
        entryPoints,
        outdir,
        slimfn: { zip: false, verify: false, lazy: ["heavy-a"], report: { json: path.join(outdir, "size.json") } },
        esbuild: { nodePaths: [path.join(ORDER, "packages")], format: "cjs" },
      });
      return built.model!.functions.flatMap((f) => (f.lazy ?? []).map((d) => [f.name, d.bytesMoved]));
    };
    const [[, alone]] = (await bytesMoved(["src/entry-lazy.ts"])) as [string, number][];
    expect(alone).toBeGreaterThan(0);
    expect(await bytesMoved(["src/entry-lazy.ts", "src/entry-lazy-twin.ts"])).toEqual([
      ["entry-lazy", alone],
      ["entry-lazy-twin", alone],
    ]);
  });

  it("warns when a lazy module is still evaluated at init because another module imports it statically, with the chain", async () => {
    const b = await buildEntry("src/still-eager.ts", ["heavy-a"], "esm-split");
    expect(b.warnings).toEqual([
      {
        code: "LAZY_STILL_EAGER",
        severity: "warning",
        message:
          '"heavy-a" is lazy in src/still-eager.ts:2, but it is still evaluated at init because another module imports it statically. Make that import lazy too (add it to `lazy` or annotate it), or mark this one /* @eager */.',
        notes: ["import chain: src/still-eager.ts -> src/eager-user.ts -> packages/heavy-a/index.js"],
      },
    ]);
  });

  it("warns about an allowlist entry that matches no import", async () => {
    const b = await buildEntry("src/async.ts", ["heavy-b", "no-such-package"], "esm-split");
    expect(b.warnings).toEqual([
      {
        code: "LAZY_UNMATCHED",
        severity: "warning",
        message:
          'The lazy entry "no-such-package" matches no import in this build\'s own source files. Check its spelling, or remove it (imports inside node_modules and require() calls are never rewritten).',
      },
    ]);
  });

  it("fails the build on a malformed glob, naming it", async () => {
    const failure = await esbuild
      .build({ entryPoints: ["src/async.ts"], absWorkingDir: ORDER, write: false, logLevel: "silent", plugins: [slimfn({ lazy: ["heavy b"], zip: false, verify: false })] })
      .then(() => undefined, (e: esbuild.BuildFailure) => e);
    expect(failure?.errors.map((e) => e.text)).toEqual([
      'LAZY_GLOB_INVALID: The lazy entry "heavy b" is not a valid glob: it has characters a package name cannot hold (allowed: letters, digits, - . _ ~ / @ at the start, and * ? **).',
    ]);
  });
});

describe("selection", () => {
  it("annotations: /* @lazy */ defers without the allowlist, /* @eager */ keeps one import eager, a misplaced one warns", async () => {
    const b = await buildEntry("src/annotated.ts", ["heavy-a"], "esm-split");
    expect(b.warnings).toEqual([
      {
        code: "LAZY_ANNOTATION_MISPLACED",
        severity: "warning",
        message:
          'The /* @lazy */ annotation is not on an import or a module-scope const, so it does nothing. Put it inside the import (`import /* @lazy */ { X } from "x"`) or right before the statement.',
        loc: { file: "src/annotated.ts", line: 6, column: 0, lineText: "/* @lazy */" },
      },
    ]);
    expect(ok(run(b, [{}]))).toEqual([{ before: ["heavy-a", "annotated"], result: ["b:k", "a(1)"], after: ["heavy-a", "annotated", "heavy-b"] }]);
  });

  it("import defer works in a bundle (esbuild alone refuses it)", async () => {
    const b = await buildEntry("src/defer.ts", [], "esm-split");
    expect(ok(run(b, [{}]))).toEqual([{ before: ["defer"], result: "a(deferred)", after: ["defer", "heavy-a"] }]);
    const plain = await esbuild
      .build({ entryPoints: ["src/defer.ts"], absWorkingDir: ORDER, bundle: true, write: false, logLevel: "silent", nodePaths: [path.join(ORDER, "packages")] })
      .then(() => undefined, (e: esbuild.BuildFailure) => e);
    expect(plain?.errors[0]?.text).toMatch(/defer/);
  });

  it("keeps the user's loader for the extension (a .js file with JSX)", async () => {
    const b = await buildEntry("src/loader.js", LAZY, "esm-split", { loader: { ".js": "jsx" } });
    expect(b.errors).toEqual([]);
    expect(ok(run(b, [{}]))).toEqual([{ tag: "p", children: ["a(jsx)"] }]);
  });

  it("keeps the project's tsconfig semantics for rewritten files (jsxFactory)", async () => {
    const b = await buildEntry("src/tsconfig-jsx.tsx", LAZY, "esm-split");
    expect(b.errors).toEqual([]);
    expect(ok(run(b, [{}]))).toEqual([{ tag: "b", children: ["a(tsx)"] }]);
  });

  it("sync mode's required virtual module re-exports from the defining file only past side-effect-free files", async () => {
    // nodejs20.x and cjs require the virtual module (wrapped, so tree-shaking needs the help);
    // on nodejs22.x with splitting it is its own chunk, tree-shaken as usual.
    for (const shape of ["esm-split", "cjs"] as const) {
      const lazy = await buildEntry("src/origins.ts", ["pure-pkg", "impure-pkg"], shape, {}, { runtime: "nodejs20.x" });
      const plain = await buildEntry("src/origins.ts", null, shape);
      const virtualImports = Object.entries(lazy.metafile!.inputs)
        .filter(([k]) => k.startsWith("slimfn-lazy:"))
        .map(([k, v]) => [k, v.imports.map((i) => i.path)])
        .sort();
      expect(virtualImports).toEqual([
        ["slimfn-lazy:impure-pkg.mjs?fromA", ["packages/impure-pkg/index.js"]],
        ["slimfn-lazy:pure-pkg.mjs?fromA", ["packages/pure-pkg/a.js"]],
      ]);
      const kept = (m: esbuild.Metafile) =>
        Object.values(m.outputs).flatMap((o) => Object.entries(o.inputs).filter(([k, v]) => v.bytesInOutput > 0 && k.startsWith("packages/")).map(([k]) => k)).sort();
      // The side-effect-free package keeps what an eager build keeps; the other one may keep
      // its index and every file it re-exports, whole (esbuild's lazy wrapping, or a chunk
      // holding the package's namespace).
      expect(kept(lazy.metafile!).filter((k) => k.includes("pure-pkg/") && !k.includes("impure"))).toEqual(["packages/pure-pkg/a.js"]);
      expect(kept(plain.metafile!)).toEqual(["packages/impure-pkg/a.js", "packages/pure-pkg/a.js"]);
      expect(ok(run(lazy, [{}]))).toEqual(ok(run(plain, [{}])));
    }
  });

  it("a dual package (zod 4) is bundled once in sync mode: one instance, instanceof holds", async () => {
    const lazy = await buildEntry("src/dual.ts", ["zod"], "esm-split");
    const eager = await buildEntry("src/dual.ts", null, "esm-split");
    const zodFiles = (m: esbuild.Metafile) => Object.keys(m.inputs).filter((k) => k.includes("node_modules/zod/"));
    expect(zodFiles(lazy.metafile!).filter((k) => /\.c?js$/.test(k) && k.endsWith(".cjs"))).toEqual([]);
    expect(zodFiles(lazy.metafile!).sort()).toEqual(zodFiles(eager.metafile!).sort());
    const events = [{ n: 1 }, { n: "x" }];
    const answers = ok(run(lazy, events));
    expect(answers).toEqual(ok(run(eager, events)));
    expect(answers).toEqual([
      { success: true, schemaIsZodType: true, errorIsZodError: null },
      { success: false, schemaIsZodType: true, errorIsZodError: true },
    ]);
  });
});
