/**
 * The native-code prescan (issue 11): the bare-import hook's filter names exactly the installed
 * packages with native code in their closure and slimfn's `external`; everything else is left
 * to the bundler. Real packages copied from this repository's node_modules: @node-rs/xxhash
 * (its .node lives in @node-rs/xxhash-linux-x64-gnu), mime-types and mime-db (plain JS), and a
 * package depending on xxhash, native only through its closure.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../src/options.js";
import { ShipRegistry } from "../src/ship/externals.js";
import { buildFixture } from "./helpers/build.js";
import { REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { extractZip } from "./helpers/zip.js";

function project(): string {
  const root = tempDir("slimfn-prescan-");
  for (const pkg of ["@node-rs/xxhash", "@node-rs/xxhash-linux-x64-gnu", "mime-types", "mime-db"]) {
    fs.cpSync(path.join(REPO, "node_modules", pkg), path.join(root, "node_modules", pkg), { recursive: true });
  }
  // Native only through its closure: it depends on @node-rs/xxhash.
  fs.mkdirSync(path.join(root, "node_modules/hash-wrapper"));
  fs.writeFileSync(path.join(root, "node_modules/hash-wrapper/package.json"), JSON.stringify({ name: "hash-wrapper", version: "1.0.0", main: "index.js", dependencies: { "@node-rs/xxhash": "1.7.8" } }));
  fs.writeFileSync(path.join(root, "node_modules/hash-wrapper/index.js"), 'module.exports = (s) => require("@node-rs/xxhash").xxh32(s).toString(16);\n');
  fs.writeFileSync(path.join(root, "package-lock.json"), '{"lockfileVersion":3}\n');
  fs.mkdirSync(path.join(root, "src"));
  fs.writeFileSync(
    path.join(root, "src/handler.ts"),
    'import mime from "mime-types";\nimport hash from "hash-wrapper";\nexport const handler = async () => ({ type: mime.lookup("a.json"), hash: hash("slimfn") });\n',
  );
  return root;
}

const filterOf = (root: string, cache: string, external: string[] = []) =>
  new ShipRegistry(resolveOptions({ external, cache: { dir: cache } }, root), []).shipFilter();

describe("native-code prescan", () => {
  it("filters on the packages with native code in their closure and slimfn's external, cached until the lockfile changes", async () => {
    const root = project();
    const cache = path.join(tempDir("slimfn-prescan-cache-"), "c");
    const filter = filterOf(root, cache, ["mime-*"]);
    const matched = ["@node-rs/xxhash", "@node-rs/xxhash/sub", "@node-rs/xxhash-linux-x64-gnu", "hash-wrapper", "mime-types", "mime-types/index.js", "mime-db"];
    const unmatched = ["mime", "hash-wrapperx", "@node-rs/xxhash2", "./hash-wrapper", "zod"];
    expect(matched.filter((s) => !filter.test(s))).toEqual([]);
    expect(unmatched.filter((s) => filter.test(s))).toEqual([]);
    expect(filterOf(root, cache).test("mime-types")).toBe(false);

    // A package added without a lockfile change is not seen (the prescan is cached); with the
    // lockfile changed, it is.
    fs.cpSync(path.join(root, "node_modules/hash-wrapper"), path.join(root, "node_modules/other-wrapper"), { recursive: true });
    expect(filterOf(root, cache).test("other-wrapper")).toBe(false);
    fs.writeFileSync(path.join(root, "package-lock.json"), '{"lockfileVersion":3,"packages":{}}\n');
    expect(filterOf(root, cache).test("other-wrapper")).toBe(true);
    fs.rmSync(path.join(root, "node_modules/other-wrapper"), { recursive: true });

    // The build ships hash-wrapper (native through its closure), bundles mime-types, and runs.
    const out = await buildFixture("esbuild", { root, entries: ["src/handler.ts"], slimfn: { verify: false, cache: { dir: cache }, report: { json: "dist/size.json" } } });
    expect(out.failure?.errors ?? []).toEqual([]);
    const fn = out.model!.functions[0]!;
    expect(fn.shipped!.map((p) => p.name).sort()).toEqual(["@node-rs/xxhash", "@node-rs/xxhash-linux-x64-gnu", "hash-wrapper"]);
    expect(fn.packages.map((p) => p.name)).toEqual(["mime-db", "mime-types"]);
    const dir = extractZip(path.join(out.outdir, "handler.zip"));
    const { file, exportName } = handlerModule(dir, fn.handler);
    expect(invokeHandler(file, exportName, [{}])).toEqual([{ ok: { type: "application/json", hash: expect.stringMatching(/^[0-9a-f]+$/) } }]);
  }, 120_000);
});

describe("the prescan's view of the install", () => {
  it("finds each dependency where Node's lookup on disk does: nested, scoped, pnpm and workspace links, broken links", async () => {
    const { scanInstall } = await import("../src/ship/prescan.js");
    const { findPackageDir } = await import("../src/ship/resolve.js");
    const root = tempDir("slimfn-install-");
    const pkg = (dir: string, name: string) => {
      fs.mkdirSync(path.join(root, dir), { recursive: true });
      fs.writeFileSync(path.join(root, dir, "package.json"), JSON.stringify({ name, version: "1.0.0" }));
    };
    pkg("node_modules/a", "a");
    pkg("node_modules/b", "b");
    pkg("node_modules/a/node_modules/b", "b");
    pkg("node_modules/@s/c", "@s/c");
    pkg("node_modules/@s/c/node_modules/@s/d", "@s/d");
    pkg("node_modules/.pnpm/e@1.0.0/node_modules/e", "e");
    pkg("node_modules/.pnpm/f@1.0.0/node_modules/f", "f");
    fs.symlinkSync("../../f@1.0.0/node_modules/f", path.join(root, "node_modules/.pnpm/e@1.0.0/node_modules/f"));
    fs.symlinkSync(".pnpm/e@1.0.0/node_modules/e", path.join(root, "node_modules/e"));
    pkg("packages/w", "w");
    fs.symlinkSync("../packages/w", path.join(root, "node_modules/w"));
    pkg("packages/w/node_modules/g", "g");
    fs.symlinkSync("../missing", path.join(root, "node_modules/broken"));
    fs.mkdirSync(path.join(root, "node_modules/nojson"));
    const scan = scanInstall(root);
    const names = ["a", "b", "@s/c", "@s/d", "e", "f", "g", "w", "broken", "nojson", "absent", "@s/absent", "@t/absent"];
    const from = [...new Set(scan.packages.map((p) => p.realDir)), root, path.join(root, "packages/w")];
    let answered = 0;
    for (const dir of from) {
      for (const name of names) {
        const listed = scan.find(name, dir);
        if (listed === undefined) continue;
        answered++;
        let disk: ReturnType<typeof findPackageDir> | "throws";
        try {
          disk = findPackageDir(name, dir);
        } catch {
          disk = "throws";
        }
        expect({ name, dir, found: listed ?? undefined }).toEqual({ name, dir, found: disk });
      }
    }
    // The listing answers almost every question (the disk only where a folder was not listed).
    expect(answered).toBeGreaterThan(from.length * names.length * 0.8);
    expect(scan.packages.map((p) => p.name).sort()).toEqual(["@s/c", "@s/d", "a", "b", "b", "e", "e", "f", "f", "g", "w"]);
  });
});
