/**
 * The bundler-neutral lazy core on source strings: what stays eager and why (whole diagnostics
 * with locations), annotations, globs, option validation, parse errors and the onLoad filter.
 * Behaviour at run time is proven by the build-and-run tests in lazy.test.ts.
 */
import { describe, expect, it } from "vitest";
import { sourceFilter } from "../src/source-filter.js";
import { validateOptions } from "../src/options.js";
import { compileAllowlist, globProblem, packageName } from "../src/lazy/glob.js";
import { transformLazy } from "../src/lazy/transform.js";
import type { LazyTransformContext } from "../src/lazy/types.js";

const CTX: LazyTransformContext = { root: "/p", splitting: true };
const lazy = (code: string, modules = ["heavy"], file = "/p/src/h.ts", ctx: Partial<LazyTransformContext> = {}) =>
  transformLazy(code, file, { modules, mode: "auto" }, { ...CTX, ...ctx });

/** The one LAZY_STAYS_EAGER message for `code` (whose import is on line 1). */
async function eagerReason(code: string, file = "/p/src/h.ts") {
  const r = await lazy(code, ["heavy"], file);
  expect(r!.decisions.map((d) => d.mode)).toEqual(["eager"]);
  const [d, ...rest] = r!.diagnostics;
  expect(rest).toEqual([]);
  expect(d!.code).toBe("LAZY_STAYS_EAGER");
  expect(d!.loc).toMatchObject({ line: 1, column: 0 });
  return d!.message;
}

