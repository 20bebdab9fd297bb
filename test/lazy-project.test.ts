/**
 * Lazy imports across the user's own project layout (issue 15): modules reached through
 * tsconfig `paths` aliases, and workspace sibling packages linked into node_modules. Real
 * esbuild builds of generated projects, run in a fresh node, compared with the eager build.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFixture } from "./helpers/build.js";
import { invokeHandler } from "./helpers/invoke.js";
import { repoTempDir } from "./helpers/tmp.js";
import { toDiagnostic } from "./lazy-helpers.js";

function write(root: string, files: Record<string, string>) {
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
}

async function buildBoth(root: string, lazy: string[]) {
  const run = async (withLazy: boolean) => {
    const outdir = path.join(root, withLazy ? "dist-lazy" : "dist-eager");
    const b = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.ts"],
      outdir,
      slimfn: { zip: false, verify: false, report: { json: path.join(outdir, "size.json") }, ...(withLazy ? { lazy } : {}) },
      esbuild: { format: "esm" },
    });
    expect(b.failure?.errors ?? []).toEqual([]);
    const answers = invokeHandler(path.join(outdir, "handler.mjs"), "handler", [{ id: "1" }, { id: 2 }]);
    return { warnings: b.result!.warnings.map(toDiagnostic), decisions: b.model!.functions[0]!.lazy ?? [], answers };
  };
  return { lazy: await run(true), eager: await run(false) };
}

describe("lazy imports in the user's own modules, however they are reached", () => {
  it("a module imported through a tsconfig paths alias gets its deferred exports wired (it failed: No matching export)", async () => {
    const root = repoTempDir("lazy-paths-");
    write(root, {
      "package.json": JSON.stringify({ name: "paths", private: true, type: "module" }),
      // tsconfig is JSON with comments and trailing commas, as esbuild reads it.
      "tsconfig.json": '{\n  // aliases\n  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] }, },\n}\n',
      "src/lib/schemas.ts": 'import { z } from "zod";\nexport const Item = z.object({ id: z.string() });\n',
      "src/handler.ts": 'import { Item } from "@/lib/schemas";\nexport const handler = async (e: unknown) => ({ valid: Item.safeParse(e).success });\n',
    });
    const { lazy, eager } = await buildBoth(root, ["zod"]);
    expect(lazy.warnings).toEqual([]);
    expect(lazy.decisions.map((d) => [d.importer, d.module, d.mode, d.deferred])).toEqual([["src/lib/schemas.ts", "zod", "sync", ["Item"]]]);
    expect(lazy.answers).toEqual([{ ok: { valid: true } }, { ok: { valid: false } }]);
    expect(lazy.answers).toEqual(eager.answers);
  });

  it("a workspace sibling package's lazy imports are rewritten too (they warned LAZY_UNMATCHED and stayed eager)", async () => {
    const mono = repoTempDir("lazy-mono-");
    write(mono, {
      "package.json": JSON.stringify({ name: "mono", private: true, workspaces: ["packages/*"] }),
      "packages/shared/package.json": JSON.stringify({ name: "@acme/shared", version: "1.0.0", type: "module", main: "src/index.ts" }),
      "packages/shared/src/index.ts": 'import { z } from "zod";\nexport async function validItem(x: unknown) { return z.object({ id: z.string() }).safeParse(x).success; }\n',
      "packages/api/package.json": JSON.stringify({ name: "api", private: true, type: "module", dependencies: { "@acme/shared": "1.0.0" } }),
      "packages/api/src/handler.ts": 'import { validItem } from "@acme/shared";\nexport const handler = async (e: unknown) => ({ valid: await validItem(e) });\n',
    });
    fs.mkdirSync(path.join(mono, "node_modules/@acme"), { recursive: true });
    fs.symlinkSync("../../packages/shared", path.join(mono, "node_modules/@acme/shared"));
    const { lazy, eager } = await buildBoth(path.join(mono, "packages/api"), ["zod"]);
    expect(lazy.warnings).toEqual([]);
    expect(lazy.decisions.map((d) => [d.importer, d.module, d.mode])).toEqual([["../shared/src/index.ts", "zod", "async"]]);
    expect(lazy.answers).toEqual([{ ok: { valid: true } }, { ok: { valid: false } }]);
    expect(lazy.answers).toEqual(eager.answers);
  });
});
