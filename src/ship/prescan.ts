/**
 * The native-code prescan of the dependency tree (issue 11): which installed packages have
 * native code in their closure, found once before bundling, so the bundler's bare-import hook
 * can filter on exactly the packages slimfn may ship (those, and slimfn's `external`) and every
 * other import stays in the bundler's native code (esbuild: one IPC round trip per bare import
 * otherwise, ~1.4x the build time for a callback that decides nothing).
 *
 * Every package under the node_modules folders at and above the project root is enumerated
 * (nested node_modules and pnpm's `.pnpm` store included); a package is native when one of its
 * own files is (`isNativeFile`), and native in closure when a native package is reachable from
 * it through its runtime dependencies, found by walking the reversed dependency edges upward
 * from the native packages. The result is cached by the install's lockfile and package.json.
 */
import fs from "node:fs";
import path from "node:path";
import { runtimeDependencies, type PackageLookup } from "./closure.js";
import { realpath } from "./resolve.js";

export interface InstalledPackage {
  /** The name it is installed under (its folder below node_modules). */
  name: string;
  realDir: string;
}

function dirents(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** What the prescan read of the install: its packages, and each node_modules folder's names. */
export interface InstallScan {
  packages: InstalledPackage[];
  /**
   * Node's lookup of `name` from the real folder `fromDir` (as `findPackageDir` does it on disk),
   * answered from the folders listed: the package, `null` when no folder on the way up holds
   * it, `undefined` when a folder on the way was not listed (ask the disk).
   */
  find(name: string, fromDir: string): { dir: string; realDir: string } | null | undefined;
}

/** Every package installed in the node_modules folders at and above `root`. */
export function scanInstall(root: string): InstallScan {
  const out: InstalledPackage[] = [];
  const seenFolders = new Set<string>();
  /** Real node_modules folder -> the names in it (scoped ones as `@scope/name`). */
  const listed = new Map<string, Set<string>>();
  /** Real path of a listed package folder -> its real folder. */
  const packageAt = new Map<string, string>();
  /** Real paths of node_modules folders found absent. */
  const absent = new Set<string>();
  /** `inReal`: the folder's path inside its real parent, to remember it absent by. */
  const visitModules = (modules: string, inReal: string) => {
    let real: string;
    try {
      // Most packages have no node_modules of their own: no exception built for each.
      const stat = fs.statSync(modules, { throwIfNoEntry: false });
      if (!stat) absent.add(inReal);
      if (!stat?.isDirectory()) return;
      real = realpath(modules);
    } catch {
      return;
    }
    if (seenFolders.has(real)) return;
    seenFolders.add(real);
    const names = new Set<string>();
    listed.set(real, names);
    for (const e of dirents(modules)) {
      names.add(e.name);
      if (e.name === ".pnpm") {
        for (const store of dirents(path.join(modules, e.name))) {
          if (store.isDirectory()) visitModules(path.join(modules, e.name, store.name, "node_modules"), path.join(real, e.name, store.name, "node_modules"));
        }
        continue;
      }
      if (e.name.startsWith(".")) continue;
      if (e.name.startsWith("@")) {
        const scope = e.isDirectory() ? path.join(real, e.name) : undefined;
        const inScope = dirents(path.join(modules, e.name));
        // Node also looks in `@scope/node_modules` on the way up from a scoped package.
        if (!inScope.some((x) => x.name === "node_modules")) absent.add(path.join(real, e.name, "node_modules"));
        for (const s of inScope) {
          names.add(`${e.name}/${s.name}`);
          visitPackage(`${e.name}/${s.name}`, path.join(modules, e.name, s.name), scope && s.isDirectory() ? path.join(scope, s.name) : undefined, path.join(real, e.name, s.name));
        }
      } else {
        visitPackage(e.name, path.join(modules, e.name), e.isDirectory() ? path.join(real, e.name) : undefined, path.join(real, e.name));
      }
    }
  };
  /**
   * `known`: the real path, when the folder and its parents are real folders (no link to
   * resolve); `slot`: the path in the real node_modules folder it was listed in.
   */
  const visitPackage = (name: string, dir: string, known: string | undefined, slot: string) => {
    let realDir: string;
    try {
      // Only a link (workspaces, pnpm) needs resolving: a folder's real path is its parent's joined.
      realDir = known ?? realpath(dir);
      if (!fs.statSync(path.join(realDir, "package.json"), { throwIfNoEntry: false })?.isFile()) return;
    } catch {
      return;
    }
    packageAt.set(slot, realDir);
    out.push({ name, realDir });
    visitModules(path.join(dir, "node_modules"), path.join(realDir, "node_modules"));
  };
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== "node_modules") {
      let real: string | undefined;
      try {
        real = realpath(dir);
      } catch {
        real = undefined;
      }
      if (real !== undefined) visitModules(path.join(dir, "node_modules"), path.join(real, "node_modules"));
    }
    if (path.dirname(dir) === dir) break;
  }
  const find: InstallScan["find"] = (name, fromDir) => {
    for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
      // Node never looks in `node_modules/node_modules`.
      if (path.basename(dir) !== "node_modules") {
        const modules = path.join(dir, "node_modules");
        const names = listed.get(modules);
        if (names === undefined) {
          // A folder the scan did not meet (a workspace package's parents): absent, or ask the disk.
          if (!absent.has(modules)) {
            if (fs.statSync(modules, { throwIfNoEntry: false }) !== undefined) return undefined;
            absent.add(modules);
          }
        } else if (names.has(name)) {
          const realDir = packageAt.get(path.join(modules, name));
          return realDir === undefined ? undefined : { dir: path.join(modules, name), realDir };
        }
      }
      if (path.dirname(dir) === dir) return null;
    }
  };
  return { packages: out, find };
}