describe("stays eager, with the import, its location and the reason", () => {
  it("a reference evaluated at module init", async () => {
    expect(await eagerReason(`import { h } from "heavy";\nconst x = h(Date.now());\nexport const f = () => x;`)).toBe(
      'The import of "heavy" (h) stays eager: `h` at 2:10 is used at module init: the initialiser of `x` cannot be moved to first use: `Date.now()` at 2:12 may have side effects (only literals, module constants, process.env.X and nested constructions of lazy exports can be deferred). Move the use into a function, or mark the import /* @eager */ to silence this.',
    );
    expect(await eagerReason(`import { h } from "heavy";\nconst x = h();\nexport const y = x;`)).toBe(
      'The import of "heavy" (h) stays eager: `h` at 2:10 is used at module init: `x` is used at module init (3:17). Move the use into a function, or mark the import /* @eager */ to silence this.',
    );
    expect(await eagerReason(`import { h } from "heavy";\nconsole.log(h);`)).toBe(
      'The import of "heavy" (h) stays eager: `h` at 2:12 is used at module init. Move the use into a function, or mark the import /* @eager */ to silence this.',
    );
  });
  it("a function called where it is defined at init (an IIFE, async or not) runs at init", async () => {
    expect(await eagerReason(`import { h } from "heavy";\nconst ready = (async () => h(1))();\nexport const f = () => ready;`)).toBe(
      'The import of "heavy" (h) stays eager: `h` at 2:27 is used at module init. Move the use into a function, or mark the import /* @eager */ to silence this.',
    );
    expect(await eagerReason(`import { h } from "heavy";\n(function () { h(); })();\nexport const f = () => 1;`)).toBe(
      'The import of "heavy" (h) stays eager: `h` at 2:15 is used at module init. Move the use into a function, or mark the import /* @eager */ to silence this.',
    );
    // Defined at init, called later: deferred.
    const later = await lazy(`import { h } from "heavy";\nconst g = async () => h(1);\nexport const f = () => g();`);
    expect(later!.decisions.map((d) => d.mode)).toEqual(["async"]);
  });
  it("extends", async () => {
    expect(await eagerReason(`import { Base } from "heavy";\nexport function make() { return class extends Base {}; }`)).toMatch(
      /`Base` at 2:46 is a class's `extends`, which is evaluated when the class is defined/,
    );
  });
  it("decorators", async () => {
    expect(await eagerReason(`import { dec } from "heavy";\nexport function make() { @dec class K {} return K; }`)).toMatch(
      /`dec` at 2:26 is used in a decorator, which runs when the class is defined/,
    );
  });
  it("a re-export of a binding, and an export-from statement", async () => {
    expect(await eagerReason(`import { h } from "heavy";\nexport { h };`)).toMatch(/`h` at 2:9 is re-exported; exports are evaluated with this module/);
    const r = await lazy(`export { h } from "heavy";\nexport * from "heavy/sub";`);
    expect(r!.diagnostics).toEqual([
      {
        code: "LAZY_STAYS_EAGER",
        severity: "warning",
        message: 'The re-export from "heavy" stays eager: a re-export is evaluated when this module is. Import it where it is used instead.',
        loc: { file: "src/h.ts", line: 1, column: 0, lineText: 'export { h } from "heavy";' },
      },
      {
        code: "LAZY_STAYS_EAGER",
        severity: "warning",
        message: 'The re-export from "heavy/sub" stays eager: a re-export is evaluated when this module is. Import it where it is used instead.',
        loc: { file: "src/h.ts", line: 2, column: 0, lineText: 'export * from "heavy/sub";' },
      },
    ]);
  });
  it("a namespace used as a value", async () => {
    expect(await eagerReason(`import * as ns from "heavy";\nexport const f = () => Object.keys(ns);`)).toMatch(
      /the namespace `ns` at 2:35 is used as a value, not only through its properties/,
    );
  });
  it("a JSX tag", async () => {
    expect(await eagerReason(`import { View } from "heavy";\nexport const f = () => <View />;`, "/p/src/h.tsx")).toMatch(/`View` at 2:24 is used as a JSX tag/);
  });
  it("a side-effect-only import", async () => {
    expect(await eagerReason(`import "heavy";`)).toBe(
      'The import of "heavy" stays eager: it is a side-effect-only import: its whole point is what it does when evaluated. Move the use into a function, or mark the import /* @eager */ to silence this.',
    );
  });
  it("a target with top-level await where only require could load it", async () => {
    const r = await lazy(`import { h } from "heavy";\nexport const f = () => h;`, ["heavy"], "/p/src/h.ts", { hasTopLevelAwait: async () => true });
    expect(r!.diagnostics[0]!.message).toMatch(/`h` at 2:23 is not directly in an async function body, and its target has top-level await/);
  });
  it("import defer that stays eager loses `defer` (bundlers refuse or ignore it)", async () => {
    const r = await lazy(`import defer * as ns from "x";\nexport const f = () => [ns];`, []);
    expect(r!.code).toBe(`import * as ns from "x";\nexport const f = () => [ns];`);
    expect(r!.decisions).toMatchObject([{ module: "x", mode: "eager", why: "import-defer" }]);
  });
});

describe("import defer whose namespace is never read", () => {
  it("is removed: its module is never evaluated, and esbuild refused the untouched statement", async () => {
    const r = await lazy(`import defer * as ns from "x";\nexport const f = () => 1;`, []);
    expect(r!.code).toBe(`\nexport const f = () => 1;`);
    expect(r!.code).not.toMatch(/defer/);
  });
});

describe("never rewritten", () => {
  it("type-only imports and type positions", async () => {
    const code = `import type { T } from "heavy";\nimport { type U, h } from "heavy";\nexport async function f(x: T, y: typeof h): Promise<U> { let z: h = x as unknown as h; return h(z); }`;
    const r = await lazy(code);
    expect(r!.decisions).toMatchObject([{ module: "heavy", mode: "async", line: 2 }]);
    expect(r!.code).toContain("y: typeof h): Promise<U> { let z: h = x as unknown as h; return (0, (__slimfn_0.r ?? await __slimfn_0()).h)(z); }");
  });
  it("files that mention nothing lazy are not parsed at all", async () => {
    expect(await lazy(`import { x } from "other";\nthis is not even JavaScript`)).toBeUndefined();
  });
});

