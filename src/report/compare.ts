/**
 * Match the functions of one or several head size models against a base, by name, and the
 * packages of each function by package name: what was added, removed, changed or left alone.
 * Every formatter renders this one comparison, so text, Markdown and JSON never disagree.
 */
import { error, SlimfnError } from "../diagnostics.js";
import { packageName } from "../specifiers.js";
import type { FunctionModel, PackageModel } from "./model.js";
import type { LoadedModel } from "./read-model.js";

/** `null` when no base was given: there is nothing to compare against. */
export type Change = "added" | "removed" | "changed" | "unchanged";

export interface PackageRow {
  name: string;
  change: Change | null;
  head?: FunctionPackage;
  base?: FunctionPackage;
  /** Loaded on first use instead of at init (from the head, else the base). */
  lazy: boolean;
  /** Shipped unbundled in `node_modules` rather than bundled. */
  shipped: boolean;
}

export interface FunctionRow {
  name: string;
  change: Change | null;
  head?: FunctionModel;
  base?: FunctionModel;
  /** The model file the head (else the base) came from. */
  file: string;
  /** Sorted by name; with a base, every package of either side. */
  packages: PackageRow[];
  /**
   * Files renamed with their bytes unchanged (a chunk whose content hash moved), base name to
   * head name, sorted by `from`. Empty without a base.
   */
  renamed: FileRename[];
}

export interface FileRename {
  from: string;
  to: string;
}

export interface Comparison {
  /** Whether a base was given at all. */
  hasBase: boolean;
  headFiles: string[];
  baseFiles: string[];
  /** Sorted by name. */
  functions: FunctionRow[];
}

/** A package of a function, bundled or shipped unbundled in `node_modules`. */
export type FunctionPackage = PackageModel & { shipped: boolean; lazy: boolean };

/**
 * Every package of a function: the bundled ones and the shipped ones (`shipped[]`, a shipped
 * package's own bytes and exact zip bytes). A package may be both, in different copies.
 */
export function functionPackages(fn: FunctionModel): FunctionPackage[] {
  const lazy = lazyPackages(fn);
  const bundled = fn.packages.map((p) => ({ ...p, shipped: false, lazy: Boolean((p as { lazy?: unknown }).lazy) || lazy.has(p.name) }));
  const shipped = (fn.shipped ?? []).map((s) => ({ name: s.name, version: s.version, bytes: s.bytes, zipBytes: s.zipBytes, shipped: true, lazy: false }));
  return [...bundled, ...shipped];
}

/**
 * Packages the function imports lazily: named by a lazy decision (`lazy[]`, one per import)
 * whose mode is not `eager`. A model without decisions has no lazy packages.
 */
function lazyPackages(fn: FunctionModel): Set<string> {
  const out = new Set<string>();
  for (const d of fn.lazy ?? []) {
    if (typeof d.module !== "string" || d.mode === "eager") continue;
    const name = packageName(d.module);
    if (name) out.add(name);
  }
  return out;
}

const isLazy = (p: FunctionPackage | undefined) => Boolean(p?.lazy);
const isShipped = (p: FunctionPackage | undefined) => Boolean(p?.shipped);

/** Every function of several models by name; the same name in two files is an error. */
function byName(models: readonly LoadedModel[], side: "head" | "base"): Map<string, { fn: FunctionModel; file: string }> {
  const out = new Map<string, { fn: FunctionModel; file: string }>();
  for (const { file, model } of models) {
    for (const fn of model.functions) {
      const earlier = out.get(fn.name);
      if (earlier) {
        throw new SlimfnError(
          error(
            "REPORT_INVALID",
            `Function "${fn.name}" appears in two ${side} size models, ${earlier.file} and ${file}: each function must come from one build. Pass each build's size model once.`,
          ),
        );
      }
      out.set(fn.name, { fn, file });
    }
  }
  return out;
}

