/**
 * fixtures/lazy-order under every bundler (issue 10): the lazy-import differential tests of
 * test/lazy.test.ts, lazy-clients and lazy-interop in the shape every bundler can defer in (ES
 * output with code splitting), through the neutral driver. Each bundler builds the fixture's
 * entries together, once with `lazy` and once without, as one function per entry: every
 * function answers from its extracted zip what the eager build answers, evaluates each fixture
 * module when esbuild's build does, and the size models record the same lazy decisions as
 * esbuild's. Variants that need other options (modes, runtime, externals) are one build each.
 * (lazy.test.ts keeps esbuild's own shapes: outfile, cjs, no splitting, and its metafile.)
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Options } from "../src/options.js";
import type { SizeModel } from "../src/report/model.js";
import { BUNDLERS, buildFixture, type Bundler, type FixtureBuild } from "./helpers/build.js";
import { invokeHandler, type Answer } from "./helpers/invoke.js";
import { seen } from "./helpers/messages.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { extractZip } from "./helpers/zip.js";

const LAZY = ["heavy-*", "throws-on-eval", "tla-mod", "fake-client", "zod", "mime-types", "cjs-interop", "cjs-fn", "cjs-class", "no-such-package"];
/** The entries built together: one function each. */
const ENTRIES = [
  "basic", "throws", "circular", "async", "tla", "tla-sync", "still-eager", "annotated", "defer", "dual",
  "clients", "uses-shared", "uses-barrel", "entry-lazy", "entry-eager", "interop", "commonjs/interop",
];
const INTEROP = ["interop", "commonjs/interop"];
const ok = (answers: Answer[]) => answers.map((a) => ("ok" in a ? (a.ok as Record<string, unknown>) : expect.fail(`handler failed: ${(a as { error: string }).error}`)));

/** The fixture as a project: its packages installed in node_modules (no nodePaths, which only esbuild has). */
function project(): string {
  const root = copyFixture(fixture("lazy-order"), repoTempDir("lazy-order-"));
  fs.cpSync(path.join(root, "packages"), path.join(root, "node_modules"), { recursive: true });
  return root;
}

interface Built {
  build: FixtureBuild;
  root: string;
  model: SizeModel;
  /** Run a function's handler from its extracted zip. */
  run(name: string, events: unknown[], env?: Record<string, string>): Answer[];
}

async function build(bundler: Bundler, entries: string[], slimfn: Options, external?: string[]): Promise<Built> {
  const root = project();
  const built = await buildFixture(bundler, {
    root,
    entries: entries.map((e) => `src/${e}.ts`),
    ...(external ? { external } : {}),
    slimfn: { verify: false, zip: "dist/[name].zip", report: { json: "dist/size.json" }, ...slimfn },
  });
  expect(built.failure?.errors).toBeUndefined();
  const model = built.model!;
  const run = (name: string, events: unknown[], env: Record<string, string> = {}) => {
    const fn = model.functions.find((f) => f.name === name.replace("/", "-"))!;
    const dir = extractZip(path.join(root, "dist", `${fn.name}.zip`));
    return invokeHandler(path.join(dir, fn.handler.replace(/\.handler$/, ".mjs")), "handler", events, { env });
  };
  return { build: built, root, model, run };
}

/** esbuild's builds, made once: the other bundlers' decisions are compared with them. */
const esbuildLazy = () => (esbuildLazyBuild ??= build("esbuild", ENTRIES, { lazy: LAZY }));
let esbuildLazyBuild: Promise<Built> | undefined;

/** The mode variants, built once per bundler: the others' warnings are compared with esbuild's. */
const variants = new Map<string, Promise<Built>>();
function variant(bundler: Bundler, name: string, slimfn: Options): Promise<Built> {
  const key = `${bundler} ${name}`;
  if (!variants.has(key)) variants.set(key, build(bundler, ["basic", "async", ...INTEROP], slimfn));
  return variants.get(key)!;
}

/** Output files of a function's zip whose code evaluates `name`'s fixture package. */
function zipFilesEvaluating(b: Built, fn: string, name: string): string[] {
  const dir = extractZip(path.join(b.root, "dist", `${fn}.zip`));
  // oxc's minifier writes the fixture's `push("name")` with backquotes.
  const pushes = new RegExp(`push\\(["\`]${name}["\`]\\)`);
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.[cm]?js$/.test(f) && pushes.test(fs.readFileSync(path.join(dir, f), "utf8"))).sort();
}

