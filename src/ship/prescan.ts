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

/** Every package installed in the node_modules folders at and above `root`. */
export function installedPackages(root: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  const seenFolders = new Set<string>();
  const visitModules = (modules: string) => {
    let real: string;
    try {
      real = realpath(modules);
    } catch {
      return;
    }
    if (seenFolders.has(real)) return;
    seenFolders.add(real);
    for (const e of dirents(modules)) {
      if (e.name === ".pnpm") {
        for (const store of dirents(path.join(modules, e.name))) if (store.isDirectory()) visitModules(path.join(modules, e.name, store.name, "node_modules"));
        continue;
      }
      if (e.name.startsWith(".")) continue;
      if (e.name.startsWith("@")) {
        for (const s of dirents(path.join(modules, e.name))) visitPackage(`${e.name}/${s.name}`, path.join(modules, e.name, s.name));
      } else {
        visitPackage(e.name, path.join(modules, e.name));
      }
    }
  };
  const visitPackage = (name: string, dir: string) => {
    let realDir: string;
    try {
      realDir = realpath(dir);
      if (!fs.statSync(path.join(realDir, "package.json")).isFile()) return;
    } catch {
      return;
    }
    out.push({ name, realDir });
    visitModules(path.join(dir, "node_modules"));
  };
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== "node_modules") visitModules(path.join(dir, "node_modules"));
    if (path.dirname(dir) === dir) break;
  }
  return out;
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