function packageRows(head: FunctionModel | undefined, base: FunctionModel | undefined, hasBase: boolean): PackageRow[] {
  // Bundled and shipped copies of one package are matched separately: moving a package from
  // the bundle to node_modules shows as one removed and one added row.
  const key = (p: FunctionPackage) => `${p.name}\0${p.shipped ? "shipped" : "bundled"}`;
  const group = (fn: FunctionModel | undefined) => {
    const m = new Map<string, FunctionPackage[]>();
    for (const p of fn ? functionPackages(fn) : []) m.set(key(p), [...(m.get(key(p)) ?? []), p]);
    return m;
  };
  const heads = group(head);
  const bases = group(base);
  const keys = [...new Set([...heads.keys(), ...bases.keys()])].sort();
  const rows: PackageRow[] = [];
  for (const k of keys) {
    const name = k.slice(0, k.indexOf("\0"));
    const h = heads.get(k) ?? [];
    let b = [...(bases.get(k) ?? [])];
    const push = (hp: FunctionPackage | undefined, bp: FunctionPackage | undefined) => {
      const change: Change | null = !hasBase
        ? null
        : !bp
          ? "added"
          : !hp
            ? "removed"
            : // Raw bytes only: a bundled package's zipped share is an estimate that moves when
              // any other module of its output file changes.
              hp.version === bp.version && hp.bytes === bp.bytes && isLazy(hp) === isLazy(bp) && isShipped(hp) === isShipped(bp)
              ? "unchanged"
              : "changed";
      rows.push({ name, change, head: hp, base: bp, lazy: isLazy(hp ?? bp), shipped: isShipped(hp ?? bp) });
    };
    // One copy on each side is the common case: a version bump is a change, not a swap.
    if (h.length === 1 && b.length === 1) {
      push(h[0], b[0]);
      continue;
    }
    // Several copies (nested versions): pair equal versions, the rest are added or removed.
    for (const hp of h) {
      const i = b.findIndex((bp) => bp.version === hp.version);
      push(hp, i >= 0 ? b[i] : undefined);
      if (i >= 0) b = [...b.slice(0, i), ...b.slice(i + 1)];
    }
    for (const bp of b) push(undefined, bp);
  }
  return rows;
}

/**
 * Pair the files only the base has with those only the head has, in the same folder with the
 * same extension and the same bytes: a chunk whose content hash moved. `onlyRenames` when every
 * other file kept its path and bytes.
 */
function fileRenames(head: FunctionModel, base: FunctionModel): { renamed: FileRename[]; onlyRenames: boolean } {
  const heads = new Map(head.files.map((f) => [f.path, f.bytes]));
  const bases = new Map(base.files.map((f) => [f.path, f.bytes]));
  let onlyRenames = true;
  for (const [p, bytes] of heads) if (bases.has(p) && bases.get(p) !== bytes) onlyRenames = false;
  const kind = (p: string) => `${p.slice(0, p.lastIndexOf("/") + 1)}\0${p.slice(p.lastIndexOf("."))}`;
  const added = [...heads.keys()].filter((p) => !bases.has(p)).sort();
  const renamed: FileRename[] = [];
  for (const from of [...bases.keys()].filter((p) => !heads.has(p)).sort()) {
    const i = added.findIndex((to) => heads.get(to) === bases.get(from) && kind(to) === kind(from));
    if (i < 0) {
      onlyRenames = false;
      continue;
    }
    renamed.push({ from, to: added[i]! });
    added.splice(i, 1);
  }
  if (added.length) onlyRenames = false;
  return { renamed, onlyRenames };
}

function functionChange(head: FunctionModel | undefined, base: FunctionModel | undefined, packages: PackageRow[], renames: { renamed: FileRename[]; onlyRenames: boolean }): Change {
  if (!base) return "added";
  if (!head) return "removed";
  // A renamed chunk changes the zip by a few compressed bytes (its importers name it anew):
  // with every file's bytes the same, the function is unchanged.
  const sameZip = head.zipBytes === base.zipBytes || (renames.renamed.length > 0 && renames.onlyRenames);
  const same =
    sameZip &&
    head.unzippedBytes === base.unzippedBytes &&
    head.entryCount === base.entryCount &&
    packages.every((p) => p.change === "unchanged");
  return same ? "unchanged" : "changed";
}

/** Compare head models against base models (or describe the head alone when `base` is empty). */
export function compareModels(head: readonly LoadedModel[], base: readonly LoadedModel[] | undefined): Comparison {
  const hasBase = base !== undefined && base.length > 0;
  const heads = byName(head, "head");
  const bases = byName(base ?? [], "base");
  const names = [...new Set([...heads.keys(), ...bases.keys()])].sort();
  const functions = names.map((name): FunctionRow => {
    const h = heads.get(name);
    const b = bases.get(name);
    const packages = packageRows(h?.fn, b?.fn, hasBase);
    const renames = h && b ? fileRenames(h.fn, b.fn) : { renamed: [], onlyRenames: false };
    return {
      name,
      change: hasBase ? functionChange(h?.fn, b?.fn, packages, renames) : null,
      renamed: renames.renamed,
      head: h?.fn,
      base: b?.fn,
      file: (h ?? b)!.file,
      packages,
    };
  });
  return {
    hasBase,
    headFiles: head.map((m) => m.file),
    baseFiles: (base ?? []).map((m) => m.file),
    functions,
  };
}
