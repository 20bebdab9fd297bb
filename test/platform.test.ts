/**
 * The platform filter (issue 6): binary headers of real host binaries and of real foreign ones
 * (header slices of npm-published addons, fixtures/foreign-binaries), npm's os/cpu/libc fields,
 * prebuilds folders, and whole shipments of fake package trees for other os/cpu/libc.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SlimfnError } from "../src/diagnostics.js";
import { resolveOptions, type Options } from "../src/options.js";
import { readBinaryHeader, readBinaryInfo } from "../src/ship/binary.js";
import { planShipment } from "../src/ship/closure.js";
import { shipmentEntries } from "../src/ship/entries.js";
import { binaryMismatch, platformMismatch, prebuildMismatch, targetOf } from "../src/ship/platform.js";
import { formatSummary } from "../src/summary.js";
import { buildFixture } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { FIXTURES, REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

const nm = (p: string) => path.join(REPO, "node_modules", p);
const foreign = (name: string) => path.join(FIXTURES, "foreign-binaries", `${name}.node.head`);
const X64 = targetOf("x86_64");
const ARM = targetOf("arm64");

describe("binary headers", () => {
  it("reads the host's real binaries as Linux x64, with their C library", () => {
    expect(readBinaryInfo(nm("@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node"))).toEqual({ format: "elf", arch: ["x64"], os: "linux", libc: "glibc" });
    expect(readBinaryInfo(nm("@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7"))).toEqual({ format: "elf", arch: ["x64"], os: "linux", libc: "glibc" });
    expect(readBinaryInfo(nm("@node-rs/xxhash-linux-x64-gnu/xxhash.linux-x64-gnu.node"))).toEqual({ format: "elf", arch: ["x64"], os: "linux", libc: "glibc" });
    // esbuild's Go binary is statically linked: no C library to name.
    expect(readBinaryInfo(nm("@esbuild/linux-x64/bin/esbuild"))).toEqual({ format: "elf", arch: ["x64"], os: "linux" });
    expect(readBinaryInfo(nm("sharp/package.json"))).toBeUndefined();
  });

  it("reads real foreign binaries: arm64 glibc, x64 musl, Mach-O (thin and universal), PE", () => {
    expect(readBinaryInfo(foreign("linux-arm64-gnu"))).toEqual({ format: "elf", arch: ["arm64"], os: "linux", libc: "glibc" });
    expect(readBinaryInfo(foreign("linux-x64-musl"))).toEqual({ format: "elf", arch: ["x64"], os: "linux", libc: "musl" });
    expect(readBinaryInfo(foreign("darwin-arm64"))).toEqual({ format: "mach-o", arch: ["arm64"], os: "darwin" });
    expect(readBinaryInfo(foreign("darwin-universal"))).toEqual({ format: "mach-o", arch: ["x64", "arm64"], os: "darwin" });
    expect(readBinaryInfo(foreign("win32-x64"))).toEqual({ format: "pe", arch: ["x64"], os: "win32" });
  });

  it("reads the ELF OS/ABI byte: a FreeBSD build is not a Linux one", () => {
    const head = new Uint8Array(fs.readFileSync(nm("@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node")).subarray(0, 64));
    head[7] = 9; // ELFOSABI_FREEBSD
    expect(readBinaryHeader(head)).toEqual({ format: "elf", arch: ["x64"], os: "freebsd" });
  });

  it("says why a binary cannot load on each target", () => {
    const checks = (t: typeof X64) =>
      ["linux-arm64-gnu", "linux-x64-musl", "darwin-arm64", "darwin-universal", "win32-x64"].map((n) => binaryMismatch(readBinaryInfo(foreign(n))!, t));
    expect(checks(X64)).toEqual([
      "ELF linux arm64 binary, the target is linux-x64",
      "ELF linux x64 binary linked against musl, the target uses glibc",
      "Mach-O darwin arm64 binary, the target is linux-x64",
      "Mach-O darwin x64+arm64 binary, the target is linux-x64",
      "Windows PE win32 x64 binary, the target is linux-x64",
    ]);
    expect(checks(ARM)[0]).toBeUndefined();
    expect(binaryMismatch(readBinaryInfo(nm("@esbuild/linux-x64/bin/esbuild"))!, X64)).toBeUndefined();
    expect(binaryMismatch(readBinaryInfo(nm("@esbuild/linux-x64/bin/esbuild"))!, ARM)).toBe("ELF linux x64 binary, the target is linux-arm64");
  });
});

describe("package platform fields (npm's rules)", () => {
  it("excludes by os, cpu and libc, with negations", () => {
    const cases = [
      {},
      { os: ["linux"], cpu: ["x64"], libc: ["glibc"] },
      { os: ["darwin"] },
      { os: ["!win32"] },
      { os: ["!linux"] },
      { cpu: ["arm64"] },
      { cpu: ["x64", "arm64"] },
      { libc: ["musl"] },
    ];
    expect(cases.map((c) => platformMismatch(c, X64))).toEqual([
      undefined,
      undefined,
      'os ["darwin"] excludes linux',
      undefined,
      'os ["!linux"] excludes linux',
      'cpu ["arm64"] excludes x64 (arch x86_64)',
      undefined,
      'libc ["musl"] excludes glibc',
    ]);
    expect(platformMismatch({ cpu: ["arm64"] }, ARM)).toBeUndefined();
  });

  it("drops prebuilds folders for other targets, and musl builds in the target's folder", () => {
    const files = [
      "prebuilds/linux-x64/node.napi.glibc.node",
      "prebuilds/linux-x64/node.napi.musl.node",
      "prebuilds/linux-arm64/node.napi.armv8.node",
      "prebuilds/darwin-x64+arm64/node.napi.node",
      "prebuilds/win32-x64/node.napi.node",
      "lib/prebuilds.js",
      "prebuilds/README.md",
    ];
    expect(files.map((f) => prebuildMismatch(f, X64))).toEqual([
      undefined,
      "prebuilt for musl, not glibc",
      "prebuilt for linux-arm64, not linux-x64",
      "prebuilt for darwin-x64+arm64, not linux-x64",
      "prebuilt for win32-x64, not linux-x64",
      undefined,
      undefined,
    ]);
    expect(prebuildMismatch("prebuilds/linux-arm64/node.napi.armv8.node", ARM)).toBeUndefined();
    expect(prebuildMismatch("prebuilds/darwin-x64+arm64/node.napi.node", ARM)).toBe("prebuilt for darwin-x64+arm64, not linux-arm64");
  });
});

/** Write a fake package at `dir` with a package.json and files (strings, or paths to copy). */
function pkg(dir: string, json: Record<string, unknown>, files: Record<string, string | { copy: string }> = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(json));
  for (const [f, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    if (typeof body === "string") fs.writeFileSync(path.join(dir, f), body);
    else fs.copyFileSync(body.copy, path.join(dir, f));
  }
}

