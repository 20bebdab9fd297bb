/**
 * The pure lazy analysis (src/lazy/analysis.ts) on real parsed source (oxc-parser through the
 * inventory), with its answers about other modules given directly: top-level await, externals
 * and the project's deferred exports are table entries here, never files on disk (/p does not
 * exist). Every reason a candidate stays eager, the load each deferred module gets, and the
 * whole diagnostics the decisions make of them.
 */
import { describe, expect, it } from "vitest";
import { analyse, trackedNames, usedImports, type Analysis, type BuildFacts } from "../src/lazy/analysis.js";
import { askProjectModules, NO_PROJECT_ANSWERS } from "../src/lazy/answers.js";
import { record } from "../src/lazy/decisions.js";
import { compileAllowlist } from "../src/lazy/glob.js";
import { takeInventory, usesOf } from "../src/lazy/inventory.js";
import { select } from "../src/lazy/selection.js";

interface Given extends Partial<BuildFacts> {
  file?: string;
  modules?: string[];
  /** Targets whose module has top-level await. */
  tla?: string[];
  /** Targets the bundler leaves external. */
  external?: string[];
  /** Project modules and the deferred consts they export. */
  project?: Record<string, string[]>;
}

async function analysed(code: string, given: Given = {}) {
  const inv = takeInventory(code, given.file ?? "/p/src/h.ts", "/p");
  if ("unparsed" in inv) throw new Error(inv.unparsed.message);
  const sel = select(inv, compileAllowlist(given.modules ?? ["heavy"]));
  const table = new Map(Object.entries(given.project ?? {}).map(([spec, names]) => [spec, new Set(names)]));
  const project = given.project ? await askProjectModules(inv, { root: "/p", splitting: true, deferredExportsOf: async (spec) => table.get(spec) }) : NO_PROJECT_ANSWERS;
  const uses = usesOf(inv, trackedNames(sel, project));
  const specs = [...new Set(usedImports(sel, uses).map((i) => i.spec))];
  const targets = {
    topLevelAwait: new Map(specs.map((s) => [s, given.tla?.includes(s) === true])),
    external: new Map(specs.map((s) => [s, given.external?.includes(s) === true])),
  };
  const build: BuildFacts = { mode: given.mode ?? "auto", splitting: given.splitting ?? false, chunkRequire: given.chunkRequire ?? false, entry: given.entry ?? false };
  const analysis = analyse(inv, sel, uses, project, targets, build);
  return { analysis, ...record(inv, sel, analysis) };
}

const verdicts = (a: Analysis) => a.imports.map((v) => ({ module: v.imp.spec, mode: v.mode, ...(v.reason ? { reason: v.reason } : {}), deferred: v.deferred }));
const loaders = (a: Analysis) => a.loaders.map((l) => ({ spec: l.spec, load: l.load, names: l.names }));

/** The one import's reason to stay eager. */
async function reason(code: string, given: Given = {}) {
  const { analysis } = await analysed(code, given);
  expect(analysis.imports).toHaveLength(1);
  expect(analysis.imports[0]!.mode).toBe("eager");
  expect(analysis.loaders).toEqual([]);
  return analysis.imports[0]!.reason;
}

