/**
 * The dependency closure of shipped packages: real installed packages (sharp with its platform
 * packages, send with a nested ms, figlet) and small package trees written for the bad cases.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SlimfnError } from "../src/diagnostics.js";
import { resolveOptions } from "../src/options.js";
import { planShipment, type ShipRoot } from "../src/ship/closure.js";
import { listPackageFiles } from "../src/ship/files.js";
import { findPackageDir } from "../src/ship/resolve.js";
import { isBareSpecifier, packageName as packageNameOf } from "../src/specifiers.js";
import { REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";
import { SHARP_LINUX_X64 } from "./helpers/host.js";

const options = resolveOptions({}, REPO);
const fromRepo = (name: string): ShipRoot => ({ name, fromDir: path.join(REPO, "src"), importer: path.join(REPO, "src/handler.ts") });

/** Write a package.json (and optional files) for a fake package at `dir`. */
function pkg(dir: string, json: Record<string, unknown>, files: Record<string, string> = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(json));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

function diagnosticsOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof SlimfnError) return e.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message }));
    throw e;
  }
  throw new Error("expected a SlimfnError");
}

describe("specifiers", () => {
  it("takes the package name from a bare specifier", () => {
    expect(["sharp", "sharp/lib/index.js", "@img/sharp-linux-x64/package", "@scope"].map(packageNameOf)).toEqual([
      "sharp",
      "sharp",
      "@img/sharp-linux-x64",
      undefined,
    ]);
    expect(["sharp", "./x", "../x", "/abs", "#internal", "node:fs", "data:text/javascript,1"].map(isBareSpecifier)).toEqual([
      true, false, false, false, false, false, false,
    ]);
  });
});

describe("closure of real packages", () => {
  it.skipIf(!SHARP_LINUX_X64)("ships sharp with its platform packages (optional dependencies that are installed)", () => {
    const plan = planShipment([fromRepo("sharp")], options);
    const names = plan.packages.map((p) => [p.zipDir, p.root]);
    expect(names).toEqual([
      ["node_modules/@img/colour", false],
      ["node_modules/@img/sharp-libvips-linux-x64", false],
      ["node_modules/@img/sharp-linux-x64", false],
      ["node_modules/detect-libc", false],
      ["node_modules/semver", false],
      ["node_modules/sharp", true],
    ]);
    const linux = plan.packages.find((p) => p.name === "@img/sharp-linux-x64")!;
    expect(linux.neededBy).toEqual(["sharp"]);
    expect(linux.realDir).toBe(fs.realpathSync(path.join(REPO, "node_modules/@img/sharp-linux-x64")));
  });

  it("keeps nested versions nested: send's debug 2 gets ms 2.0.0 beside it, send gets ms 2.1.3", () => {
    const plan = planShipment([fromRepo("send")], options);
    const ms = plan.packages.filter((p) => p.name === "ms").map((p) => [p.zipDir, p.version, p.neededBy]);
    expect(ms).toEqual([
      ["node_modules/debug/node_modules/ms", "2.0.0", ["debug"]],
      ["node_modules/ms", "2.1.3", ["send"]],
    ]);
    // Each real path is copied once.
    const real = plan.packages.map((p) => p.realDir);
    expect(new Set(real).size).toBe(real.length);
  });

  it("follows figlet to commander, and lists figlet's font files", () => {
    const plan = planShipment([fromRepo("figlet")], options);
    expect(plan.packages.map((p) => p.zipDir)).toEqual(["node_modules/commander", "node_modules/figlet"]);
    const files = listPackageFiles(plan.packages[1]!.realDir).map((f) => f.rel);
    expect(files).toContain("fonts/Standard.flf");
    expect(files).toContain("package.json");
  });

  it("reports an external that cannot be resolved from its importer", () => {
    expect(diagnosticsOf(() => planShipment([fromRepo("no-such-package-slimfn")], options))).toEqual([
      {
        code: "EXTERNAL_UNRESOLVED",
        severity: "error",
        message:
          'Cannot find package "no-such-package-slimfn" from src/handler.ts: no node_modules folder on the way up holds it. Install it (npm install no-such-package-slimfn) or remove it from slimfn\'s "external".',
      },
    ]);
  });
});

