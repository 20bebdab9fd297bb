/**
 * Lazy imports for the usual Lambda pattern (issue 5): module-scope clients deferred with their
 * import (in the module, across modules and through a barrel), what stops a deferral, the
 * annotations on a const, source maps of rewritten code, and the realistic fixture.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { transformLazy } from "../src/lazy/transform.js";
import type { SizeModel } from "../src/report/model.js";
import { buildFixture } from "./helpers/build.js";
import { transpileSource } from "./helpers/from-source.js";
import { FUNCTION_ENV, fixtureEvents, invokeHandler, type Answer } from "./helpers/invoke.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { buildEntry, run } from "./lazy-helpers.js";

const ok = (answers: Answer[]) => answers.map((a) => ("ok" in a ? (a.ok as Record<string, unknown>) : expect.fail(`handler failed: ${(a as { error: string }).error}`)));
const EVENTS = [{ key: "k" }, { key: "k2" }];

describe("module-scope clients are built on first use, once", () => {
  it("in the module that declares them: the constructor runs at the first call, not at init", async () => {
    const lazy = await buildEntry("src/clients.ts", ["fake-client"]);
    const plain = await buildEntry("src/clients.ts", null);
    const [first, second] = ok(run(lazy, EVENTS));
    const [plainFirst, plainSecond] = ok(run(plain, EVENTS));
    expect(first!.before).toEqual(["clients"]);
    expect(first!.after).toEqual(["clients", "fake-client", "construct:eu-west-1", "construct:db"]);
    expect(second!.after).toEqual(first!.after);
    expect(plainFirst!.before).toEqual(["fake-client", "construct:eu-west-1", "construct:db", "clients"]);
    expect([first!.result, second!.result]).toEqual([plainFirst!.result, plainSecond!.result]);
    // process.env is read when the client is built: the value the function sees then.
    const [withEnv] = ok(run(lazy, [{ key: "k" }].slice(0, 1), []));
    expect((withEnv!.result as { region: string }[])[0]!.region).toBe("eu-west-1");
  });

  it("exported from another module, imported by name and through a namespace", async () => {
    const lazy = await buildEntry("src/uses-shared.ts", ["fake-client"]);
    const plain = await buildEntry("src/uses-shared.ts", null);
    const answers = ok(run(lazy, EVENTS));
    expect(answers[0]!.before).toEqual(["uses-shared"]);
    expect(answers[0]!.after).toEqual(["uses-shared", "fake-client", "construct:shared"]);
    expect(answers.map((a) => a.result)).toEqual(ok(run(plain, EVENTS)).map((a) => a.result));
  });

  it("re-exported through a barrel file (export * and export { x as y } from)", async () => {
    const lazy = await buildEntry("src/uses-barrel.ts", ["fake-client"]);
    const plain = await buildEntry("src/uses-barrel.ts", null);
    const answers = ok(run(lazy, EVENTS));
    expect(answers[0]!.before).toEqual(["uses-barrel"]);
    expect(answers.map((a) => a.result)).toEqual(ok(run(plain, EVENTS)).map((a) => a.result));
  });

  it("re-exporting an imported deferred binding is an error naming it, not a silent breakage", async () => {
    const b = await buildEntry("src/reexports-shared.ts", ["fake-client"]);
    expect(b.errors).toEqual([
      'LAZY_DEFERRED_EXPORT_USE: `c` at 4:9 comes from "./shared-clients.js", which builds it on first use (slimfn deferred its module-scope initialiser), so it cannot be re-exported or used as a whole namespace value here. Use it by name inside functions, or mark its declaration /* @eager */.',
    ]);
  });
});

describe("what a deferred initialiser may hold", () => {
  const CTX = { root: "/p", splitting: false };
  const transform = (code: string, modules = ["sdk"]) => transformLazy(code, "/p/h.ts", { modules, mode: "auto" }, CTX);

  it("literals, object and array literals, module constants, process.env.X, ?? and nested constructions", async () => {
    const r = await transform(
      `import { C, D } from "sdk";\nconst R = "r";\nconst c = D.from(new C({ region: process.env.REGION ?? R, list: [1, "a", -1, null], t: \`x\${R}\`, re: /a/ }), { n: undefined });\nexport const f = () => c;`,
    );
    expect(r!.diagnostics).toEqual([]);
    expect(r!.decisions).toEqual([{ module: "sdk", mode: "sync", importer: "h.ts", line: 1, column: 0, why: "allowlist", entry: "sdk", deferred: ["c"] }]);
    expect(r!.code).toContain("function __slimfn_1() { return __slimfn_memo(__slimfn_1, () => ((__slimfn_0().D).from(new (__slimfn_0().C)(");
  });

  it("anything else keeps the import eager, naming the part of the initialiser that stopped it", async () => {
    const r = await transform(`import { C } from "sdk";\nconst c = new C({ region: readRegion() });\nfunction readRegion() { return "x"; }\nexport const f = () => c;`);
    expect(r!.diagnostics.map((d) => d.message)).toEqual([
      'The import of "sdk" (C) stays eager: `C` at 2:14 is used at module init: the initialiser of `c` cannot be moved to first use: `readRegion()` at 2:26 may have side effects (only literals, module constants, process.env.X and nested constructions of lazy exports can be deferred). Move the use into a function, or mark the import /* @eager */ to silence this.',
    ]);
  });

  it("/* @lazy */ on a const asks for it without the allowlist; /* @eager */ refuses it", async () => {
    const asked = await transform(`import { C } from "sdk";\n/* @lazy */ const c = new C({});\nexport const f = () => c;`, []);
    expect(asked!.decisions).toMatchObject([{ module: "sdk", mode: "sync", why: "client-annotation", deferred: ["c"] }]);
    const refused = await transform(`import { C } from "sdk";\nconst /* @eager */ c = new C({});\nexport const f = () => c;`);
    expect(refused!.decisions).toMatchObject([{ module: "sdk", mode: "eager" }]);
    expect(refused!.diagnostics[0]!.message).toBe(
      'The import of "sdk" (C) stays eager: `C` at 2:27 is used at module init: `c` is marked /* @eager */. Move the use into a function, or mark the import /* @eager */ to silence this.',
    );
    const impossible = await transform(`import { C } from "sdk";\n/* @lazy */ const c = make(C);\nexport const f = () => c;`, []);
    expect(impossible!.diagnostics.map((d) => [d.code, d.message, d.loc?.line])).toEqual([
      ["LAZY_STAYS_EAGER", "`c` is marked /* @lazy */ but its initialiser is not a `new` or call of a lazy import's export, so it cannot be deferred.", 2],
    ]);
  });

  it("a const used at init keeps its initialiser (and the import) eager", async () => {
    const r = await transform(`import { C } from "sdk";\nconst c = new C();\nconsole.log(c);`);
    expect(r!.diagnostics[0]!.message).toMatch(/`C` at 2:14 is used at module init: `c` is used at module init \(3:12\)/);
  });
});