describe("every reason an import stays eager", () => {
  it("what it is: a side-effect-only import, a Node built-in, a module also imported eagerly", async () => {
    expect(await reason(`import "heavy";\nexport const f = () => 1;`)).toBe("it is a side-effect-only import: its whole point is what it does when evaluated");
    expect(await reason(`import /* @lazy */ { readFile } from "node:fs";\nexport const f = () => readFile;`)).toBe("it is a Node built-in, which the runtime has loaded already");
    expect(await reason(`import { a } from "heavy";\nimport /* @eager */ { b } from "heavy";\nexport const f = () => a + b;`)).toBe('"heavy" is also imported eagerly at 2:0');
  });

  it("how a binding is used: re-exported, a JSX tag, a decorator, an extends, a namespace value, at init", async () => {
    expect(await reason(`import { h } from "heavy";\nexport { h };`)).toBe("`h` at 2:9 is re-exported; exports are evaluated with this module");
    expect(await reason(`import { H } from "heavy";\nexport const f = () => <H />;`, { file: "/p/src/h.tsx" })).toBe("`H` at 2:24 is used as a JSX tag");
    expect(await reason(`import { dec } from "heavy";\nexport class A {\n  @dec m() {}\n}`)).toBe("`dec` at 3:3 is used in a decorator, which runs when the class is defined");
    expect(await reason(`import { Base } from "heavy";\nexport class A extends Base {}`)).toBe("`Base` at 2:23 is a class's `extends`, which is evaluated when the class is defined");
    expect(await reason(`import * as ns from "heavy";\nexport const f = () => String(ns);`)).toBe("the namespace `ns` at 2:30 is used as a value, not only through its properties");
    expect(await reason(`import { h } from "heavy";\nconsole.log(h);`)).toBe("`h` at 2:12 is used at module init");
  });

  it("async loads: mode async or a target with top-level await, where the build cannot split or the use is not in an async body", async () => {
    const inSync = `import { h } from "heavy";\nexport function f() { return h(); }`;
    const inAsync = `import { h } from "heavy";\nexport const f = async () => h();`;
    // The answer decides: the same source is deferred without top-level await in its target.
    expect(verdicts((await analysed(inSync, { splitting: true })).analysis)).toEqual([{ module: "heavy", mode: "sync", deferred: [] }]);
    expect(await reason(inSync, { splitting: true, tla: ["heavy"] })).toBe(
      "`h` at 2:29 is not directly in an async function body, and its target has top-level await, so it can only be loaded with import()",
    );
    expect(await reason(inAsync, { tla: ["heavy"] })).toBe(
      "its target has top-level await, so it can only be loaded with import(), and this build cannot split code (it needs format esm with outdir)",
    );
    // Mode "async" loads with import() even where the build cannot split: only a target's
    // top-level await meets "cannot split" here.
    expect(verdicts((await analysed(inAsync, { mode: "async" })).analysis)).toEqual([{ module: "heavy", mode: "async", deferred: [] }]);
    expect(await reason(inSync, { mode: "async", splitting: true })).toBe('`h` at 2:29 is not directly in an async function body, and mode is "async"');
    expect(verdicts((await analysed(inAsync, { splitting: true, tla: ["heavy"] })).analysis)).toEqual([{ module: "heavy", mode: "async", deferred: [] }]);
    // Mode "sync" rules out import() whatever the build can split: the mode is the reason.
    for (const splitting of [true, false]) {
      expect(await reason(inAsync, { mode: "sync", splitting, tla: ["heavy"] })).toBe('its target has top-level await, so it can only be loaded with import(), and mode is "sync"');
    }
  });

  it("used at init through a const that cannot be deferred, for each reason a const cannot", async () => {
    expect(await reason(`import { h } from "heavy";\nconst x = h(Date.now());\nexport const f = () => x;`)).toBe(
      "`h` at 2:10 is used at module init: the initialiser of `x` cannot be moved to first use: `Date.now()` at 2:12 may have side effects (only literals, module constants, process.env.X and nested constructions of lazy exports can be deferred)",
    );
    expect(await reason(`import { h } from "heavy";\nconst x = h();\nexport const y = x;`)).toBe("`h` at 2:10 is used at module init: `x` is used at module init (3:17)");
    expect(await reason(`import { C } from "heavy";\nconst /* @eager */ c = new C();\nexport const f = () => c;`)).toBe("`C` at 2:27 is used at module init: `c` is marked /* @eager */");
    expect(await reason(`import { C } from "heavy";\nexport const c = new C();`, { entry: true })).toBe(
      "`C` at 2:21 is used at module init: `c` is exported from an entry point, where the runtime reads it",
    );
    expect(await reason(`import { C } from "heavy";\nconst c = new C();\nexport function f() { return c; }`, { mode: "async", splitting: true })).toBe(
      '`C` at 2:14 is used at module init: `c` is used outside an async function and mode is "async"',
    );
    // The same const is deferred with its import when nothing above holds.
    const { analysis } = await analysed(`import { C } from "heavy";\nexport const c = new C();`);
    expect(verdicts(analysis)).toEqual([{ module: "heavy", mode: "sync", deferred: ["c"] }]);
    expect(analysis.consts.map((c) => ({ name: c.c.name, dead: c.dead, async: c.async }))).toEqual([{ name: "c", dead: undefined, async: false }]);
  });
});