describe("rewrites", () => {
  it("sync: a memoised accessor over the virtual module; calls keep `this`, `new` and shorthand", async () => {
    const r = await lazy(`import D, { A, f } from "heavy";\nexport function g() { return [f(), new A(), { A }, D, f\`t\`]; }`, ["heavy"], "/p/src/h.ts", { splitting: false });
    expect(r!.code).toBe(
      'function __slimfn_0() { return __slimfn_memo(__slimfn_0, () => require("\\u0000slimfn-lazy:A,default,f|heavy").ns, "heavy"); }\n' +
        "export function g() { return [(0, __slimfn_0().f)(), new (__slimfn_0().A)(), { A: (__slimfn_0().A) }, (__slimfn_0().default), (0, __slimfn_0().f)`t`]; }\n" +
        "function __slimfn_memo(cell, load, spec) { if (cell.ok) return cell.v; if (cell.failed) throw cell.v; if (spec) globalThis.__slimfnLazyLoad?.(spec); try { cell.v = load(); cell.ok = true; return cell.v; } catch (error) { cell.v = error; cell.failed = true; throw error; } }\n",
    );
    expect(r!.decisions).toEqual([{ module: "heavy", mode: "sync", importer: "src/h.ts", line: 1, column: 0, why: "allowlist", entry: "heavy", deferred: [] }]);
  });
  it("async: one shared import() promise, awaited only until it has settled", async () => {
    const r = await lazy(`import * as ns from "heavy";\nexport async function g() { return ns.x; }`);
    expect(r!.code).toBe(
      'function __slimfn_0() { return __slimfn_memo(__slimfn_0, () => import("\\u0000slimfn-lazy:async:x|heavy").then((m) => (__slimfn_0.r = m.ns)), "heavy"); }\n' +
        "export async function g() { return ((__slimfn_0.r ?? await __slimfn_0())).x; }\n" +
        "function __slimfn_memo(cell, load, spec) { if (cell.ok) return cell.v; if (cell.failed) throw cell.v; if (spec) globalThis.__slimfnLazyLoad?.(spec); try { cell.v = load(); cell.ok = true; return cell.v; } catch (error) { cell.v = error; cell.failed = true; throw error; } }\n",
    );
  });
});

describe("annotations", () => {
  it("may stand inside the import before `from`, or right before the statement", async () => {
    for (const code of [
      `import /* @lazy */ { h } from "x";\nexport const f = () => h;`,
      `import { /* @lazy */ h } from "x";\nexport const f = () => h;`,
      `/* @lazy */ import { h } from "x";\nexport const f = () => h;`,
      `// @lazy\nimport { h } from "x";\nexport const f = () => h;`,
    ]) {
      const r = await lazy(code, []);
      expect(r!.decisions).toMatchObject([{ module: "x", mode: "sync", why: "annotation" }]);
      expect(r!.diagnostics).toEqual([]);
    }
  });
  it("/* @eager */ wins over the allowlist; a tag in another comment or place is not an annotation", async () => {
    const r = await lazy(`import /* @eager */ { h } from "heavy";\n/** Uses @lazy loading. */\nexport const f = () => h; /* @lazy */`);
    expect(r!.decisions).toEqual([]);
    expect(r!.diagnostics).toEqual([
      {
        code: "LAZY_ANNOTATION_MISPLACED",
        severity: "warning",
        message:
          'The /* @lazy */ annotation is not on an import or a module-scope const, so it does nothing. Put it inside the import (`import /* @lazy */ { X } from "x"`) or right before the statement.',
        loc: { file: "src/h.ts", line: 3, column: 26, lineText: "export const f = () => h; /* @lazy */" },
      },
    ]);
  });
});

