/**
 * slimfn's `external` with a name that no import matches (a typo, a package the code no longer
 * imports): nothing is shipped for it, and the package the user meant may be bundled instead.
 * The build says so, as `lazy`, `include` and `strip` globs that match nothing do.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFixture } from "./helpers/build.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { unzipList } from "./helpers/zip.js";

async function build(external: string[]) {
  const root = copyFixture(fixture("ship-data"), repoTempDir("qa-external-"));
  const built = await buildFixture("esbuild", {
    root,
    entries: ["src/handler.ts"],
    slimfn: { runtime: "nodejs20.x", external, include: ["templates/*.txt"], verify: false },
  });
  return { root, built };
}

describe("external names that match no import", () => {
  it("warns once per unmatched name and still ships the matched ones", async () => {
    const { root, built } = await build(["figlet", "figlett", "@img/*"]);
    expect(built.failure).toBeUndefined();
    expect(built.result!.warnings.map((w) => w.text)).toEqual([
      `EXTERNAL_UNMATCHED: slimfn's external "figlett" matches no import of this build, so nothing is shipped for it. Fix the package name (or the esbuild-style pattern, one *) or remove it.`,
      `EXTERNAL_UNMATCHED: slimfn's external "@img/*" matches no import of this build, so nothing is shipped for it. Fix the package name (or the esbuild-style pattern, one *) or remove it.`,
    ]);
    expect(unzipList(path.join(root, "dist/handler.zip"))).toContain("node_modules/figlet/package.json");
  });

  it("says nothing when every name is imported (a subpath import counts)", async () => {
    const { built } = await build(["figlet", "fig*"]);
    expect(built.failure).toBeUndefined();
    expect(built.result!.warnings.map((w) => w.text)).toEqual([]);
  });
});