const HOST_ADDON = nm("@node-rs/xxhash-linux-x64-gnu/xxhash.linux-x64-gnu.node");

/**
 * A project whose `fake-native` loads its binary from an optional platform package, napi-rs
 * style, with packages installed for several platforms (as `npm install --os --cpu --libc`
 * leaves them), and a prebuildify-style `fake-prebuilt`.
 */
function project(opts: { withArm64?: boolean; withPrebuiltArm64?: boolean } = {}): string {
  const root = tempDir("slimfn-platform-");
  const m = (p: string) => path.join(root, "node_modules", p);
  const optional: Record<string, string> = {
    "fake-native-linux-x64-gnu": "1.0.0",
    "fake-native-linux-x64-musl": "1.0.0",
    "fake-native-darwin-arm64": "1.0.0",
    "fake-native-linux-arm64-gnu": "1.0.0",
  };
  pkg(m("fake-native"), { name: "fake-native", version: "1.0.0", main: "index.js", optionalDependencies: optional }, {
    "index.js": "module.exports = require(`fake-native-${process.platform}-${process.arch}-gnu`);",
  });
  pkg(m("fake-native-linux-x64-gnu"), { name: "fake-native-linux-x64-gnu", version: "1.0.0", os: ["linux"], cpu: ["x64"], libc: ["glibc"], main: "addon.node" }, {
    "addon.node": { copy: HOST_ADDON },
  });
  pkg(m("fake-native-linux-x64-musl"), { name: "fake-native-linux-x64-musl", version: "1.0.0", os: ["linux"], cpu: ["x64"], libc: ["musl"], main: "addon.node" }, {
    "addon.node": { copy: foreign("linux-x64-musl") },
  });
  pkg(m("fake-native-darwin-arm64"), { name: "fake-native-darwin-arm64", version: "1.0.0", os: ["darwin"], cpu: ["arm64"], main: "addon.node" }, {
    "addon.node": { copy: foreign("darwin-arm64") },
  });
  if (opts.withArm64 !== false) {
    pkg(m("fake-native-linux-arm64-gnu"), { name: "fake-native-linux-arm64-gnu", version: "1.0.0", os: ["linux"], cpu: ["arm64"], libc: ["glibc"], main: "addon.node" }, {
      "addon.node": { copy: foreign("linux-arm64-gnu") },
    });
  }
  const prebuilds: Record<string, string | { copy: string }> = {
    "index.js": "module.exports = 'loads prebuilds/<platform>-<arch> through node-gyp-build';",
    "prebuilds/linux-x64/node.napi.glibc.node": { copy: HOST_ADDON },
    "prebuilds/linux-x64/node.napi.musl.node": { copy: foreign("linux-x64-musl") },
    "prebuilds/darwin-x64+arm64/node.napi.node": { copy: foreign("darwin-universal") },
    "prebuilds/win32-x64/node.napi.node": { copy: foreign("win32-x64") },
  };
  if (opts.withPrebuiltArm64 !== false) prebuilds["prebuilds/linux-arm64/node.napi.armv8.node"] = { copy: foreign("linux-arm64-gnu") };
  pkg(m("fake-prebuilt"), { name: "fake-prebuilt", version: "1.0.0", main: "index.js" }, prebuilds);
  return root;
}

