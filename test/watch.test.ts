/**
 * Watch and rebuilds: a long-lived build (esbuild `context()`) rebuilt after an edit answers
 * exactly as a fresh build of the edited project does. Every cache of the build session lives
 * for one build; a stale "has no top-level await" answer once made a rebuild defer a module
 * that must stay eager, so the handler answered undefined.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLERS, buildFixture, contextFixture, type Bundler, type BuildRequest, type FixtureBuild } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { repoTempDir, writeFiles } from "./helpers/tmp.js";
import { extractZip } from "./helpers/zip.js";

const project = (files: Record<string, string>): string => writeFiles(repoTempDir("watch-"), files);

function answer(root: string, built: FixtureBuild) {
  const fn = built.model!.functions[0]!;
  const { file, exportName } = handlerModule(extractZip(path.join(root, fn.zip!)), fn.handler);
  return invokeHandler(file, exportName, [{}])[0];
}

const messages = (b: FixtureBuild) => ({ errors: (b.failure?.errors ?? []).map((m) => m.text), warnings: (b.result?.warnings ?? b.failure?.warnings ?? []).map((m) => m.text) });

/**
 * `files` built in a watch context (the first build checked by `first`), `edits` written, the
 * context rebuilt; and the edited project built fresh, to compare with.
 */
async function rebuildAfter(
  bundler: Bundler,
  files: Record<string, string>,
  edits: Record<string, string>,
  request: (root: string) => BuildRequest,
  first: (built: FixtureBuild, root: string) => void,
) {
  const watched = project(files);
  const ctx = await contextFixture(bundler, request(watched));
  let rebuilt: FixtureBuild;
  try {
    const built = await ctx.rebuild();
    expect(messages(built)).toEqual({ errors: [], warnings: [] });
    first(built, watched);
    for (const [file, text] of Object.entries(edits)) fs.writeFileSync(path.join(watched, file), text);
    rebuilt = await ctx.rebuild();
  } finally {
    await ctx.dispose();
  }
  const fresh = project({ ...files, ...edits });
  return { watched, rebuilt, fresh, clean: await buildFixture(bundler, request(fresh)) };
}

describe.each(BUNDLERS)("%s: a rebuild answers like a fresh build", (bundler) => {
  it("after a lazily imported module gains top-level await (sync mode must then keep it eager)", async () => {
    const files = {
      "src/handler.ts": `import /* @lazy */ { heavy } from "./heavy.js";\nexport const handler = async () => heavy();\n`,
      "src/heavy.ts": `export const heavy = () => "v1";\n`,
    };
    const edited = `const value = await Promise.resolve("v2");\nexport const heavy = () => value;\n`;
    const request = (root: string): BuildRequest => ({
      root,
      entries: ["src/handler.ts"],
      slimfn: { runtime: "nodejs20.x", lazy: { modules: [], mode: "sync" }, verify: { runs: 1, watch: true }, report: { json: "dist/size.json" } },
    });

    const { watched, rebuilt, fresh, clean } = await rebuildAfter(bundler, files, { "src/heavy.ts": edited }, request, (first, root) => {
      expect(first.model!.functions[0]!.lazy!.map((d) => d.mode)).toEqual(["sync"]);
      expect(answer(root, first)).toEqual({ ok: "v1" });
    });
    // The fresh build keeps the import eager and says why; the rebuild must say and do the same.
    expect(clean.model!.functions[0]!.lazy!.map((d) => [d.module, d.mode])).toEqual([["./heavy.js", "eager"]]);
    expect(messages(rebuilt)).toEqual(messages(clean));
    expect(rebuilt.model!.functions[0]!.lazy).toEqual(clean.model!.functions[0]!.lazy);
    expect(answer(watched, rebuilt)).toEqual({ ok: "v2" });
    expect(answer(fresh, clean)).toEqual({ ok: "v2" });
  });

  it('after package.json gains "type": "module" (a lazy default import of CommonJS is then module.exports)', async () => {
    // `__esModule` makes the default `exports.default` for a CommonJS importer; for a Node ES
    // module importer the default is `module.exports` itself. The virtual module that defers
    // the import must read it as the importer's package.json says now.
    const handler = `import value from "cjs-default";\nexport const handler = async () => (typeof value === "string" ? value : "module.exports");\n`;
    const files = {
      "package.json": `{ "name": "typed", "private": true }\n`,
      "node_modules/cjs-default/package.json": `{ "name": "cjs-default", "version": "1.0.0", "main": "index.js" }\n`,
      "node_modules/cjs-default/index.js": `Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = "exports.default";\n`,
      "src/handler.ts": handler,
    };
    // The handler is touched too: rollup's and Rolldown's watchers see module files only.
    const edited = { "package.json": `{ "name": "typed", "private": true, "type": "module" }\n`, "src/handler.ts": `// now an ES module\n${handler}` };
    const request = (root: string): BuildRequest => ({
      root,
      entries: ["src/handler.ts"],
      format: "esm",
      slimfn: { runtime: "nodejs20.x", lazy: { modules: ["cjs-default"], mode: "sync" }, verify: { runs: 1, watch: true }, report: { json: "dist/size.json" } },
    });

    const { watched, rebuilt, fresh, clean } = await rebuildAfter(bundler, files, edited, request, (first, root) => {
      expect(first.model!.functions[0]!.lazy!.map((d) => [d.module, d.mode])).toEqual([["cjs-default", "sync"]]);
      expect(answer(root, first)).toEqual({ ok: "exports.default" });
    });
    expect(messages(rebuilt)).toEqual(messages(clean));
    expect(rebuilt.model!.functions[0]!.lazy).toEqual(clean.model!.functions[0]!.lazy);
    expect(answer(watched, rebuilt)).toEqual(answer(fresh, clean));
  });
});
