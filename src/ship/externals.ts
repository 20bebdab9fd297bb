/**
 * Which bare imports slimfn ships unbundled. The bundler asks once per import; the answer is
 * cached per (importing folder, package name) and, for native detection, per package folder.
 *
 * - An import matched by the bundler's own `external` is provided by the runtime: never shipped.
 * - An import matched by slimfn's `external` is shipped.
 * - Any other package whose dependency closure holds native code is shipped too, with a note:
 *   a bundler cannot inline a `.node` file or a shared library.
 */
import fs from "node:fs";
import path from "node:path";
import { info, SlimfnError, warning, type Diagnostic } from "../diagnostics.js";
import type { ResolvedOptions } from "../options.js";
import { NativeIndex } from "../cache/native-index.js";
import { closureDirs, type ShipRoot } from "./closure.js";
import { nativeClosureNames, scanInstall, shipFilter } from "./prescan.js";
import { firstNativeFile } from "./files.js";
import { isNativeFile } from "./native.js";
import { findPackageDir, readPackageJson, type PackageJson } from "./resolve.js";
import { isBareSpecifier, isBuiltin, packageName } from "../specifiers.js";

/** esbuild's `external` pattern semantics: one `*` wildcard; a plain name also covers subpaths. */
export function matchesExternal(pattern: string, specifier: string): boolean {
  if (pattern.includes("*")) {
    const re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    return re.test(specifier);
  }
  return specifier === pattern || specifier.startsWith(`${pattern}/`);
}

/** Native scan results of this process, by real package folder. */
const SCANNED = new Map<string, { stamp: string; file: string | null }>();