/** Every package installed in the node_modules folders at and above `root`. */
export function installedPackages(root: string): InstalledPackage[] {
  return scanInstall(root).packages;
}

/** Names of the installed packages whose dependency closure holds native code. */
export function nativeClosureNames(
  installed: readonly InstalledPackage[],
  lookup: PackageLookup,
  nativeFileOf: (realDir: string) => string | null,
): string[] {
  const dependents = new Map<string, Set<string>>();
  const native: string[] = [];
  const byDir = new Map<string, Set<string>>();
  for (const p of installed) {
    if (!byDir.has(p.realDir)) byDir.set(p.realDir, new Set());
    byDir.get(p.realDir)!.add(p.name);
  }
  for (const dir of byDir.keys()) {
    if (nativeFileOf(dir) !== null) native.push(dir);
    let pkg;
    try {
      pkg = lookup.read(dir);
    } catch {
      continue;
    }
    for (const dep of runtimeDependencies(pkg)) {
      let found;
      try {
        found = lookup.find(dep.name, dir);
      } catch {
        continue;
      }
      if (!found) continue;
      if (!dependents.has(found.realDir)) dependents.set(found.realDir, new Set());
      dependents.get(found.realDir)!.add(dir);
    }
  }
  const reached = new Set(native);
  const queue = [...native];
  while (queue.length) {
    for (const up of dependents.get(queue.pop()!) ?? []) {
      if (!reached.has(up)) {
        reached.add(up);
        queue.push(up);
      }
    }
  }
  const names = new Set<string>();
  for (const dir of reached) for (const n of byDir.get(dir) ?? []) names.add(n);
  return [...names].sort();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * A Go-compatible regex (no lookahead) matching bare imports of `names` (and their subpaths)
 * and of slimfn `external` patterns (esbuild semantics: one `*`, a plain name covers subpaths).
 */
export function shipFilter(names: readonly string[], externals: readonly string[]): RegExp {
  const alternatives = [
    ...names.map((n) => `${escape(n)}(?:/.*)?`),
    ...externals.map((p) => `${p.split("*").map(escape).join(".*")}(?:/.*)?`),
  ];
  // Nothing to ship: a filter no specifier matches (a bare import never starts with "\0").
  return alternatives.length ? new RegExp(`^(?:${alternatives.join("|")})$`) : /^\0slimfn-ships-nothing$/;
}
