/**
 * Strip rules (issue 6): every default rule, every must-never-delete rule (DESIGN rule 2), the
 * user's remove/keep globs, and the rule that a file named by a path string in the package's
 * own code is kept. Fake packages are written for the edge cases; real installed packages show
 * the rules on the trees users ship.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveOptions, validateOptions } from "../src/options.js";
import { listPackageFiles } from "../src/ship/files.js";
import { readPackageJson } from "../src/ship/resolve.js";
import { parseUserGlob, planStrip, type StripSettings } from "../src/ship/strip.js";
import { REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";

const DEFAULTS: StripSettings = { enabled: true, remove: [], keep: [], keepSourceMaps: false };

/** Write a fake package and plan its strip; returns removed files with reasons, and kept ones. */
function strip(json: Record<string, unknown>, files: Record<string, string>, settings: Partial<StripSettings> = {}) {
  const dir = tempDir("slimfn-strip-");
  const all = { "package.json": JSON.stringify({ name: "fake", version: "1.0.0", ...json }), ...files };
  for (const [f, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  const plan = planStrip({ name: "fake", realDir: dir, packageJson: readPackageJson(dir) }, listPackageFiles(dir), { ...DEFAULTS, ...settings });
  return {
    removed: Object.fromEntries(plan.removed.map((r) => [r.rel, r.reason])),
    kept: plan.keep.map((f) => f.rel),
    codeKeptAgainstRemove: plan.codeKeptAgainstRemove,
  };
}

function realPlan(name: string, settings: Partial<StripSettings> = {}) {
  const dir = fs.realpathSync(path.join(REPO, "node_modules", name));
  const files = listPackageFiles(dir);
  const plan = planStrip({ name, realDir: dir, packageJson: readPackageJson(dir) }, files, { ...DEFAULTS, ...settings });
  return { files, plan, removed: new Set(plan.removed.map((r) => r.rel)), kept: new Set(plan.keep.map((f) => f.rel)) };
}

describe("default rules", () => {
  it("takes root docs in the listed casings, with no extension or a doc extension", () => {
    const r = strip({}, {
      "index.js": "",
      "README.md": "x", "Readme.markdown": "x", "readme.txt": "x", "README": "x", "README.ja.rst": "x",
      "CHANGELOG.md": "x", "HISTORY": "x", "History.md": "x", "CONTRIBUTING.md": "x", "AUTHORS": "x", "CHANGES.txt": "x",
      // Not docs: a code file, an unknown extension, another casing.
      "README.js": "", "CHANGELOG.old": "x", "ReadMe": "x",
    });
    expect(r.removed).toEqual({
      "AUTHORS": "default rule: root docs AUTHORS*",
      "CHANGELOG.md": "default rule: root docs CHANGELOG*",
      "CHANGES.txt": "default rule: root docs CHANGES*",
      "CONTRIBUTING.md": "default rule: root docs CONTRIBUTING*",
      "HISTORY": "default rule: root docs HISTORY*",
      "History.md": "default rule: root docs HISTORY*",
      "README": "default rule: root docs README*",
      "README.ja.rst": "default rule: root docs README*",
      "README.md": "default rule: root docs README*",
      "Readme.markdown": "default rule: root docs README*",
      "readme.txt": "default rule: root docs README*",
    });
    expect(r.kept).toEqual(["CHANGELOG.old", "README.js", "ReadMe", "index.js", "package.json"]);
  });

  it("takes tooling, CI config and lockfiles by exact root name only", () => {
    const r = strip({}, {
      "index.js": "", ".eslintrc.js": "module.exports = {}", ".prettierrc": "{}", ".editorconfig": "", ".travis.yml": "",
      ".gitlab-ci.yml": "", "appveyor.yml": "", ".npmignore": "", ".gitattributes": "", "package-lock.json": "{}",
      "yarn.lock": "", "lib/.eslintrc.js": "module.exports = {}", "lib/yarn.lock": "",
    });
    expect(Object.keys(r.removed)).toEqual([
      ".editorconfig", ".eslintrc.js", ".gitattributes", ".gitlab-ci.yml", ".npmignore", ".prettierrc", ".travis.yml",
      "appveyor.yml", "package-lock.json", "yarn.lock",
    ]);
    expect(r.removed[".eslintrc.js"]).toBe("default rule: root file .eslintrc.js");
    expect(r.kept).toEqual(["index.js", "lib/.eslintrc.js", "lib/yarn.lock", "package.json"]);
  });

  it("takes root-anchored folders, never a folder of that name deeper down, case-sensitively", () => {
    const r = strip({}, {
      "index.js": "", "test/a.js": "", "tests/b.js": "", "__tests__/c.js": "", "coverage/lcov.info": "",
      "example/app.js": "", "examples/data.json": "{}", ".github/workflows/ci.yml": "", ".circleci/config.yml": "",
      ".vscode/settings.json": "{}", ".idea/x.xml": "", ".yarn/cache.zip": "",
      "lib/test/helper.js": "", "lib/examples/x.js": "", "Test/a.js": "", "TESTS/b.js": "",
    });
    expect(Object.values(r.removed).sort()).toEqual([
      "default rule: root folder .circleci/", "default rule: root folder .github/", "default rule: root folder .idea/",
      "default rule: root folder .vscode/", "default rule: root folder .yarn/", "default rule: root folder __tests__/",
      "default rule: root folder coverage/", "default rule: root folder example/", "default rule: root folder examples/",
      "default rule: root folder test/", "default rule: root folder tests/",
    ]);
    expect(r.kept).toEqual(["TESTS/b.js", "Test/a.js", "index.js", "lib/examples/x.js", "lib/test/helper.js", "package.json"]);
  });

  it("takes docs, maps, declarations and build leftovers anywhere, and .ts only beside its .js", () => {
    const r = strip({}, {
      "index.js": "", "lib/a.js": "", "lib/a.ts": "", "lib/b.ts": "", "lib/c.mjs": "", "lib/c.mts": "", "lib/d.cjs": "", "lib/d.cts": "",
      "lib/guide.md": "x", "lib/notes.markdown": "x", "lib/a.js.map": "{}", "lib/a.d.ts": "", "lib/c.d.mts": "", "lib/d.d.cts": "",
      "tsconfig.tsbuildinfo": "{}", "build/Release/obj.target/addon/x.o": "", "build/Release/.deps/x.d": "",
      "build/Release/addon.node": "", "src/y.o": "", "src/y.obj": "", "win/y.pdb": "", "lib/.DS_Store": "", "Thumbs.db": "", "lib/x.js~": "",
    });
    expect(r.removed).toEqual({
      "Thumbs.db": "default rule: OS/editor junk",
      "build/Release/.deps/x.d": "default rule: build/Release/.deps/",
      "build/Release/obj.target/addon/x.o": "default rule: build/Release/obj.target/",
      "lib/.DS_Store": "default rule: OS/editor junk",
      "lib/a.d.ts": "default rule: *.d.ts",
      "lib/a.js.map": "default rule: *.map",
      "lib/a.ts": "default rule: *.ts beside its .js",
      "lib/c.d.mts": "default rule: *.d.ts",
      "lib/c.mts": "default rule: *.mts beside its .mjs",
      "lib/d.cts": "default rule: *.cts beside its .cjs",
      "lib/d.d.cts": "default rule: *.d.ts",
      "lib/guide.md": "default rule: *.md",
      "lib/notes.markdown": "default rule: *.md",
      "lib/x.js~": "default rule: OS/editor junk",
      "src/y.o": "default rule: *.o/*.obj/*.pdb",
      "src/y.obj": "default rule: *.o/*.obj/*.pdb",
      "tsconfig.tsbuildinfo": "default rule: *.tsbuildinfo",
      "win/y.pdb": "default rule: *.o/*.obj/*.pdb",
    });
    expect(r.kept).toEqual(["build/Release/addon.node", "index.js", "lib/a.js", "lib/b.ts", "lib/c.mjs", "lib/d.cjs", "package.json"]);
  });

  it("keeps source maps when the user ships them", () => {
    const r = strip({}, { "index.js": "", "index.js.map": "{}" }, { keepSourceMaps: true });
    expect(r.removed).toEqual({});
  });

  it("strip: false ships the package whole", () => {
    const r = strip({}, { "index.js": "", "README.md": "x", "test/a.js": "" }, { enabled: false });
    expect(r.removed).toEqual({});
    expect(r.kept).toEqual(["README.md", "index.js", "package.json", "test/a.js"]);
  });
});

describe("must never delete (DESIGN rule 2)", () => {
  it("keeps every package.json and every licence or notice file", () => {
    const r = strip({}, {
      "index.js": "", "LICENSE.md": "x", "LICENCE": "x", "license.txt": "x", "NOTICE.md": "x", "COPYING": "x",
      "ThirdPartyNoticeText.txt": "x", "lib/LICENSE-MIT.md": "x", "licenses/zlib.md": "x",
      "dist/esm/package.json": '{"type":"module"}', "test/package.json": "{}", "test/x.js": "",
    });
    expect(Object.keys(r.removed)).toEqual(["test/x.js"]);
  });

  it("keeps everything reachable from main, exports (every condition, nested, patterns), imports and bin", () => {
    const r = strip(
      {
        main: "test/main",
        exports: {
          ".": { node: { import: "./examples/esm.mjs", require: "./test/main.js" }, types: "./types/index.d.ts" },
          "./docs/*": "./docs/*.md",
          "./readme": "./README.md",
          "./package.json": "./package.json",
        },
        imports: { "#internal": { default: "./tests/internal.js" } },
        bin: { fake: "examples/cli.js" },
      },
      {
        "test/main.js": "", "test/other.js": "", "examples/esm.mjs": "", "examples/cli.js": "", "examples/more.js": "",
        "tests/internal.js": "", "tests/spec.js": "", "types/index.d.ts": "", "types/other.d.ts": "",
        "docs/api.md": "x", "docs/guide.md": "x", "docs/img.png": "x", "README.md": "x", "CHANGELOG.md": "x",
      },
    );
    expect(Object.keys(r.removed)).toEqual(["CHANGELOG.md", "examples/more.js", "test/other.js", "tests/spec.js", "types/other.d.ts"]);
  });

  it("no name pattern removes code: the user's remove globs skip code files and say so", () => {
    const r = strip({}, { "index.js": "", "docs/helper.js": "", "docs/data.json": "{}", "docs/x.wasm": "", "docs/lib.so.1.2": "", "docs/pic.png": "x" }, {
      remove: ["docs/**", "**/*.js"].map(parseUserGlob),
    });
    expect(r.removed).toEqual({ "docs/pic.png": 'strip.remove "docs/**"' });
    expect(r.codeKeptAgainstRemove).toEqual([
      { rel: "docs/data.json", glob: "docs/**" },
      { rel: "docs/helper.js", glob: "docs/**" },
      { rel: "docs/lib.so.1.2", glob: "docs/**" },
      { rel: "docs/x.wasm", glob: "docs/**" },
      { rel: "index.js", glob: "**/*.js" },
    ]);
  });
});

describe("files named by path strings in the package's own code", () => {
  it("keeps what require, __dirname joins and bare file names point at, and what kept code points at in turn", () => {
    const r = strip({ main: "lib/index.js" }, {
      "lib/index.js": [
        "const helper = require('../test/helper');",
        "const usage = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');",
        "const tpl = fs.readFileSync(__dirname + \"/../examples/template.md\");",
        "const lib = `${__dirname}/typings/lib.es5.d.ts`;",
      ].join("\n"),
      "test/helper.js": "module.exports = require('./fixtures/data.json');",
      "test/fixtures/data.json": "{}",
      "test/spec.js": "require('./helper')",
      "README.md": "x",
      "CHANGELOG.md": "x",
      "examples/template.md": "x",
      "examples/other.md": "x",
      "lib/typings/lib.es5.d.ts": "",
      "lib/typings/lib.dom.d.ts": "",
    });
    expect(Object.keys(r.removed)).toEqual(["CHANGELOG.md", "examples/other.md", "lib/typings/lib.dom.d.ts", "test/spec.js"]);
  });

  it("a folder named with a path-like string keeps the folder; a bare word does not", () => {
    const r = strip({}, {
      "index.js": "const dir = path.resolve(__dirname, './examples'); if (process.env.NODE_ENV === 'test') {}",
      "examples/a.txt": "x",
      "examples/b/c.md": "x",
      "test/a.js": "",
    });
    expect(Object.keys(r.removed)).toEqual(["test/a.js"]);
  });

  it("protects against the default rules only: a file the user removes by name goes", () => {
    const files = { "index.js": "fs.readFileSync(path.join(__dirname, 'usage.md'))", "usage.md": "x" };
    expect(strip({}, files).removed).toEqual({});
    expect(strip({}, files, { remove: [parseUserGlob("usage.md")] }).removed).toEqual({ "usage.md": 'strip.remove "usage.md"' });
  });

  it("code in a stripped folder does not keep files by naming them", () => {
    const r = strip({}, { "index.js": "", "test/spec.js": "fs.readFileSync('../CHANGELOG.md')", "CHANGELOG.md": "x" });
    expect(Object.keys(r.removed)).toEqual(["CHANGELOG.md", "test/spec.js"]);
  });
});

describe("user globs", () => {
  it("keep always wins; pkgname: aims a glob at one package; matching is case-sensitive", () => {
    const r = strip({}, { "index.js": "", "README.md": "x", "lib/a.d.ts": "", "lib/b.d.ts": "", "assets/big.bin": "x", "assets/Big.BIN": "x" }, {
      keep: ["lib/a.d.ts", "other:README.md"].map(parseUserGlob),
      remove: ["assets/*.bin", "fake:README.md"].map(parseUserGlob),
    });
    expect(r.removed).toEqual({
      "README.md": 'strip.remove "fake:README.md"',
      "assets/big.bin": 'strip.remove "assets/*.bin"',
      "lib/b.d.ts": "default rule: *.d.ts",
    });
    const kept = strip({}, { "index.js": "", "README.md": "x", "test/fixture.txt": "x" }, { keep: ["fake:README.md", "test"].map(parseUserGlob) });
    expect(kept.removed).toEqual({});
  });

  it("splits pkgname: and @scope/name: prefixes", () => {
    expect(["docs/**", "sharp:docs/**", "@img/sharp-linux-x64:lib/*.txt", "a:b:c"].map(parseUserGlob)).toEqual([
      { text: "docs/**", glob: "docs/**" },
      { text: "sharp:docs/**", package: "sharp", glob: "docs/**" },
      { text: "@img/sharp-linux-x64:lib/*.txt", package: "@img/sharp-linux-x64", glob: "lib/*.txt" },
      { text: "a:b:c", package: "a", glob: "b:c" },
    ]);
  });

  it("validates strip and arch options", () => {
    expect(validateOptions({ strip: { remove: ["!docs/**", "/abs/x", "../up/x"], keep: "x", only: [] }, arch: "x64" })).toEqual([
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "strip.remove" holds "!docs/**", a negated glob; put the files to keep in strip.keep instead.' },
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "strip.remove" holds "/abs/x", an absolute path; globs are relative to each package\'s root.' },
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "strip.remove" holds "../up/x", a path leaving the package (..); globs are relative to each package\'s root.' },
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "strip.keep" must be an array of non-empty strings, got "x".' },
      { code: "OPTION_UNKNOWN", severity: "error", message: 'Unknown slimfn option "strip.only". Known options of "strip": keep, remove.' },
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "arch" must be one of "x86_64", "arm64", got "x64".' },
    ]);
    expect(validateOptions({ strip: 1 })[0]!.message).toBe('slimfn option "strip" must be true or false or an object, got number 1.');
    const resolved = resolveOptions({ strip: { keep: ["sharp:docs/**"] }, arch: "arm64" }, REPO);
    expect([resolved.strip, resolved.arch]).toEqual([{ remove: [], keep: [{ text: "sharp:docs/**", package: "sharp", glob: "docs/**" }] }, "arm64"]);
    expect([resolveOptions({}, REPO).strip, resolveOptions({}, REPO).arch]).toEqual([{ remove: [], keep: [] }, "x86_64"]);
    expect(resolveOptions({ strip: false }, REPO).strip).toBe(false);
  });
});