function ship(root: string, names: string[], options: Options) {
  const resolved = resolveOptions(options, root);
  const plan = planShipment(names.map((name) => ({ name, fromDir: root })), resolved);
  const { packages } = shipmentEntries(plan, resolved);
  return {
    dropped: plan.dropped.map((d) => [d.name, d.reason]),
    shipped: Object.fromEntries(packages.map((p) => [p.pkg.name, p.paths])),
    removed: Object.fromEntries(packages.filter((p) => p.removed.length).map((p) => [p.pkg.name, p.removed.map((r) => [r.rel, r.kind, r.reason])])),
  };
}

function failure(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof SlimfnError) return e.diagnostics.map((d) => ({ code: d.code, message: d.message, notes: d.notes }));
    throw e;
  }
  throw new Error("expected a SlimfnError");
}

describe("shipping fake packages for other os/cpu/libc", () => {
  it("x86_64: keeps the linux-x64-gnu package and prebuild, drops the rest with reasons", () => {
    const root = project();
    expect(ship(root, ["fake-native", "fake-prebuilt"], { arch: "x86_64" })).toEqual({
      dropped: [
        ["fake-native-darwin-arm64", 'os ["darwin"] excludes linux'],
        ["fake-native-linux-arm64-gnu", 'cpu ["arm64"] excludes x64 (arch x86_64)'],
        ["fake-native-linux-x64-musl", 'libc ["musl"] excludes glibc'],
      ],
      shipped: {
        "fake-native": ["node_modules/fake-native/index.js", "node_modules/fake-native/package.json"],
        "fake-native-linux-x64-gnu": ["node_modules/fake-native-linux-x64-gnu/addon.node", "node_modules/fake-native-linux-x64-gnu/package.json"],
        "fake-prebuilt": [
          "node_modules/fake-prebuilt/index.js",
          "node_modules/fake-prebuilt/package.json",
          "node_modules/fake-prebuilt/prebuilds/linux-x64/node.napi.glibc.node",
        ],
      },
      removed: {
        "fake-prebuilt": [
          ["prebuilds/darwin-x64+arm64/node.napi.node", "platform", "prebuilt for darwin-x64+arm64, not linux-x64"],
          ["prebuilds/linux-arm64/node.napi.armv8.node", "platform", "prebuilt for linux-arm64, not linux-x64"],
          ["prebuilds/linux-x64/node.napi.musl.node", "platform", "prebuilt for musl, not glibc"],
          ["prebuilds/win32-x64/node.napi.node", "platform", "prebuilt for win32-x64, not linux-x64"],
        ],
      },
    });
  });

  it("arm64: keeps the arm64 package and prebuild instead", () => {
    const root = project();
    const result = ship(root, ["fake-native", "fake-prebuilt"], { arch: "arm64" });
    expect(result.dropped.map(([n]) => n)).toEqual(["fake-native-darwin-arm64", "fake-native-linux-x64-gnu", "fake-native-linux-x64-musl"]);
    expect(Object.keys(result.shipped)).toEqual(["fake-native", "fake-native-linux-arm64-gnu", "fake-prebuilt"]);
    expect(result.shipped["fake-prebuilt"]).toEqual([
      "node_modules/fake-prebuilt/index.js",
      "node_modules/fake-prebuilt/package.json",
      "node_modules/fake-prebuilt/prebuilds/linux-arm64/node.napi.armv8.node",
    ]);
  });

  it("fails with the install command when no platform package fits the target", () => {
    const root = project({ withArm64: false });
    expect(failure(() => ship(root, ["fake-native"], { arch: "arm64" }))).toEqual([
      {
        code: "NATIVE_MISSING_FOR_TARGET",
        message:
          'Package "fake-native" needs native code, but no binary for Lambda linux-arm64 (glibc) is installed: fake-native-linux-arm64-gnu is not installed; installed for other targets: fake-native-darwin-arm64 (os ["darwin"] excludes linux), fake-native-linux-x64-gnu (cpu ["x64"] excludes arm64), fake-native-linux-x64-musl (cpu ["x64"] excludes arm64). Install it for the target with npm install --no-save --force fake-native-linux-arm64-gnu@1.0.0, which puts the target\'s packages beside the host\'s at the versions the lockfile names (run it again after npm install or npm ci, which remove them; npm install --os=linux --cpu=arm64 --libc=glibc would replace the host\'s own binaries, slimfn\'s parser among them), and build again.',
        notes: [`in ${fs.realpathSync(path.join(root, "node_modules/fake-native"))}`],
      },
    ]);
  });

  it("leaves alone a package whose optional packages are all for other systems (chokidar and fsevents)", () => {
    const root = tempDir("slimfn-platform-");
    pkg(path.join(root, "node_modules/watcher"), { name: "watcher", version: "3.0.0", main: "index.js", optionalDependencies: { fsevents: "2.3.3" } }, {
      "index.js": "let fsevents; try { fsevents = require('fsevents'); } catch {} module.exports = Boolean(fsevents);",
    });
    // As a Mac leaves it installed: fsevents with its universal Mach-O addon.
    pkg(path.join(root, "node_modules/fsevents"), { name: "fsevents", version: "2.3.3", os: ["darwin"], main: "fsevents.js" }, {
      "fsevents.js": "module.exports = require('./fsevents.node');",
      "fsevents.node": { copy: foreign("darwin-universal") },
    });
    for (const arch of ["x86_64", "arm64"] as const) {
      expect(ship(root, ["watcher"], { arch })).toEqual({
        dropped: [["fsevents", 'os ["darwin"] excludes linux']],
        shipped: { watcher: ["node_modules/watcher/index.js", "node_modules/watcher/package.json"] },
        removed: {},
      });
    }
  });

  it("fails when every prebuild is for another target", () => {
    const root = project({ withPrebuiltArm64: false });
    const [d] = failure(() => ship(root, ["fake-prebuilt"], { arch: "arm64" }));
    expect(d!.code).toBe("NATIVE_MISSING_FOR_TARGET");
    expect(d!.message).toContain("its binaries are all for other platforms (prebuilds/darwin-x64+arm64/node.napi.node, prebuilds/linux-x64/node.napi.glibc.node, prebuilds/linux-x64/node.napi.musl.node, prebuilds/win32-x64/node.napi.node)");
  });

  it("fails on a foreign binary outside the conventions, and lets strip.remove take it", () => {
    const root = tempDir("slimfn-platform-");
    pkg(path.join(root, "node_modules/vendored"), { name: "vendored", version: "2.0.0", main: "index.js" }, {
      "index.js": "module.exports = process.platform === 'darwin' ? require('./bin/mac/addon.node') : require('./bin/linux/addon.node');",
      "bin/mac/addon.node": { copy: foreign("darwin-arm64") },
      "bin/linux/addon.node": { copy: HOST_ADDON },
    });
    const realDir = fs.realpathSync(path.join(root, "node_modules/vendored"));
    expect(failure(() => ship(root, ["vendored"], {}))).toEqual([
      {
        code: "FOREIGN_BINARY",
        message:
          'Package "vendored" holds a binary that cannot load on Lambda linux-x86_64 (glibc). Install the packages for the target with npm install --no-save --force <package>-linux-x64@<version>, which puts the target\'s packages beside the host\'s at the versions the lockfile names (run it again after npm install or npm ci, which remove them; npm install --os=linux --cpu=x64 --libc=glibc would replace the host\'s own binaries, slimfn\'s parser among them); or, when the package carries builds for several platforms, leave the foreign files out with slimfn\'s strip.remove (for example "vendored:bin/mac/addon.node").',
        notes: [`in ${realDir}`, "bin/mac/addon.node: Mach-O darwin arm64 binary, the target is linux-x64"],
      },
    ]);
    const ok = ship(root, ["vendored"], { strip: { remove: ["vendored:bin/mac/**", "vendored:bin/linux/**"] } });
    // The foreign binary goes; the loadable one stays although the glob names it (code is never
    // removed by a pattern).
    expect(ok.shipped.vendored).toEqual(["node_modules/vendored/bin/linux/addon.node", "node_modules/vendored/index.js", "node_modules/vendored/package.json"]);
    expect(ok.removed.vendored).toEqual([
      ["bin/mac/addon.node", "platform", 'strip.remove "vendored:bin/mac/**": Mach-O darwin arm64 binary, the target is linux-x64'],
    ]);
  });

  it("real @node-rs/xxhash: only its linux-x64-gnu package is installed, so arm64 fails and x86_64 ships it", () => {
    const x64 = ship(REPO, ["@node-rs/xxhash"], {});
    expect(Object.keys(x64.shipped)).toEqual(["@node-rs/xxhash", "@node-rs/xxhash-linux-x64-gnu"]);
    const [d] = failure(() => ship(REPO, ["@node-rs/xxhash"], { arch: "arm64" }));
    expect(d!.code).toBe("NATIVE_MISSING_FOR_TARGET");
    const version = JSON.parse(fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8")).packages["node_modules/@node-rs/xxhash-linux-arm64-gnu"].version;
    expect(d!.message).toContain(`Install it for the target with npm install --no-save --force @node-rs/xxhash-linux-arm64-gnu@${version}, which`);
  });

  it("real sharp for arm64 on this x64 machine: its platform packages are dropped and the build fails", () => {
    const [d] = failure(() => ship(REPO, ["sharp"], { arch: "arm64" }));
    expect(d!.code).toBe("NATIVE_MISSING_FOR_TARGET");
    expect(d!.message).toContain(
      '@img/sharp-libvips-linux-arm64, @img/sharp-linux-arm64 are not installed; installed for other targets: @img/sharp-libvips-linux-x64 (cpu ["x64"] excludes arm64), @img/sharp-linux-x64 (cpu ["x64"] excludes arm64)',
    );
  });
});

describe("through the esbuild plugin", () => {
  it("zips only what loads on the target, says what it left out, and the handler runs from the zip", async () => {
    const root = project();
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(
      path.join(root, "src/handler.mjs"),
      [
        'import prebuilt from "fake-prebuilt";',
        // fake-native picks its platform package by a computed name at run time (napi-rs style).
        'import native from "fake-native";',
        'export const handler = async () => ({ prebuilt, xxh32: native.xxh32("hello") });',
      ].join("\n"),
    );
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.mjs"],
      slimfn: { external: ["fake-native", "fake-prebuilt"], verify: { runs: 1 }, report: { json: "dist/size.json" } },
    });
    expect(built.failure?.errors).toBeUndefined();
    const fn = built.model!.functions[0]!;
    expect(fn.droppedPackages).toEqual([
      { name: "fake-native-darwin-arm64", version: "1.0.0", reason: 'os ["darwin"] excludes linux' },
      { name: "fake-native-linux-arm64-gnu", version: "1.0.0", reason: 'cpu ["arm64"] excludes x64 (arch x86_64)' },
      { name: "fake-native-linux-x64-musl", version: "1.0.0", reason: 'libc ["musl"] excludes glibc' },
    ]);
    const prebuilt = fn.shipped!.find((p) => p.name === "fake-prebuilt")!;
    expect(prebuilt.droppedBinaries.map((b) => [b.path, b.reason])).toEqual([
      ["prebuilds/darwin-x64+arm64/node.napi.node", "prebuilt for darwin-x64+arm64, not linux-x64"],
      ["prebuilds/linux-arm64/node.napi.armv8.node", "prebuilt for linux-arm64, not linux-x64"],
      ["prebuilds/linux-x64/node.napi.musl.node", "prebuilt for musl, not glibc"],
      ["prebuilds/win32-x64/node.napi.node", "prebuilt for win32-x64, not linux-x64"],
    ]);
    const zip = path.join(root, "dist/handler.zip");
    expect(unzipList(zip).filter((e) => e.startsWith("node_modules/")).sort()).toEqual([
      "node_modules/fake-native-linux-x64-gnu/addon.node",
      "node_modules/fake-native-linux-x64-gnu/package.json",
      "node_modules/fake-native/index.js",
      "node_modules/fake-native/package.json",
      "node_modules/fake-prebuilt/index.js",
      "node_modules/fake-prebuilt/package.json",
      "node_modules/fake-prebuilt/prebuilds/linux-x64/node.napi.glibc.node",
    ]);
    const text = formatSummary([{ model: fn, zipPath: zip }], root, { color: false }).split("\n");
    expect(text.filter((l) => l.startsWith("    dropped "))).toEqual([
      "    dropped   fake-prebuilt/prebuilds/darwin-x64+arm64/node.napi.node (prebuilt for darwin-x64+arm64, not linux-x64)",
      "    dropped   fake-prebuilt/prebuilds/linux-arm64/node.napi.armv8.node (prebuilt for linux-arm64, not linux-x64)",
      "    dropped   fake-prebuilt/prebuilds/linux-x64/node.napi.musl.node (prebuilt for musl, not glibc)",
      "    dropped   fake-prebuilt/prebuilds/win32-x64/node.napi.node (prebuilt for win32-x64, not linux-x64)",
      '    dropped   fake-native-darwin-arm64 1.0.0 (os ["darwin"] excludes linux)',
      '    dropped   fake-native-linux-arm64-gnu 1.0.0 (cpu ["arm64"] excludes x64 (arch x86_64))',
      '    dropped   fake-native-linux-x64-musl 1.0.0 (libc ["musl"] excludes glibc)',
    ]);
    const dir = extractZip(zip);
    const { file, exportName } = handlerModule(dir, fn.handler);
    expect(invokeHandler(file, exportName, [{}])).toEqual([
      { ok: { prebuilt: "loads prebuilds/<platform>-<arch> through node-gyp-build", xxh32: 4211111929 } },
    ]);
  });

  it("warns about strip globs that match nothing shipped", async () => {
    const root = project();
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/handler.mjs"), 'import prebuilt from "fake-prebuilt";\nexport const handler = async () => prebuilt;\n');
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.mjs"],
      slimfn: {
        external: ["fake-prebuilt"],
        verify: false,
        strip: { remove: ["fake-prebuilt:docs/**", "zod:**/*.md", "prebuilds/win32-x64/**"], keep: ["Index.js"] },
      },
    });
    expect(built.failure?.errors).toBeUndefined();
    expect(built.result!.warnings.map((w) => w.text)).toEqual([
      'STRIP_GLOB_UNMATCHED: The strip.remove glob "fake-prebuilt:docs/**" has no effect: it matches no file of "fake-prebuilt" (globs are relative to each package\'s root and case-sensitive). Fix or remove it.',
      'STRIP_GLOB_UNMATCHED: The strip.remove glob "zod:**/*.md" has no effect: "zod" is not shipped unbundled by this build (bundled packages are not stripped; ship it with slimfn\'s external). Fix or remove it.',
      'STRIP_GLOB_UNMATCHED: The strip.keep glob "Index.js" has no effect: it matches no file of any shipped package (globs are relative to each package\'s root and case-sensitive). Fix or remove it.',
    ]);
  });
});