describe("consts that stay eager, and what the decisions say (whole diagnostics)", () => {
  const loc = (line: number, column: number, lineText: string) => ({ file: "src/h.ts", line, column, lineText });

  it("a /* @lazy */ const whose import stays eager", async () => {
    const { analysis, diagnostics, decisions } = await analysed(`import { C } from "heavy";\n/* @lazy */ const c = new C();\nexport { C };\nexport const f = () => c;`);
    expect(analysis.consts.map((c) => c.dead)).toEqual(['`C` from "heavy" stays eager']);
    expect(decisions).toEqual([
      { module: "heavy", mode: "eager", importer: "src/h.ts", line: 1, column: 0, why: "allowlist", entry: "heavy", reason: "`C` at 3:9 is re-exported; exports are evaluated with this module", deferred: [] },
    ]);
    expect(diagnostics).toEqual([
      {
        code: "LAZY_STAYS_EAGER",
        severity: "warning",
        message:
          'The import of "heavy" (C) stays eager: `C` at 3:9 is re-exported; exports are evaluated with this module. Move the use into a function, or mark the import /* @eager */ to silence this.',
        loc: loc(1, 0, 'import { C } from "heavy";'),
      },
      {
        code: "LAZY_STAYS_EAGER",
        severity: "warning",
        message: '`c` is marked /* @lazy */ but cannot be deferred: `C` from "heavy" stays eager.',
        loc: loc(2, 12, "/* @lazy */ const c = new C();"),
      },
    ]);
  });

  it("a /* @lazy */ const that constructs nothing lazy, or constructs from an /* @eager */ import; a re-export of an allowlisted package", async () => {
    const { diagnostics, decisions } = await analysed(
      `import /* @eager */ { C } from "heavy";\nimport /* @lazy */ { k } from "other";\n/* @lazy */ const n = 42;\n/* @lazy */ const c = new C();\nexport { h } from "heavy";\nexport const f = () => k + n + c;`,
    );
    expect(decisions).toEqual([{ module: "other", mode: "sync", importer: "src/h.ts", line: 2, column: 0, why: "annotation", deferred: [] }]);
    const notConstruction = (name: string) =>
      `\`${name}\` is marked /* @lazy */ but its initialiser is not a \`new\` or call of a lazy import's export, so it cannot be deferred.`;
    expect(diagnostics).toEqual([
      { code: "LAZY_STAYS_EAGER", severity: "warning", message: notConstruction("n"), loc: loc(3, 12, "/* @lazy */ const n = 42;") },
      {
        code: "LAZY_STAYS_EAGER",
        severity: "warning",
        message: "`c` is marked /* @lazy */ but it constructs from `C`, whose import is marked /* @eager */, so it is built at init with its module. Drop one of the two annotations.",
        loc: loc(4, 12, "/* @lazy */ const c = new C();"),
      },
      {
        code: "LAZY_STAYS_EAGER",
        severity: "warning",
        message: 'The re-export from "heavy" stays eager: a re-export is evaluated when this module is. Import it where it is used instead.',
        loc: loc(5, 0, 'export { h } from "heavy";'),
      },
    ]);
  });

  it("a lazy import of a project module's deferred export stays eager and goes through the accessor (its virtual module asked for a name the module no longer exports)", async () => {
    const code = `import /* @lazy */ { logger } from "./logger";\nexport const f = () => logger.info("x");`;
    expect(await reason(code, { project: { "./logger": ["logger"] }, splitting: true })).toBe(
      '`logger` is a deferred export of "./logger" (built on first use there already), so it is imported through its accessor',
    );
  });

  it("a project module's deferred const re-exported or used as a whole namespace cannot go through its accessor", async () => {
    const { analysis, diagnostics } = await analysed(
      `import { client } from "./clients";\nimport * as all from "./clients";\nexport { client };\nexport const f = () => [all.client, all];`,
      { project: { "./clients": ["client"] } },
    );
    expect(analysis.imports).toEqual([]);
    const message = (what: string, at: string) =>
      `${what} at ${at} comes from "./clients", which builds it on first use (slimfn deferred its module-scope initialiser), so it cannot be re-exported or used as a whole namespace value here. Use it by name inside functions, or mark its declaration /* @eager */.`;
    expect(diagnostics).toEqual([
      { code: "LAZY_DEFERRED_EXPORT_USE", severity: "error", message: message("`client`", "3:9"), loc: loc(3, 9, "export { client };") },
      { code: "LAZY_DEFERRED_EXPORT_USE", severity: "error", message: message("the namespace `all`", "4:36"), loc: loc(4, 36, "export const f = () => [all.client, all];") },
    ]);
  });
});

describe("how a deferred module loads", () => {
  const code = `import { h, k } from "heavy";\nexport function f() { return h() + k; }\nexport async function g() { return h(); }`;

  it("require of a virtual module, its own chunk, an external's require, or import() when every use is in an async body", async () => {
    expect(loaders((await analysed(code)).analysis)).toEqual([{ spec: "heavy", load: "require", names: ["h", "k"] }]);
    expect(loaders((await analysed(code, { splitting: true, chunkRequire: true })).analysis)).toEqual([{ spec: "heavy", load: "chunk", names: ["h", "k"] }]);
    expect(loaders((await analysed(code, { external: ["heavy"] })).analysis)).toEqual([{ spec: "heavy", load: "external", names: ["h", "k"] }]);
    const inAsync = `import { h } from "heavy";\nexport async function g() { return h(); }`;
    expect(loaders((await analysed(inAsync, { splitting: true })).analysis)).toEqual([{ spec: "heavy", load: "async", names: ["h"] }]);
    // `auto` without splitting falls back to sync.
    expect(loaders((await analysed(inAsync)).analysis)).toEqual([{ spec: "heavy", load: "require", names: ["h"] }]);
  });

  it("one loader per module with only the names used; a namespace used whole loads everything; unused imports get none", async () => {
    const { analysis } = await analysed(
      `import { a } from "heavy";\nimport * as ns from "heavy";\nimport type { T } from "heavy";\nimport { unused } from "zod";\nexport const f = (t: T) => a + ns.b + ns["c"];`,
      { modules: ["heavy", "zod"] },
    );
    expect(loaders(analysis)).toEqual([{ spec: "heavy", load: "require", names: ["*"] }]);
    expect(verdicts(analysis)).toEqual([
      { module: "heavy", mode: "sync", deferred: [] },
      { module: "heavy", mode: "sync", deferred: [] },
    ]);
  });
});