describe("real installed packages", () => {
  it("typescript keeps every lib.*.d.ts it loads at run time (named in its lib table)", () => {
    const { files, kept, removed } = realPlan("typescript");
    const libs = files.map((f) => f.rel).filter((r) => /^lib\/lib\..*\.d\.ts$/.test(r));
    expect(libs.length).toBeGreaterThan(50);
    expect(libs.filter((l) => !kept.has(l))).toEqual([]);
    expect(removed.has("README.md")).toBe(true);
  });

  it("zod keeps .cjs and the @zod/source entry, strips declarations", () => {
    const { kept, removed } = realPlan("zod");
    expect(kept.has("index.cjs")).toBe(true);
    expect(kept.has("src/index.ts")).toBe(true); // exports condition "@zod/source"
    expect(removed.has("v4/classic/schemas.d.cts")).toBe(true);
    expect([...removed].filter((r) => /\.(c|m)?js$|\.json$/.test(r))).toEqual([]);
  });

  it("@aws-sdk/client-s3 loses its declarations, nothing else but docs", () => {
    const { files, plan } = realPlan("@aws-sdk/client-s3");
    const reasons = new Set(plan.removed.map((r) => r.reason));
    expect([...reasons].sort()).toEqual(["default rule: *.d.ts", "default rule: root docs README*"]);
    const bytes = (xs: { size: number }[]) => xs.reduce((a, f) => a + f.size, 0);
    expect(bytes(plan.removed) / bytes(files)).toBeGreaterThan(0.5);
  });

  it("figlet with the README's globs ships one font; its importable-fonts/*.js stay (code)", () => {
    const { kept, removed } = realPlan("figlet", {
      remove: ["figlet:fonts/*.flf", "figlet:importable-fonts/**"].map(parseUserGlob),
      keep: ["figlet:fonts/Standard.flf"].map(parseUserGlob),
    });
    expect([...kept].filter((r) => r.startsWith("fonts/"))).toEqual(["fonts/Standard.flf"]);
    expect([...removed].filter((r) => r.startsWith("fonts/")).length).toBeGreaterThan(200);
    expect([...removed].filter((r) => r.startsWith("importable-fonts/"))).toEqual([]);
  });

  it("source-map 0.7 keeps the wasm it reads from disk, moment keeps its computed-path locales", () => {
    expect(realPlan("source-map").kept.has("lib/mappings.wasm")).toBe(true);
    const moment = realPlan("moment");
    expect([...moment.kept].filter((r) => r.startsWith("locale/")).length).toBeGreaterThan(100);
    expect([...moment.removed].filter((r) => r.startsWith("locale/"))).toEqual([]);
  });
});