describe("a /* @lazy */ client over an /* @eager */ import", () => {
  // The warning once depended on something else in the file being analysed: alone, the const
  // stayed eager without a word.
  const message = "`s3` is marked /* @lazy */ but it constructs from `S3Client`, whose import is marked /* @eager */, so it is built at init with its module. Drop one of the two annotations.";
  it.each([
    ["alone", `import /* @eager */ { S3Client } from "@aws-sdk/client-s3";\n/* @lazy */ const s3 = new S3Client({});\nexport const f = () => s3;\n`, []],
    ["beside a lazy import", `import /* @eager */ { S3Client } from "@aws-sdk/client-s3";\nimport { h } from "heavy";\n/* @lazy */ const s3 = new S3Client({});\nexport const f = () => [s3, h];\n`, ["heavy"]],
  ])("warns, %s", async (_what, code, modules) => {
    const r = await lazy(code, modules);
    const line = code.split("\n").findIndex((l) => l.startsWith("/* @lazy */")) + 1;
    expect(r!.diagnostics.filter((d) => d.code === "LAZY_STAYS_EAGER")).toEqual([
      { code: "LAZY_STAYS_EAGER", severity: "warning", message, loc: { file: "src/h.ts", line, column: 12, lineText: "/* @lazy */ const s3 = new S3Client({});" } },
    ]);
  });
});

describe("bad input", () => {
  it("a file that does not parse: the parser's error with file, line and column, file left as is", async () => {
    const r = await lazy(`import { h } from "heavy";\nexport const f = () => {;\n`);
    expect(r!.code).toBe(`import { h } from "heavy";\nexport const f = () => {;\n`);
    expect(r!.diagnostics).toEqual([
      {
        code: "LAZY_PARSE_ERROR",
        severity: "warning",
        message: expect.stringMatching(/^Could not parse src\/h\.ts to look for lazy imports: .+\. The file is left as it is\.$/),
        loc: expect.objectContaining({ file: "src/h.ts", line: 3, column: 0 }),
      },
    ]);
  });
  it("malformed globs and wrong shapes of the lazy option", () => {
    expect(validateOptions({ lazy: ["ok/*", "", "./src/x", "a b", "x/"] })).toEqual([
      { code: "LAZY_GLOB_INVALID", severity: "error", message: 'The lazy entry "" is not a valid glob: it is empty or has surrounding spaces.' },
      { code: "LAZY_GLOB_INVALID", severity: "error", message: 'The lazy entry "./src/x" is not a valid glob: it is a path; the allowlist holds package names such as "zod" or "@aws-sdk/*".' },
      {
        code: "LAZY_GLOB_INVALID",
        severity: "error",
        message: 'The lazy entry "a b" is not a valid glob: it has characters a package name cannot hold (allowed: letters, digits, - . _ ~ / @ at the start, and * ? **).',
      },
      { code: "LAZY_GLOB_INVALID", severity: "error", message: 'The lazy entry "x/" is not a valid glob: it ends with "/".' },
    ]);
    expect(validateOptions({ lazy: { modules: ["zod"], mode: "later", extra: 1 } })).toEqual([
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "lazy.mode" must be one of "auto", "sync", "async", got "later".' },
      { code: "OPTION_UNKNOWN", severity: "error", message: 'Unknown slimfn option "lazy.extra". Known options of "lazy": mode, modules.' },
    ]);
    expect(validateOptions({ lazy: "zod" })).toEqual([
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "lazy" must be an array of globs or { modules, mode }, got "zod".' },
    ]);
  });
});

