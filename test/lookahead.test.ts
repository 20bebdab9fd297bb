/**
 * The lazy transform's look-ahead (src/lookahead.ts) on real files: whether a file that mentions
 * nothing lazy imports a project module that may export deferred consts, through re-exports,
 * folder indexes, TypeScript twins and symlinks; cycles end; each file is read once per build.
 * And the session's plain-string source test agrees with the onLoad filter's regex.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lookAhead } from "../src/lookahead.js";
import { isSourceFile, sourceFilter } from "../src/source-filter.js";
import { tempDir, writeFiles } from "./helpers/tmp.js";

const project = (files: Record<string, string>): string => writeFiles(tempDir("slimfn-lookahead-"), files);

const ahead = (root: string, resolved: string[] = []) =>
  lookAhead({
    mentionsLazy: (code) => code.includes("@lazy"),
    // The bundler's resolver, for what is not relative: records what it was asked.
    resolve: async (specifier) => {
      resolved.push(specifier);
      return specifier === "#deep" ? path.join(root, "src/deep.ts") : undefined;
    },
    isSource: isSourceFile(root),
    aliases: () => [],
  });

describe("the look-ahead of the lazy transform", () => {
  it("finds deferred exports through re-exports, indexes, TypeScript twins, symlinks and the bundler's resolver; ends cycles", async () => {
    const root = project({
      "src/plain.ts": "export const a = 1;\n",
      "src/heavy.ts": 'import /* @lazy */ { S3Client } from "@aws-sdk/client-s3";\nexport const s3 = new S3Client({});\n',
      "src/barrel/index.ts": 'export * from "../heavy.js";\n',
      "src/cycle-a.ts": 'export * from "./cycle-b.js";\nexport const x = 1;\n',
      "src/cycle-b.ts": 'export { x } from "./cycle-a.js";\n',
      "src/deep.ts": 'export * from "./heavy.js";\n',
      "node_modules/dep/index.js": "// @lazy in a package: never the project's code\n",
    });
    fs.symlinkSync(path.join(root, "src/heavy.ts"), path.join(root, "src/linked.ts"));
    const asked: string[] = [];
    const a = ahead(root, asked);
    const from = path.join(root, "src/main.ts");
    const answer = (code: string) => a.importsDeferred(code, from);
    expect(await answer('import { a } from "./plain.js";\nimport "./missing.js";\n')).toBe(false);
    expect(await answer('import { s3 } from "./heavy.js";\n')).toBe(true);
    expect(await answer('import { s3 } from "./barrel";\n')).toBe(true);
    expect(await answer('import { s3 } from "./linked.js";\n')).toBe(true);
    expect(await answer('import { x } from "./cycle-a.js";\n')).toBe(false);
    expect(await answer('import { x } from "./cycle-b.js";\n')).toBe(false);
    expect(await answer('import x from "../node_modules/dep/index.js";\n')).toBe(false);
    expect(await answer('import { s3 } from "#deep";\n')).toBe(true);
    // Relative imports are resolved here; only what is not relative (and the missing file) goes to the bundler.
    expect(asked.sort()).toEqual(["#deep", "./missing.js"]);
    expect(await a.resolveOwn("./barrel", from)).toBe(path.join(root, "src/barrel/index.ts"));
    expect(await a.resolveOwn("./plain.js", from)).toBe(path.join(root, "src/plain.ts"));
  });

  it("reads each file once per build: a new look-ahead (the next build) sees an edit", async () => {
    const root = project({ "src/lib.ts": "export const a = 1;\n" });
    const from = path.join(root, "src/main.ts");
    const first = ahead(root);
    expect(await first.importsDeferred('import { a } from "./lib.js";\n', from)).toBe(false);
    fs.writeFileSync(path.join(root, "src/lib.ts"), 'import /* @lazy */ { S3Client } from "@aws-sdk/client-s3";\nexport const a = new S3Client({});\n');
    expect(await first.readSource(path.join(root, "src/lib.ts"))).toBe("export const a = 1;\n");
    expect(await ahead(root).importsDeferred('import { a } from "./lib.js";\n', from)).toBe(true);
    await expect(first.readSource(path.join(root, "src/none.ts"))).rejects.toThrow(/ENOENT/);
  });

  it("the session's source test agrees with the onLoad filter's regex", () => {
    const root = "/p/app";
    const paths = [
      "/p/app/src/h.ts", "/p/app/h.mjs", "/p/app/src/node_modules2/x.ts", "/p/app/xnode_modules/y.js", "/p/app/a/b/c.tsx",
      "/p/app/a.b.d.ts", "/p/app/..ts", "/p/app/.ts", "/p/app/src/.x/y.cjs", "/p/app/node_modules/zod/index.js",
      "/p/app/src/node_modules/x.ts", "/p/other/h.ts", "/p/app/src/h.json", "/p/application/h.ts", "/p/app//h.ts",
      "/p/app/src/h.ts.map", "/p/app/src/h.", "/p/app/node_modules", "/p/app/src/a.TS", "/p/app/src/x.jsx",
    ];
    const re = sourceFilter(root);
    const test = isSourceFile(root);
    expect(paths.filter((p) => test(p))).toEqual(paths.filter((p) => re.test(p)));
    expect(paths.filter((p) => test(p)).length).toBeGreaterThan(5);
  });
});