describe("closure of written package trees", () => {
  it("nests a version that would collide at the top and hoists the rest", () => {
    const root = tempDir();
    pkg(path.join(root, "node_modules/a"), { name: "a", version: "1.0.0", dependencies: { x: "2", y: "1" } });
    pkg(path.join(root, "node_modules/a/node_modules/x"), { name: "x", version: "2.0.0" });
    pkg(path.join(root, "node_modules/x"), { name: "x", version: "1.0.0" });
    pkg(path.join(root, "node_modules/y"), { name: "y", version: "1.0.0", dependencies: { x: "1" } });
    const o = resolveOptions({}, root);
    const plan = planShipment([{ name: "a", fromDir: root }, { name: "x", fromDir: root }], o);
    expect(plan.packages.map((p) => [p.zipDir, p.version])).toEqual([
      ["node_modules/a", "1.0.0"],
      ["node_modules/a/node_modules/x", "2.0.0"],
      ["node_modules/x", "1.0.0"],
      ["node_modules/y", "1.0.0"],
    ]);
  });

  it("does not let a hoisted copy shadow what another package already resolves", () => {
    const root = tempDir();
    // a -> b (nested under a) -> x@2 ; a -> x@1 (hoisted). x@2 must stay under b, not under a.
    pkg(path.join(root, "node_modules/a"), { name: "a", version: "1.0.0", dependencies: { b: "1", x: "1" } });
    pkg(path.join(root, "node_modules/a/node_modules/b"), { name: "b", version: "1.0.0", dependencies: { x: "2" } });
    pkg(path.join(root, "node_modules/a/node_modules/b/node_modules/x"), { name: "x", version: "2.0.0" });
    pkg(path.join(root, "node_modules/x"), { name: "x", version: "1.0.0" });
    pkg(path.join(root, "node_modules/b"), { name: "b", version: "9.0.0" });
    const plan = planShipment([{ name: "a", fromDir: root }, { name: "b", fromDir: root }], resolveOptions({}, root));
    expect(plan.packages.map((p) => [p.zipDir, p.version])).toEqual([
      ["node_modules/a", "1.0.0"],
      ["node_modules/a/node_modules/b", "1.0.0"],
      ["node_modules/a/node_modules/b/node_modules/x", "2.0.0"],
      ["node_modules/b", "9.0.0"],
      ["node_modules/x", "1.0.0"],
    ]);
  });

  it("reports two shipped packages that need different versions at the same path", () => {
    const root = tempDir();
    pkg(path.join(root, "node_modules/x"), { name: "x", version: "1.0.0" });
    pkg(path.join(root, "lib/node_modules/x"), { name: "x", version: "2.0.0" });
    const o = resolveOptions({}, root);
    const roots = [
      { name: "x", fromDir: path.join(root, "src"), importer: path.join(root, "src/handler.ts") },
      { name: "x", fromDir: path.join(root, "lib"), importer: path.join(root, "lib/util.ts") },
    ];
    expect(diagnosticsOf(() => planShipment(roots, o))).toEqual([
      {
        code: "SHIP_VERSION_CONFLICT",
        severity: "error",
        message: `The function imports two different copies of "x" and both must sit at node_modules/x: x@2.0.0 (${root}/lib/node_modules/x) imported from lib/util.ts, and x@1.0.0 (${root}/node_modules/x) imported from src/handler.ts. Install one version for the whole function (npm dedupe, or align the versions in package.json).`,
      },
    ]);
  });

  it("reports a package.json that cannot be parsed", () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, "node_modules/broken"), { recursive: true });
    fs.writeFileSync(path.join(root, "node_modules/broken/package.json"), "{ not json");
    const [d] = diagnosticsOf(() => planShipment([{ name: "broken", fromDir: root }], resolveOptions({}, root)));
    expect(d!.code).toBe("PACKAGE_UNREADABLE");
    expect(d!.message).toMatch(new RegExp(`^${root}/node_modules/broken/package.json is not valid JSON \\(.+\\)\\. Reinstall the package \\(npm install\\)\\.$`));
  });

  it("reports a package folder without a readable package.json", () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, "node_modules/empty"), { recursive: true });
    expect(diagnosticsOf(() => planShipment([{ name: "empty", fromDir: root }], resolveOptions({}, root)))).toEqual([
      {
        code: "PACKAGE_UNREADABLE",
        severity: "error",
        message: `Cannot read ${root}/node_modules/empty/package.json (ENOENT). Reinstall the package (npm install) or fix the folder's permissions.`,
      },
    ]);
  });

  it("reports a symlink loop between package links (pnpm/workspaces style)", () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, "node_modules"), { recursive: true });
    fs.symlinkSync(path.join(root, "node_modules/loop-b"), path.join(root, "node_modules/loop-a"));
    fs.symlinkSync(path.join(root, "node_modules/loop-a"), path.join(root, "node_modules/loop-b"));
    expect(diagnosticsOf(() => planShipment([{ name: "loop-a", fromDir: root }], resolveOptions({}, root)))).toEqual([
      {
        code: "SYMLINK_LOOP",
        severity: "error",
        message: `Symlink loop at ${root}/node_modules/loop-a: following its links comes back to where it started. Remove or repoint the link (npm workspaces and pnpm links must end at a real folder).`,
      },
    ]);
  });

  it("reports a folder link inside a package that points back up", () => {
    const root = tempDir();
    const dir = pkg(path.join(root, "node_modules/selfref"), { name: "selfref", version: "1.0.0" }, { "lib/index.js": "" });
    fs.symlinkSync("..", path.join(dir, "lib/up"));
    expect(diagnosticsOf(() => listPackageFiles(dir))).toEqual([
      {
        code: "SYMLINK_LOOP",
        severity: "error",
        message: `Symlink loop in ${dir}: lib/up links back to ${dir}, a folder that contains it. Remove the link or point it at a file.`,
      },
    ]);
  });

  it("follows a workspace symlink to the real folder and resolves its dependencies from there", () => {
    const root = tempDir();
    pkg(path.join(root, "packages/shared"), { name: "shared", version: "1.0.0", dependencies: { dep: "1" } }, { "index.js": "" });
    pkg(path.join(root, "packages/shared/node_modules/dep"), { name: "dep", version: "1.0.0" });
    fs.mkdirSync(path.join(root, "node_modules"), { recursive: true });
    fs.symlinkSync("../packages/shared", path.join(root, "node_modules/shared"));
    expect(findPackageDir("shared", path.join(root, "src"))!.realDir).toBe(path.join(root, "packages/shared"));
    const plan = planShipment([{ name: "shared", fromDir: root }], resolveOptions({}, root));
    expect(plan.packages.map((p) => [p.zipDir, p.realDir])).toEqual([
      ["node_modules/dep", path.join(root, "packages/shared/node_modules/dep")],
      ["node_modules/shared", path.join(root, "packages/shared")],
    ]);
  });

  it("keeps a package another dependent requires, even when one lists it as an optional foreign-platform package", () => {
    const root = tempDir();
    pkg(path.join(root, "node_modules/a"), { name: "a", version: "1.0.0", optionalDependencies: { mac: "1" } });
    pkg(path.join(root, "node_modules/b"), { name: "b", version: "1.0.0", dependencies: { mac: "1" } });
    pkg(path.join(root, "node_modules/mac"), { name: "mac", version: "1.0.0", os: ["darwin"] });
    const o = resolveOptions({}, root);
    const onlyA = planShipment([{ name: "a", fromDir: root }], o);
    expect([onlyA.packages.map((p) => p.name), onlyA.dropped.map((d) => d.name)]).toEqual([["a"], ["mac"]]);
    const both = planShipment([{ name: "a", fromDir: root }, { name: "b", fromDir: root }], o);
    expect([both.packages.map((p) => [p.name, p.neededBy]), both.dropped]).toEqual([
      [["a", ["function"]], ["b", ["function"]], ["mac", ["b"]]],
      [],
    ]);
  });

  it("skips optional dependencies that are not installed and reports missing required ones", () => {
    const root = tempDir();
    pkg(path.join(root, "node_modules/p"), { name: "p", version: "1.0.0", optionalDependencies: { gone: "1" } });
    expect(planShipment([{ name: "p", fromDir: root }], resolveOptions({}, root)).packages.map((p) => p.name)).toEqual(["p"]);
    pkg(path.join(root, "node_modules/q"), { name: "q", version: "1.0.0", dependencies: { gone: "1" } });
    expect(diagnosticsOf(() => planShipment([{ name: "q", fromDir: root }], resolveOptions({}, root)))).toEqual([
      {
        code: "EXTERNAL_UNRESOLVED",
        severity: "error",
        message: `"q" (${root}/node_modules/q) depends on "gone", which is not installed where Node would look for it. Run npm install so the shipped package works from the zip.`,
      },
    ]);
  });
});
