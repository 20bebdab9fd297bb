/**
 * What the HTML report's treemap shows: a function's zip as groups (a bundled package, the
 * function's own code, a shipped package, the included files, the rest) whose children are
 * files. Every byte of the zip lands in exactly one leaf, so the areas add up to the zip:
 * compressed bytes are each entry's exact compressed size, split over a bundle file's packages
 * in proportion to raw bytes as the size model does.
 */
import type { FunctionRow, PackageRow } from "./compare.js";
import type { FileModel, FunctionModel, OutputModel } from "./model.js";

export type GroupKind = "own" | "package" | "shipped" | "included" | "glue" | "other";

export interface TreemapLeaf {
  /** Path in the zip (a bundle file holds several groups' leaves). */
  path: string;
  bytes: number;
  zipBytes: number;
}

export interface TreemapGroup {
  /** What the reader sees: `zod`, `own code`, `node_modules/sharp`. */
  label: string;
  kind: GroupKind;
  /** Package name and version, for bundled and shipped packages. */
  name?: string;
  version?: string;
  lazy: boolean;
  shipped: boolean;
  bytes: number;
  zipBytes: number;
  /** Change against the base in raw bytes (`null` without a base or for unmatched groups). */
  delta: number | null;
  /** The group is new in the head build (with a base). */
  added: boolean;
  /** Sorted by path. */
  leaves: TreemapLeaf[];
}

const GLUE = "bundler glue";
const OWN = "own code";

/** The groups of one function's zip, sorted by label. */
export function treemapGroups(row: FunctionRow): TreemapGroup[] {
  const fn = row.head;
  if (!fn) return [];
  const files = Array.isArray(fn.files) ? fn.files : [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const groups = new Map<string, TreemapGroup>();
  const group = (key: string, label: string, kind: GroupKind, extra: Partial<TreemapGroup> = {}) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { label, kind, lazy: false, shipped: kind === "shipped", bytes: 0, zipBytes: 0, delta: null, added: false, leaves: [], ...extra }));
    return g;
  };
  const leaf = (g: TreemapGroup, path: string, bytes: number, zipBytes: number) => {
    if (bytes <= 0 && zipBytes <= 0) return;
    g.leaves.push({ path, bytes, zipBytes });
    g.bytes += bytes;
    g.zipBytes += zipBytes;
  };
  const claimed = new Set<string>();
  const atInit = fn.imports ? new Set(fn.imports.atInit) : undefined;

  // Bundle files: split by package, own code, and what no module accounts for (the bundler's
  // runtime helpers, the require shim). Older models without `outputs` give one split for all.
  for (const out of bundleOutputs(fn, byPath)) {
    const paths = out.files.map((f) => f.path);
    for (const p of paths) claimed.add(p);
    const label = paths.length === 1 ? paths[0]! : `${paths.length} bundle files`;
    const fileBytes = out.files.reduce((n, f) => n + f.bytes, 0);
    const fileZip = out.files.reduce((n, f) => n + f.zipBytes, 0);
    let usedBytes = 0;
    let usedZip = 0;
    for (const p of out.packages) {
      const pkg = row.packages.find((r) => !r.shipped && r.name === p.name && (r.head?.version ?? "") === p.version);
      // With the import graph: lazy is "not evaluated at init", which also covers the packages
      // reached only through a lazy import (the SDK's own dependencies).
      const lazy = atInit ? !atInit.has(p.name) : Boolean(pkg?.lazy);
      const g = group(`package\0${p.name}\0${p.version}`, p.name, "package", { name: p.name, version: p.version, lazy });
      leaf(g, label, p.bytes, p.zipBytes);
      usedBytes += p.bytes;
      usedZip += p.zipBytes;
    }
    leaf(group("own", OWN, "own"), label, out.ownCode.bytes, out.ownCode.zipBytes);
    usedBytes += out.ownCode.bytes;
    usedZip += out.ownCode.zipBytes;
    leaf(group("glue", GLUE, "glue"), label, Math.max(0, fileBytes - usedBytes), Math.max(0, fileZip - usedZip));
  }

  // Shipped packages: each zip entry under node_modules belongs to the deepest package folder.
  const shipped = [...(fn.shipped ?? [])].sort((a, b) => b.path.length - a.path.length);
  const included = new Set(fn.included ?? []);
  for (const f of files) {
    if (claimed.has(f.path)) continue;
    const s = shipped.find((p) => f.path.startsWith(`${p.path}/`));
    if (s) leaf(group(`shipped\0${s.path}`, s.path === `node_modules/${s.name}` ? s.name : s.path, "shipped", { name: s.name, version: s.version }), f.path, f.bytes, f.zipBytes);
    else if (included.has(f.path)) leaf(group("included", "included files", "included"), f.path, f.bytes, f.zipBytes);
    else leaf(group("other", "other files", "other"), f.path, f.bytes, f.zipBytes);
  }

  const out = [...groups.values()].filter((g) => g.leaves.length > 0);
  // Two bundled copies of one package (nested versions) need their versions to be told apart.
  for (const g of out) if (g.kind === "package" && out.some((o) => o !== g && o.kind === "package" && o.label === g.name)) g.label = `${g.name}@${g.version}`;
  if (row.base) markGrowth(out, row);
  for (const g of out) g.leaves.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.kind < b.kind ? -1 : 1));
}

/** The model's bundle files with their split, or one split over every bundle file. */
function bundleOutputs(fn: FunctionModel, byPath: Map<string, FileModel>): { files: FileModel[]; packages: OutputModel["packages"]; ownCode: OutputModel["ownCode"] }[] {
  if (Array.isArray(fn.outputs)) {
    return fn.outputs.flatMap((o) => {
      const file = byPath.get(o.path);
      return file ? [{ files: [file], packages: o.packages, ownCode: o.ownCode }] : [];
    });
  }
  const others = new Set([...(fn.included ?? []), "package.json"]);
  const files = [...byPath.values()].filter((f) => !f.path.startsWith("node_modules/") && !others.has(f.path) && /\.[cm]?js$/.test(f.path));
  return files.length ? [{ files, packages: fn.packages, ownCode: fn.ownCode }] : [];
}

/** Growth against the base, from the comparison's package rows (raw bytes, as the text report). */
function markGrowth(groups: TreemapGroup[], row: FunctionRow): void {
  const rowOf = (g: TreemapGroup): PackageRow | undefined =>
    row.packages.find((p) => p.name === g.name && p.head?.version === g.version && p.shipped === (g.kind === "shipped"));
  for (const g of groups) {
    if (g.kind === "own") {
      g.delta = row.head!.ownCode.bytes - row.base!.ownCode.bytes;
      continue;
    }
    if (g.kind !== "package" && g.kind !== "shipped") continue;
    const p = rowOf(g);
    if (!p) continue;
    g.added = p.change === "added";
    g.delta = (p.head?.bytes ?? 0) - (p.base?.bytes ?? 0);
  }
}

/** Packages (bundled or shipped) the base had and the head lost, for the list under the map. */
export function removedPackages(row: FunctionRow): PackageRow[] {
  return row.packages.filter((p) => p.change === "removed");
}
