/**
 * Decorator metadata: a tsyringe project (constructor injection by type, as in NestJS) whose
 * tsconfig sets emitDecoratorMetadata. esbuild alone builds it and the handler fails when
 * called; through slimfn the zip answers. Real esbuild, the zip extracted with Info-ZIP, the
 * handler run in a fresh node.
 */
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { buildFixture } from "./helpers/build.js";
import { fixtureEvents, handlerModule, invokeHandler } from "./helpers/invoke.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

const { events } = fixtureEvents(fixture("decorators"));

describe("decorator metadata (emitDecoratorMetadata)", () => {
  it("esbuild alone builds a handler that fails: it emits no design:paramtypes", async () => {
    const root = copyFixture(fixture("decorators"), repoTempDir("decorators-plain-"));
    await esbuild.build({ entryPoints: ["src/handler.ts"], absWorkingDir: root, bundle: true, platform: "node", format: "esm", outfile: "out/handler.mjs", logLevel: "silent" });
    const [answer] = invokeHandler(path.join(root, "out/handler.mjs"), "handler", events);
    expect(answer).toEqual({ error: "Cannot read properties of undefined (reading 'hello')" });
  });

  it("slimfn adds the metadata to the decorated files: the zip answers, with zod still lazy", async () => {
    const root = copyFixture(fixture("decorators"), repoTempDir("decorators-"));
    const built = await buildFixture("esbuild", { root, entries: ["src/handler.ts"], slimfn: { verify: { runs: 1 }, report: { json: "dist/size.json" } } });
    expect(built.failure?.errors).toBeUndefined();
    const [fn] = built.model!.functions;
    expect(fn!.lazy?.map((d) => [d.module, d.mode])).toEqual([["zod", "async"]]);
    const dir = extractZip(path.join(root, "dist/handler.zip"));
    // The helpers came from slimfn's copy and were bundled: nothing is shipped for them.
    expect(unzipList(path.join(root, "dist/handler.zip")).filter((f) => f.startsWith("node_modules/"))).toEqual([]);
    const { file, exportName } = handlerModule(dir, fn!.handler);
    expect(invokeHandler(file, exportName, events)).toEqual([{ ok: { message: "Hello, decorators!" } }]);
  });

  it("emitDecoratorMetadata without experimentalDecorators fails naming the file and the fix", async () => {
    const root = copyFixture(fixture("decorators"), repoTempDir("decorators-bad-"));
    const tsconfig = path.join(root, "tsconfig.json");
    fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { emitDecoratorMetadata: true } }));
    const built = await buildFixture("esbuild", { root, entries: ["src/handler.ts"], slimfn: { verify: false } });
    expect(built.failure?.errors.map((e) => e.text)).toEqual([
      'DECORATOR_METADATA_UNSUPPORTED: src/handler.ts uses decorators and tsconfig.json sets emitDecoratorMetadata without experimentalDecorators: TypeScript emits metadata only for legacy decorators. Set "experimentalDecorators": true (NestJS, TypeORM and type-graphql need it), or drop emitDecoratorMetadata.',
    ]);
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });
});

describe("the metadata slimfn writes", () => {
  it("serializes types as tsc does: primitives, arrays, classes guarded, type-only names and unions as Object", async () => {
    const { addDecoratorMetadata, TsconfigCache } = await import("../src/decorators.js");
    const root = copyFixture(fixture("decorators"), repoTempDir("decorators-types-"));
    const file = path.join(root, "src/types.ts");
    const code = [
      'import type { Shape } from "./shape";',
      "interface Options { a: number }",
      "@dec() export class A {",
      "  constructor(a: string, b: number | null, c: Shape, d: Options, e: Foo.Bar, f: string[], g: () => void, h: \"x\" | \"y\", i: string | number) {}",
      "  @m() run(x: boolean): Promise<void> { return Promise.resolve(); }",
      "  @p() size: bigint;",
      "}",
    ].join("\n");
    const { output } = addDecoratorMetadata(code, file, new TsconfigCache(root), root);
    expect(output!.code.split("\n").slice(0, 7)).toEqual([
      'import type { Shape } from "./shape";',
      "interface Options { a: number }",
      '@dec() @__slimfn_metadata("design:paramtypes", [String, Number, Object, Object, (typeof Foo === "undefined" || typeof Foo.Bar === "undefined" ? Object : Foo.Bar), Array, Function, String, Object]) export class A {',
      "  constructor(a: string, b: number | null, c: Shape, d: Options, e: Foo.Bar, f: string[], g: () => void, h: \"x\" | \"y\", i: string | number) {}",
      '  @m() @__slimfn_metadata("design:type", Function) @__slimfn_metadata("design:paramtypes", [Boolean]) @__slimfn_metadata("design:returntype", Promise) run(x: boolean): Promise<void> { return Promise.resolve(); }',
      '  @p() @__slimfn_metadata("design:type", BigInt) size: bigint;',
      "}",
    ]);
    // A file without decorators, or whose tsconfig does not ask, is left alone.
    expect(addDecoratorMetadata("export const a = 1;", file, new TsconfigCache(root), root)).toEqual({ diagnostics: [] });
  });
});