describe("allowlist globs", () => {
  it("match the package name of a specifier, its subpaths, and nothing relative", () => {
    const list = compileAllowlist(["@aws-sdk/*", "zod", "lodash/fp", "pdf-?ib"]);
    expect(["@aws-sdk/client-s3", "@aws-sdk/client-s3/dist-es/index.js", "zod", "zod/v4", "lodash/fp/map", "pdf-lib"].map((s) => list.match(s))).toEqual([
      "@aws-sdk/*", "@aws-sdk/*", "zod", "zod", "lodash/fp", "pdf-?ib",
    ]);
    expect(["@aws-sdk", "@smithy/core", "zodiac", "lodash", "./zod", "/abs/zod", "node:fs"].map((s) => list.match(s))).toEqual([
      undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    ]);
    expect(packageName("@scope/name/deep/file.js")).toBe("@scope/name");
    expect(globProblem("@aws-sdk/**")).toBeUndefined();
  });
});

describe("the esbuild onLoad filter", () => {
  it("matches the project's own sources and no file under a node_modules segment", () => {
    const re = sourceFilter("/p/app");
    const yes = ["/p/app/src/h.ts", "/p/app/h.mjs", "/p/app/src/node_modules2/x.ts", "/p/app/xnode_modules/y.js", "/p/app/a/b/c.tsx"];
    const no = ["/p/app/node_modules/zod/index.js", "/p/app/src/node_modules/x.ts", "/p/other/h.ts", "/p/app/src/h.json", "/p/application/h.ts"];
    expect(yes.filter((f) => re.test(f))).toEqual(yes);
    expect(no.filter((f) => re.test(f))).toEqual([]);
    // esbuild compiles the filter as a Go regex: it must not use lookaround.
    expect(re.source).not.toMatch(/\(\?[=!<]/);
  });
});

describe("entry points", () => {
  it("an exported const of an entry is never deferred: the runtime reads the export by name", async () => {
    const code = `import { C } from "heavy";\nexport const handler = new C({});\n`;
    const inEntry = await lazy(code, ["heavy"], "/p/src/h.ts", { entries: new Set(["/p/src/h.ts"]) });
    expect(inEntry!.diagnostics.map((d) => d.message)).toEqual([
      'The import of "heavy" (C) stays eager: `C` at 2:27 is used at module init: `handler` is exported from an entry point, where the runtime reads it. Move the use into a function, or mark the import /* @eager */ to silence this.',
    ]);
    const elsewhere = await lazy(code, ["heavy"], "/p/src/lib.ts", { entries: new Set(["/p/src/h.ts"]) });
    expect(elsewhere!.deferredExports).toEqual(["handler"]);
  });
});

describe("imports used only as types", () => {
  it("are left as they are, with no decision (TypeScript erases them)", async () => {
    const code = `import { S3ClientConfig, S3Client } from "heavy";\nexport function f(c: S3ClientConfig) { return new S3Client(c); }\nimport { Config } from "heavy/config";\nexport const g = (x: Config) => x;`;
    const r = await lazy(code);
    expect(r!.decisions.map((d) => d.module)).toEqual(["heavy"]);
    expect(r!.code).toContain('import { Config } from "heavy/config";');
    expect(r!.code).toContain('require("\\u0000slimfn-lazy:S3Client|heavy")');
  });
});

describe("deferred consts built from one another", () => {
  it("a const whose initialiser uses an async const stays async (its await needs an async loader)", async () => {
    const code = `import { C } from "heavy";\nimport { D } from "sync-only";\nconst c = new C();\nconst d = new D(c);\nexport async function f() { return d.x; }\nexport function g() { return new D(1); }\n`;
    const r = await lazy(code, ["heavy", "sync-only"]);
    expect(r!.decisions.map((x) => `${x.module} ${x.mode} ${x.deferred.join(",")}`)).toEqual(["heavy async c", "sync-only sync d"]);
    // d is built in an async loader because it awaits c; each access awaits d until it is built.
    expect(r!.code).toContain("function __slimfn_3() { return __slimfn_memo(__slimfn_3, async () => (__slimfn_3.r = new (__slimfn_1().D)(((__slimfn_2.r ?? await __slimfn_2())))));}");
    expect(r!.code).toContain("export async function f() { return ((__slimfn_3.r ?? await __slimfn_3())).x; }");
  });
});