function manifestStamp(realDir: string): string | undefined {
  try {
    const stat = fs.statSync(path.join(realDir, "package.json"));
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

export type ImportDecision =
  | { kind: "ship"; name: string; why: "external" | "native" }
  | { kind: "runtime" }
  | { kind: "bundle" };

export class ShipRegistry {
  /** Notes for the summary (NATIVE_AUTO_EXTERNAL), one per package. */
  readonly diagnostics: Diagnostic[] = [];
  private readonly decisions = new Map<string, ImportDecision>();
  private readonly nativeFiles = new Map<string, string | null>();
  private readonly closureNative = new Map<string, string | null>();
  /** specifier -> roots recorded for it (one per importing folder). */
  private readonly shipped = new Map<string, ShipRoot[]>();
  private readonly noted = new Set<string>();
  /** Package lookups cached for this build: every bundled package asks about its closure. */
  private readonly found = new Map<string, ReturnType<typeof findPackageDir>>();
  private readonly manifests = new Map<string, PackageJson>();
  private readonly lookup = {
    find: (name: string, fromDir: string) => {
      const key = `${fromDir}\0${name}`;
      if (!this.found.has(key)) this.found.set(key, findPackageDir(name, fromDir));
      return this.found.get(key);
    },
    read: (dir: string) => {
      let pkg = this.manifests.get(dir);
      if (!pkg) this.manifests.set(dir, (pkg = readPackageJson(dir)));
      return pkg;
    },
  };

  private readonly index: NativeIndex;

  constructor(
    private readonly options: ResolvedOptions,
    /** Whether the bundler's own options leave an import to the runtime (its `external`). */
    private readonly leftToRuntime: (specifier: string) => boolean = () => false,
  ) {
    this.index = NativeIndex.open(options);
  }

  /**
   * The bundler filter for bare imports slimfn may ship: slimfn's `external` and every installed
   * package with native code in its closure (prescan, cached by the lockfile). Imports it does
   * not match are never asked about, and could only ever be bundled. With `cache: false` there
   * is no prescan (it would walk the whole tree on every build): every bare import is asked.
   */
  shipFilter(): RegExp {
    if (this.options.cache === false) return /^[^./]/;
    const names = this.index.prescan(() => {
      const install = scanInstall(this.options.root);
      // Dependencies found in the folders the scan listed; the disk only where it did not list.
      const find = (name: string, fromDir: string) => {
        const listed = install.find(name, fromDir);
        return listed === undefined ? this.lookup.find(name, fromDir) : (listed ?? undefined);
      };
      const lookup = { read: this.lookup.read, find };
      return nativeClosureNames(install.packages, lookup, (dir) => this.nativeFileOf(dir));
    });
    this.index.save();
    return shipFilter(names, this.options.external);
  }

  /** Keep what this build scanned for the next one (call once the bundler has resolved everything). */
  persist(): void {
    this.index.save();
  }

  /** Decide what happens to `specifier` imported from `importer` (resolved from `resolveDir`). */
  decide(specifier: string, resolveDir: string, importer?: string): ImportDecision {
    if (!isBareSpecifier(specifier) || isBuiltin(specifier)) return { kind: "bundle" };
    const name = packageName(specifier);
    // The runtime provides what the bundler's `external` names, except a package slimfn's own
    // `external` names: `external: ["@aws-sdk/*"]` in esbuild with a newer client shipped.
    if (!shipAsked(this.options, specifier) && this.leftToRuntime(specifier)) return { kind: "runtime" };
    if (!name) return { kind: "bundle" };
    const key = `${resolveDir}\0${name}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.classify(specifier, name, resolveDir);
      this.decisions.set(key, decision);
    }
    if (decision.kind === "ship") this.record(specifier, decision.name, decision.why, resolveDir, importer);
    return decision;
  }

  private classify(specifier: string, name: string, resolveDir: string): ImportDecision {
    if (this.options.external.some((p) => matchesExternal(p, specifier) || matchesExternal(p, name))) {
      return { kind: "ship", name, why: "external" };
    }
    let found: ReturnType<typeof findPackageDir>;
    try {
      found = this.lookup.find(name, resolveDir);
    } catch (e) {
      if (e instanceof SlimfnError) throw e;
      return { kind: "bundle" };
    }
    // Not installed: the bundler reports it as it would without slimfn.
    if (!found) return { kind: "bundle" };
    const native = this.nativeInClosure(found.realDir, name);
    if (native === null) return { kind: "bundle" };
    if (!this.noted.has(name)) {
      this.noted.add(name);
      this.diagnostics.push(
        info(
          "NATIVE_AUTO_EXTERNAL",
          `"${name}" is shipped unbundled in node_modules because its dependency closure holds native code (${native}). Add it to slimfn's "external" to make this explicit.`,
        ),
      );
    }
    return { kind: "ship", name, why: "native" };
  }

  private record(specifier: string, name: string, why: "external" | "native", fromDir: string, importer?: string): void {
    const list = this.shipped.get(specifier) ?? [];
    // One record per importing file: functions are told apart by their files.
    if (!list.some((r) => r.fromDir === fromDir && r.importer === importer)) {
      list.push(importer ? { name, fromDir, importer, specifier, why } : { name, fromDir, why });
      this.shipped.set(specifier, list);
    }
  }

  /** The first native file (as `<package>/<file>`) in a package's closure, or null. */
  nativeInClosure(realDir: string, name: string): string | null {
    const cached = this.closureNative.get(realDir);
    if (cached !== undefined) return cached;
    let hit: string | null = null;
    for (const dep of closureDirs(realDir, name, this.lookup)) {
      const file = this.nativeFileOf(dep.realDir);
      if (file !== null) {
        hit = `${dep.name}/${file}`;
        break;
      }
    }
    this.closureNative.set(realDir, hit);
    return hit;
  }

  private nativeFileOf(realDir: string): string | null {
    const cached = this.nativeFiles.get(realDir);
    if (cached !== undefined) return cached;
    // Across builds of one process (watch, rebuilds), a package is scanned again only when its
    // package.json changed: npm writes it whenever it installs or replaces the package.
    // Across processes, the same holds through the on-disk index (src/cache/native-index.ts).
    const stamp = manifestStamp(realDir);
    const known = SCANNED.get(realDir);
    const recorded = stamp === undefined ? undefined : known && known.stamp === stamp ? known.file : this.index.get(realDir, stamp);
    const file = recorded !== undefined ? recorded : firstNativeFile(realDir, (rel, abs) => isNativeFile(rel, abs));
    if (stamp !== undefined) {
      SCANNED.set(realDir, { stamp, file });
      this.index.set(realDir, stamp, file);
    }
    this.nativeFiles.set(realDir, file);
    return file;
  }

  /**
   * The shipped packages a function imports, from its bundler-reported external imports. A
   * specifier imported from several folders yields one root per folder, so two different
   * installed copies surface as a version conflict instead of one winning silently. With
   * `modules` (the function's input files, relative to the project root, as the bundler names
   * them), imports recorded from another function's files are left out, so two functions may
   * ship different versions of one package.
   */
  rootsFor(externals: readonly { specifier: string; importer?: string }[], modules?: ReadonlySet<string>): ShipRoot[] {
    const roots: ShipRoot[] = [];
    const ours = (r: ShipRoot) =>
      !modules || !r.importer || modules.has(path.relative(this.options.root, r.importer).split(path.sep).join("/"));
    for (const ext of externals) {
      const recorded = this.shipped.get(ext.specifier)?.filter(ours);
      if (!recorded?.length) continue;
      const mine = ext.importer ? recorded.filter((r) => r.fromDir === path.dirname(ext.importer!)) : [];
      for (const r of mine.length ? mine : recorded) {
        if (!roots.some((x) => x.name === r.name && x.fromDir === r.fromDir)) roots.push(r);
      }
    }
    return roots;
  }

  /**
   * `EXTERNAL_UNMATCHED` warnings for slimfn `external` names that no import of this build
   * matched: a typo ships nothing, and the package meant may be bundled instead.
   */
  unmatchedExternals(): Diagnostic[] {
    const specifiers = [...this.shipped.keys()];
    return this.options.external
      .filter((p) => !specifiers.some((s) => matchesExternal(p, s) || matchesExternal(p, packageName(s) ?? s)))
      .map((p) =>
        warning(
          "EXTERNAL_UNMATCHED",
          `slimfn's external ${JSON.stringify(p)} matches no import of this build, so nothing is shipped for it. Fix the package name (or the esbuild-style pattern, one *) or remove it.`,
        ),
      );
  }

  /** True when the bundler left `specifier` external because slimfn ships it. */
  isShipped(specifier: string): boolean {
    return this.shipped.has(specifier);
  }
}

/** Whether slimfn's own `external` names `specifier` (its package or the specifier itself). */
export function shipAsked(options: Pick<ResolvedOptions, "external">, specifier: string): boolean {
  if (!isBareSpecifier(specifier) || isBuiltin(specifier)) return false;
  const name = packageName(specifier);
  return options.external.some((p) => matchesExternal(p, specifier) || (name !== undefined && matchesExternal(p, name)));
}
