/**
 * `layer: true`: the shipped packages that several functions of a build ship identically go
 * into one Lambda layer zip (`nodejs/node_modules/...`) instead of into each function's zip.
 *
 * On Lambda a layer's packages are found through NODE_PATH (`/opt/nodejs/node_modules`), after
 * the function's own `node_modules`. A package can move to the layer only with everything it
 * resolves from its own folder: its nested `node_modules` and the packages it depends on. So the
 * shared set is shrunk until it is closed: a package whose parent folder, nested package or
 * dependency stays in some function's zip stays in every function's zip.
 */
import type { ZipEntryInput } from "../zip/write.js";
import type { FunctionShipment } from "./function-shipment.js";
import type { ShippedPackageFiles } from "./entries.js";

export interface LayerCandidate {
  name: string;
  shipment: FunctionShipment;
}

export interface LayerPackage {
  name: string;
  version: string;
  /** Folder in the layer, under `nodejs/`: `node_modules/sharp`. */
  path: string;
  /** The functions that ship it through the layer. Sorted. */
  functions: string[];
}

export interface SharedLayer {
  /** The layer zip's entries (`nodejs/node_modules/...`), sorted by path. */
  entries: ZipEntryInput[];
  packages: LayerPackage[];
  /** Zip paths a function no longer holds itself. */
  movedPaths(fn: string): Set<string>;
  /** Names of the packages a function imports directly that the layer now provides. */
  movedDirect(fn: string): string[];
  /** Whether a function's shipped package (by its folder in the zip) is in the layer. */
  inLayer(fn: string, zipDir: string): boolean;
}

/** The same package, placed the same way, with the same files: safe to share. */
const signature = (p: ShippedPackageFiles) => `${p.pkg.zipDir}\0${p.pkg.version}\0${p.paths.join("\n")}\0${p.bytes}`;

/** The folder of the package that holds `zipDir` in its own node_modules, or undefined at the top. */
function parentDir(zipDir: string): string | undefined {
  const at = zipDir.lastIndexOf("/node_modules/");
  return at === -1 ? undefined : zipDir.slice(0, at);
}

export function planSharedLayer(functions: readonly LayerCandidate[]): SharedLayer | undefined {
  const users = new Map<string, Set<string>>();
  for (const f of functions) for (const p of f.shipment.packages) {
    const sig = signature(p);
    if (!users.has(sig)) users.set(sig, new Set());
    users.get(sig)!.add(f.name);
  }
  const shared = new Set([...users].filter(([, fns]) => fns.size >= 2).map(([sig]) => sig));
  // Shrink until closed: every package a layered one resolves from its folder is layered too.
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of functions) {
      const byDir = new Map(f.shipment.packages.map((p) => [p.pkg.zipDir, p]));
      for (const p of f.shipment.packages) {
        const sig = signature(p);
        if (!shared.has(sig)) continue;
        const parent = parentDir(p.pkg.zipDir);
        const parentKept = parent !== undefined && !shared.has(signature(byDir.get(parent)!));
        const nestedKept = f.shipment.packages.some((q) => q.pkg.zipDir.startsWith(`${p.pkg.zipDir}/node_modules/`) && !shared.has(signature(q)));
        const dependencyKept = f.shipment.packages.some((q) => q.pkg.neededBy.includes(p.pkg.name) && !shared.has(signature(q)));
        if (parentKept || nestedKept || dependencyKept) {
          shared.delete(sig);
          changed = true;
        }
      }
    }
  }
  if (!shared.size) return undefined;
  const entries = new Map<string, ZipEntryInput>();
  const packages = new Map<string, LayerPackage>();
  const moved = new Map<string, { paths: Set<string>; direct: string[]; dirs: Set<string> }>();
  for (const f of functions) {
    const mine = { paths: new Set<string>(), direct: [] as string[], dirs: new Set<string>() };
    moved.set(f.name, mine);
    const data = new Map(f.shipment.entries.map((e) => [e.path, e]));
    for (const p of f.shipment.packages) {
      const sig = signature(p);
      if (!shared.has(sig)) continue;
      mine.dirs.add(p.pkg.zipDir);
      if (p.pkg.root) mine.direct.push(p.pkg.name);
      for (const path of p.paths) {
        mine.paths.add(path);
        if (!entries.has(path)) entries.set(path, { ...data.get(path)!, path: `nodejs/${path}` });
      }
      const known = packages.get(sig) ?? { name: p.pkg.name, version: p.pkg.version, path: p.pkg.zipDir, functions: [] };
      known.functions.push(f.name);
      packages.set(sig, known);
    }
  }
  return {
    entries: [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    packages: [...packages.values()].map((p) => ({ ...p, functions: [...p.functions].sort() })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    movedPaths: (fn) => moved.get(fn)?.paths ?? new Set(),
    movedDirect: (fn) => [...(moved.get(fn)?.direct ?? [])].sort(),
    inLayer: (fn, zipDir) => moved.get(fn)?.dirs.has(zipDir) ?? false,
  };
}