describe.each(BUNDLERS)("%s: fixtures/lazy-order, split ES output", (bundler) => {
  let lazy: Built;
  let eager: Built;
  beforeAll(async () => {
    lazy = bundler === "esbuild" ? await esbuildLazy() : await build(bundler, ENTRIES, { lazy: LAZY });
    eager = await build(bundler, ENTRIES, {});
  });

  it("records the same lazy decisions as esbuild's build, function by function", async () => {
    const decisions = (m: SizeModel) =>
      m.functions.map((f) => [f.name, (f.lazy ?? []).map((d) => [d.importer, d.line, d.module, d.mode, d.deferred])]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const expected = decisions((await esbuildLazy()).model);
    expect(expected.flatMap(([, d]) => d as unknown[]).length).toBeGreaterThan(15);
    expect(decisions(lazy.model)).toEqual(expected);
  });

  it("warns what esbuild's build warns: a misplaced annotation, a target only import() can load, an import still evaluated at init, an unmatched entry", () => {
    const warnings = (b: Built) => b.build.result!.warnings.map((w) => ({ ...seen([w])[0]!, notes: w.notes.map((n) => n.text) })).filter((w) => w.code.startsWith("LAZY_"))
        // Transform-time warnings come in the order the bundler transforms the files.
        .sort((a, b) => a.code.localeCompare(b.code) || (a.location?.file ?? "").localeCompare(b.location?.file ?? ""));
    expect(warnings(lazy)).toEqual([
      {
        code: "LAZY_ANNOTATION_MISPLACED", plugin: "slimfn",
        location: { file: "src/annotated.ts", line: 6, column: 0 },
        message: 'The /* @lazy */ annotation is not on an import or a module-scope const, so it does nothing. Put it inside the import (`import /* @lazy */ { X } from "x"`) or right before the statement.',
        notes: [],
      },
      {
        code: "LAZY_STAYS_EAGER", plugin: "slimfn",
        location: { file: "src/tla-sync.ts", line: 2, column: 0 },
        message: 'The import of "tla-mod" (value) stays eager: `value` at 9:41 is not directly in an async function body, and its target has top-level await, so it can only be loaded with import(). Move the use into a function, or mark the import /* @eager */ to silence this.',
        notes: [],
      },
      {
        code: "LAZY_STILL_EAGER", plugin: "slimfn", location: null,
        message: '"heavy-a" is lazy in src/still-eager.ts:2, but it is still evaluated at init because another module imports it statically. Make that import lazy too (add it to `lazy` or annotate it), or mark this one /* @eager */.',
        notes: ["import chain: src/still-eager.ts -> src/eager-user.ts -> node_modules/heavy-a/index.js"],
      },
      {
        code: "LAZY_UNMATCHED", plugin: "slimfn", location: null,
        message: 'The lazy entry "no-such-package" matches no import in this build\'s own source files. Check its spelling, or remove it (imports inside node_modules and require() calls are never rewritten).',
        notes: [],
      },
    ]);
  });

  it("defers every rewrite case and answers as the eager build does", () => {
    const events = [{ case: "calls" }, { case: "calls" }];
    const [first, second] = ok(lazy.run("basic", events));
    const [eagerFirst] = ok(eager.run("basic", events));
    expect([first!.before, first!.after, second!.before]).toEqual([["basic"], ["basic", "heavy-a"], ["basic", "heavy-a"]]);
    expect(eagerFirst!.before).toEqual(["heavy-a", "basic"]);
    expect(first!.result).toEqual(eagerFirst!.result);
    expect(first!.result).toEqual({
      call: "a(1)", thisKept: "this-undefined", default: "default-a", namespaces: "a(2) a(3) default-a", tagged: "x|y|/1,2", construct: 4,
      typeofClass: "function", instance: true, shorthand: "a,obj", member: 1, live: "1,1,2,2", sameInstance: true,
    });
    // Shadowed names: nothing is evaluated when only local bindings are used.
    const [shadow] = ok(lazy.run("basic", [{ case: "shadow" }]));
    expect(shadow!.after).toEqual(["basic"]);
    expect(shadow!.result).toEqual(ok(eager.run("basic", [{ case: "shadow" }]))[0]!.result);
    // A sync callback inside an async function: sync mode, required on first use.
    expect(ok(lazy.run("basic", [{ case: "sync-callback" }]))).toEqual([{ before: ["basic"], result: ["a(1)", "a(2)"], after: ["basic", "heavy-a"] }]);
  });

  it("puts each deferred package in a chunk of its own, not in the entry", () => {
    for (const [fn, pkg] of [["basic", "heavy-a"], ["async", "heavy-b"], ["tla", "tla-mod"]] as const) {
      const files = zipFilesEvaluating(lazy, fn, pkg);
      expect([fn, files.length, files.includes(`${fn}.mjs`)]).toEqual([fn, 1, false]);
    }
  });

  it("a module that throws while evaluating throws the same error on every access, evaluated once", () => {
    // oxc (the preset's minifier, and Rolldown's own output) drops the declarations after an
    // unconditional top-level `throw` but keeps their export: the chunk fails to link, before it
    // is evaluated (oxc-minify alone does it to `throw e; const x = 1; export { x }`). Still one
    // error, the same on every access, and nothing at init.
    const oxc = bundler !== "esbuild";
    for (const answer of ok(lazy.run("throws", [{}, { async: true }]))) {
      expect(answer.errors).toEqual(Array(2).fill(oxc ? "Export 'ns' is not defined in module" : "boom while evaluating throws-on-eval"));
      expect(answer.order).toEqual(oxc ? ["throws"] : ["throws", "throws-on-eval"]);
    }
  });

  it("circular imports through a lazy import, concurrent first calls, top-level await through import()", () => {
    expect(ok(lazy.run("circular", [{}]))).toEqual([{ before: ["circular"], result: "b sees from-circular", after: ["circular", "circular-b"] }]);
    expect(ok(lazy.run("async", [{ case: "concurrent" }]))).toEqual([{ before: ["async"], result: ["b:1B", "b:2B", "b:3B"], after: ["async", "heavy-b"] }]);
    expect(ok(lazy.run("tla", [{}]))).toEqual([{ before: ["tla"], result: "tla-value", after: ["tla", "tla-mod"] }]);
    expect(ok(lazy.run("tla-sync", [{}]))[0]!.before).toEqual(["tla-mod", "tla-sync"]);
  });

  it("annotations and import defer: /* @lazy */ defers, /* @eager */ keeps one import eager, defer works in a bundle", () => {
    expect(ok(lazy.run("annotated", [{}]))).toEqual([{ before: ["heavy-a", "annotated"], result: ["b:k", "a(1)"], after: ["heavy-a", "annotated", "heavy-b"] }]);
    expect(ok(lazy.run("defer", [{}]))).toEqual([{ before: ["defer"], result: "a(deferred)", after: ["defer", "heavy-a"] }]);
  });

  it("a module another function imports statically stays lazy in the function that defers it", () => {
    expect(ok(lazy.run("entry-lazy", [{}]))).toEqual([{ before: ["entry-lazy"], result: "a(1)", after: ["entry-lazy", "heavy-a"] }]);
    expect(ok(lazy.run("entry-eager", [{}]))).toEqual(ok(eager.run("entry-eager", [{}])));
  });

  it("a dual package (zod 4) stays one instance: instanceof holds, as in the eager build", () => {
    const events = [{ n: 1 }, { n: "x" }];
    const answers = ok(lazy.run("dual", events));
    expect(answers).toEqual(ok(eager.run("dual", events)));
    expect(answers).toEqual([
      { success: true, schemaIsZodType: true, errorIsZodError: null },
      { success: false, schemaIsZodType: true, errorIsZodError: true },
    ]);
  });

  it("module-scope clients are built on first use, once, in the module, across modules and through a barrel", () => {
    const events = [{ key: "k" }, { key: "k2" }];
    const [first, second] = ok(lazy.run("clients", events));
    const eagerAnswers = ok(eager.run("clients", events));
    expect(first!.before).toEqual(["clients"]);
    expect(first!.after).toEqual(["clients", "fake-client", "construct:eu-west-1", "construct:db"]);
    expect(second!.after).toEqual(first!.after);
    expect(eagerAnswers[0]!.before).toEqual(["fake-client", "construct:eu-west-1", "construct:db", "clients"]);
    expect([first!.result, second!.result]).toEqual(eagerAnswers.map((a) => a.result));
    for (const fn of ["uses-shared", "uses-barrel"]) {
      const answers = ok(lazy.run(fn, events));
      expect(answers[0]!.before).toEqual([fn]);
      expect(answers.map((a) => a.result)).toEqual(ok(eager.run(fn, events)).map((a) => a.result));
    }
  });

  it("CommonJS packages deferred (auto): every answer equals the eager build's", () => {
    for (const fn of INTEROP) {
      const [answer] = ok(lazy.run(fn, [{}]));
      expect(answer!.before).toEqual(["interop"]);
      expect(answer!.result).toEqual(ok(eager.run(fn, [{}]))[0]!.result);
    }
  });

  it.each([
    { name: 'mode "sync"', slimfn: { lazy: { modules: LAZY, mode: "sync" } } },
    { name: 'mode "sync" on nodejs20.x', slimfn: { lazy: { modules: LAZY, mode: "sync" }, runtime: "nodejs20.x" } },
    { name: 'mode "async"', slimfn: { lazy: { modules: LAZY, mode: "async" } } },
  ] as const)("$name: the same answers and warnings as esbuild's, the packages loaded on first use where the mode can", async ({ name, slimfn }) => {
    const b = await variant(bundler, name, slimfn as Options);
    const stays = seen(b.build.result!.warnings).filter((w) => w.code === "LAZY_STAYS_EAGER");
    expect(stays).toEqual(seen((await variant("esbuild", name, slimfn as Options)).build.result!.warnings).filter((w) => w.code === "LAZY_STAYS_EAGER"));
    const [answer] = ok(b.run("basic", [{ case: "calls" }]));
    expect(answer!.result).toEqual(ok(eager.run("basic", [{ case: "calls" }]))[0]!.result);
    if (slimfn.lazy.mode === "async") {
      // basic.ts uses heavy-a in synchronous functions: async mode keeps its three imports eager, saying where.
      expect(stays.map((w) => w.location?.line)).toEqual([2, 3, 4]);
      expect(stays[0]).toEqual({
        code: "LAZY_STAYS_EAGER", plugin: "slimfn", location: { file: "src/basic.ts", line: 2, column: 0 },
        message: 'The import of "heavy-a" (defA, a, A, tag, selfFn, counter, bump, obj) stays eager: `defA` at 13:13 is not directly in an async function body, and mode is "async". Move the use into a function, or mark the import /* @eager */ to silence this.',
      });
      expect(answer!.before).toEqual(["heavy-a", "basic"]);
    } else {
      expect(stays).toEqual([]);
      expect(answer!.before).toEqual(["basic"]);
    }
    expect(ok(b.run("async", [{ case: "one" }]))[0]!.before).toEqual(["async"]);
    for (const fn of INTEROP) {
      const [interop] = ok(b.run(fn, [{}]));
      expect(interop!.before).toEqual(["interop"]);
      expect(interop!.result).toEqual(ok(eager.run(fn, [{}]))[0]!.result);
    }
  });

  it("an external lazy target is required at run time on first use, not at init", async () => {
    const b = await build(bundler, ["basic"], { lazy: LAZY.filter((l) => l !== "no-such-package") }, ["heavy-a"]);
    expect(zipFilesEvaluating(b, "basic", "heavy-a")).toEqual([]);
    // Found at run time through NODE_PATH, as the runtime's own packages are.
    const [answer] = ok(b.run("basic", [{ case: "calls" }], { NODE_PATH: path.join(b.root, "packages") }));
    expect([answer!.before, answer!.after]).toEqual([["basic"], ["basic", "heavy-a"]]);
    expect(answer!.result).toEqual(ok(eager.run("basic", [{ case: "calls" }]))[0]!.result);
  });

  it("a package slimfn ships (its external) and loads lazily is in the zip, though no static import lists it", async () => {
    const b = await build(bundler, ["basic"], { lazy: ["heavy-a"], external: ["heavy-a"] });
    expect(b.model.functions[0]!.files.map((f) => f.path).filter((f) => f.startsWith("node_modules/"))).toEqual(["node_modules/heavy-a/index.js", "node_modules/heavy-a/package.json"]);
    expect(zipFilesEvaluating(b, "basic", "heavy-a")).toEqual(["node_modules/heavy-a/index.js"]);
    // No NODE_PATH: the zip's own node_modules.
    const [answer] = ok(b.run("basic", [{ case: "calls" }]));
    expect([answer!.before, answer!.after]).toEqual([["basic"], ["basic", "heavy-a"]]);
    expect(answer!.result).toEqual(ok(eager.run("basic", [{ case: "calls" }]))[0]!.result);
  });

  it("top-level await deeper in a target required on first use fails LAZY_REQUIRE_ASYNC, writing nothing", async () => {
    const root = project();
    const failed = await buildFixture(bundler, { root, entries: ["src/tla-deep.ts"], slimfn: { lazy: ["tla-deep"], verify: false } });
    expect(seen(failed.failure!.errors)).toEqual([
      {
        code: "LAZY_REQUIRE_ASYNC", plugin: "slimfn", location: null,
        message: expect.stringMatching(
          /^"tla-deep" is loaded synchronously on first use with require\(\), but its chunk dist\/tla-deep-[\w-]+\.mjs has top-level await, which require\(\) cannot load\. Use it only directly in async functions \(then it loads with import\(\)\), or mark the import \/\* @eager \*\/\.$/,
        ),
      },
    ]);
    expect(fs.existsSync(path.join(root, "dist")) ? fs.readdirSync(path.join(root, "dist")) : []).toEqual([]);
  });
});
