/**
 * `zip: false` with packages shipped unbundled or included files: nothing writes those beside
 * the bundle, so the output folder alone cannot run. The build says so instead of succeeding
 * silently; the size model still describes the zip that would have been written.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFixture } from "./helpers/build.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";

describe("zip: false", () => {
  it("warns that shipped packages and included files are written nowhere", async () => {
    const root = copyFixture(fixture("ship-data"), repoTempDir("qa-zipoff-"));
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.ts"],
      slimfn: { runtime: "nodejs20.x", external: ["figlet"], include: ["templates/*.txt"], zip: false, verify: false, report: { json: "dist/size.json" } },
    });
    expect(built.failure).toBeUndefined();
    expect(fs.readdirSync(path.join(root, "dist")).sort()).toEqual(["handler.mjs", "size.json"]);
    expect(built.model!.functions[0]!.zip).toBeNull();
    expect(built.model!.functions[0]!.shipped!.map((p) => p.name)).toEqual(["commander", "figlet"]);
    expect(built.result!.warnings.map((w) => w.text)).toEqual([
      'SHIPPED_NOT_WRITTEN: Function "handler" needs 2 packages in node_modules (commander, figlet) and 1 included file, but with zip: false nothing writes them: the output folder holds the bundle only and fails at run time when deployed as it is. Turn zip on, or bundle the packages (leave them out of slimfn\'s external).',
    ]);
  });

  it("says nothing when the bundle is all there is", async () => {
    const root = copyFixture(fixture("minimal"), repoTempDir("qa-zipoff-"));
    const built = await buildFixture("esbuild", {
      root,
      entries: fs.readdirSync(path.join(root, "src")).filter((f) => /^handler\./.test(f)).map((f) => `src/${f}`),
      slimfn: { runtime: "nodejs20.x", zip: false, verify: false },
    });
    expect(built.failure).toBeUndefined();
    expect(built.result!.warnings.map((w) => w.text)).toEqual([]);
  });
});