describe("source maps", () => {
  it("a stack trace from a rewritten line points at the original file, line and column", async () => {
    const b = await buildEntry("src/maps.ts", ["heavy-a"], "esm-split", { sourcemap: true });
    const script = `import(${JSON.stringify(b.file)}).then((m) => m.handler({ fail: true })).catch((e) => console.log(e.stack))`;
    const stack = execFileSync(process.execPath, ["--enable-source-maps", "-e", script], { encoding: "utf8" });
    const plain = await buildEntry("src/maps.ts", null, "esm-split", { sourcemap: true });
    const plainStack = execFileSync(process.execPath, ["--enable-source-maps", "-e", script.replace(b.file, plain.file)], { encoding: "utf8" });
    const top = (s: string) => s.split("\n").slice(0, 2).join("\n");
    // Line 5, column 25 (1-based, as V8 prints it): the `new Error` of the original source.
    expect(top(stack)).toMatch(/^Error: failed after a\(2\)\n\s+at (Module\.)?handler \(\/.*\/fixtures\/lazy-order\/src\/maps\.ts:5:25\)$/);
    expect(top(stack)).toBe(top(plainStack));
  });
});

describe("the realistic fixture", () => {
  it("defers its SDK clients, logger and zod schema, and answers every event as the source does", async () => {
    const root = copyFixture(fixture("realistic"), repoTempDir("realistic-lazy-"));
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.ts"],
      slimfn: { zip: false, verify: false, report: { json: "dist/size.json" }, lazy: ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"] },
    });
    expect(built.failure?.errors).toBeUndefined();
    expect(built.result!.warnings).toEqual([]);
    const model = built.model as SizeModel;
    const bytes = expect.any(Number);
    expect(model.functions[0]!.lazy).toEqual([
      { module: "@aws-sdk/client-dynamodb", mode: "sync", importer: "src/lib/clients.ts", line: 1, column: 0, why: "allowlist", entry: "@aws-sdk/*", deferred: ["ddb"], bytesMoved: bytes },
      { module: "@aws-sdk/lib-dynamodb", mode: "sync", importer: "src/lib/clients.ts", line: 2, column: 0, why: "allowlist", entry: "@aws-sdk/*", deferred: ["ddb"], bytesMoved: bytes },
      { module: "@aws-sdk/client-s3", mode: "sync", importer: "src/lib/clients.ts", line: 3, column: 0, why: "allowlist", entry: "@aws-sdk/*", deferred: ["s3"], bytesMoved: bytes },
      { module: "@aws-lambda-powertools/logger", mode: "sync", importer: "src/lib/logger.ts", line: 1, column: 0, why: "allowlist", entry: "@aws-lambda-powertools/*", deferred: ["logger"], bytesMoved: bytes },
      { module: "@aws-sdk/client-s3", mode: "async", importer: "src/routes/files.ts", line: 1, column: 0, why: "allowlist", entry: "@aws-sdk/*", deferred: [], bytesMoved: bytes },
      { module: "@aws-sdk/s3-request-presigner", mode: "async", importer: "src/routes/files.ts", line: 2, column: 0, why: "allowlist", entry: "@aws-sdk/*", deferred: [], bytesMoved: bytes },
      { module: "@aws-sdk/lib-dynamodb", mode: "sync", importer: "src/routes/orders.ts", line: 1, column: 0, why: "allowlist", entry: "@aws-sdk/*", deferred: [], bytesMoved: bytes },
      { module: "@aws-sdk/util-dynamodb", mode: "sync", importer: "src/routes/orders.ts", line: 2, column: 0, why: "allowlist", entry: "@aws-sdk/*", deferred: [], bytesMoved: bytes },
      { module: "zod", mode: "sync", importer: "src/routes/orders.ts", line: 3, column: 0, why: "allowlist", entry: "zod", deferred: ["Order"], bytesMoved: bytes },
    ]);
    // Most of the bundle left the init path: the SDK clients alone are hundreds of kB.
    expect(model.functions[0]!.lazy!.find((d) => d.module === "@aws-sdk/client-s3")!.bytesMoved).toBeGreaterThan(200_000);
    const { events } = fixtureEvents(root);
    const fromBuild = invokeHandler(path.join(root, "dist/handler.mjs"), "handler", events, { env: FUNCTION_ENV });
    const src = await transpileSource(root);
    expect(fromBuild).toEqual(invokeHandler(path.join(src, "handler.mjs"), "handler", events));
  });
});
