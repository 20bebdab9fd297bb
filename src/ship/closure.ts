/**
 * The production dependency closure of the packages a function ships unbundled, and where each
 * one goes in the zip's `node_modules`.
 *
 * Each dependency is resolved from its dependent's real folder as Node would (walk
 * `node_modules` upward). Placement hoists like npm: a package goes to the outermost
 * `node_modules` on its dependent's lookup path where it neither collides with another version
 * nor shadows a version some other package already resolves through that folder; otherwise it
 * stays nested. A real path that is reachable from its dependent where it already sits is
 * reused, so each real path is copied once unless two dependents cannot see one shared copy.
 * At the end every edge is resolved again inside the zip layout: a layout Node would resolve
 * differently from the disk is a `SHIP_VERSION_CONFLICT`, never a silently wrong zip.
 */
import path from "node:path";
import { error, SlimfnError, type Diagnostic } from "../diagnostics.js";
import type { ResolvedOptions } from "../options.js";
import { findPackageDir, readPackageJson, realpath, type PackageJson } from "./resolve.js";
import { importLocation } from "./import-location.js";
import { choosePackage } from "./platform-select.js";
import { targetOf } from "./platform.js";
import type { DroppedPackage, PlacedPackage } from "./types.js";

/** A package the bundle imports and slimfn ships: its name and where it was imported from. */
export interface ShipRoot {
  name: string;
  /** Absolute folder the import is resolved from (the importing file's folder). */
  fromDir: string;
  /** Importing file, for messages. */
  importer?: string;
  /** The specifier as written (`sharp/lib/x`), to point at the import in the importer. */
  specifier?: string;
  /** Why it is shipped: named in slimfn's `external`, or native code found in its closure. */
  why?: "external" | "native";
}

export interface ShipPlan {
  packages: PlacedPackage[];
  dropped: DroppedPackage[];
}

interface Edge {
  /** zipDir of the dependent ("" for the function itself). */
  from: string;
  fromName: string;
  name: string;
  realDir: string;
}

/** The folders on the lookup path of a package at `zipDir`, nearest first, ending with "". */
function lookupDirs(zipDir: string): string[] {
  const dirs: string[] = [];
  let dir = zipDir;
  for (;;) {
    dirs.push(dir);
    if (dir === "") return dirs;
    const i = dir.lastIndexOf("node_modules/");
    dir = i <= 0 ? "" : dir.slice(0, i - 1);
  }
}

const slotOf = (dir: string, name: string) => (dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`);
const isInside = (child: string, dir: string) => dir === "" || child === dir || child.startsWith(`${dir}/`);

const rel = (root: string, p: string) => path.relative(root, p).split(path.sep).join("/") || ".";

/**
 * The dependencies Node may load at run time: dependencies, optional ones, required peers.
 * `peer` marks a peer that is not also a dependency: shipped when installed, left out when not.
 */
export function runtimeDependencies(pkg: PackageJson): { name: string; optional: boolean; peer: boolean }[] {
  const out = new Map<string, { optional: boolean; peer: boolean }>();
  for (const name of Object.keys(pkg.dependencies ?? {})) out.set(name, { optional: false, peer: false });
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) out.set(name, { optional: true, peer: false });
  // npm 7+ installs peers; a package that requires its peer breaks without it. Optional peers
  // are probed with try/catch by their dependents, so leaving them out is safe.
  for (const name of Object.keys(pkg.peerDependencies ?? {})) {
    if (out.has(name)) continue;
    out.set(name, { optional: pkg.peerDependenciesMeta?.[name]?.optional === true, peer: true });
  }
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, d]) => ({ name, ...d }));
}

/**
 * Resolve and place the closure of `roots`. Throws a `SlimfnError` with every problem found
 * (unresolvable externals, unreadable packages, symlink loops, version conflicts).
 */
export function planShipment(roots: ShipRoot[], options: ResolvedOptions): ShipPlan {
  const problems: Diagnostic[] = [];
  const bySlot = new Map<string, PlacedPackage>();
  const dropped = new Map<string, DroppedPackage>();
  const edges: Edge[] = [];
  const json = new Map<string, PackageJson>();
  const readJson = (dir: string) => {
    let pkg = json.get(dir);
    if (!pkg) json.set(dir, (pkg = readPackageJson(dir)));
    return pkg;
  };

  const place = (slot: string, name: string, realDir: string, neededBy: string, root: boolean): PlacedPackage => {
    const pkg = readJson(realDir);
    const placed: PlacedPackage = {
      name,
      version: typeof pkg.version === "string" ? pkg.version : "0.0.0",
      realDir,
      zipDir: slot,
      packageJson: pkg,
      neededBy: [neededBy],
      root,
    };
    bySlot.set(slot, placed);
    return placed;
  };
  // A package folder that is the project (node_modules/p1 -> ..) or holds it would ship the
  // project itself: its sources, its keys and the build's own outputs (the previous zip).
  const project = realpath(options.root);
  const isProject = (name: string, realDir: string, via: string) => {
    if (project !== realDir && !project.startsWith(`${realDir}${path.sep}`)) return false;
    problems.push(
      error(
        "PACKAGE_IS_PROJECT",
        `Package "${name}" (needed by ${via}) is ${project === realDir ? "the project itself" : "a folder that holds the project"} (${realDir}): shipping it would put the project's own files, its build outputs and any keys in the zip. Import the project's files by relative path, or let the bundler bundle "${name}" (remove it from slimfn's "external").`,
      ),
    );
    return true;
  };
  const describe = (p: { name: string; realDir: string }) =>
    `${p.name}@${readJson(p.realDir).version ?? "?"} (${p.realDir})`;

  // The function's own imports first: they all need the zip's top-level node_modules.
  const queue: PlacedPackage[] = [];
  const importedFrom = new Map<string, string>();
  const byNameThenFolder = (a: ShipRoot, b: ShipRoot) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.fromDir < b.fromDir ? -1 : a.fromDir > b.fromDir ? 1 : 0;
  for (const r of [...roots].sort(byNameThenFolder)) {
    // The importer is unknown when the import comes from a virtual module (lazy rewriting).
    const where = r.importer ? rel(options.root, r.importer) : `a file in ${rel(options.root, r.fromDir)}`;
    let found: ReturnType<typeof findPackageDir>;
    try {
      found = findPackageDir(r.name, r.fromDir);
      if (found) readJson(found.realDir);
    } catch (e) {
      if (e instanceof SlimfnError) problems.push(...e.diagnostics);
      else throw e;
      continue;
    }
    if (!found) {
      const loc = r.importer ? importLocation(r.importer, r.specifier ?? r.name, options.root) : undefined;
      problems.push(
        error(
          "EXTERNAL_UNRESOLVED",
          `Cannot find package "${r.name}" from ${where}: no node_modules folder on the way up holds it. Install it (npm install ${r.name}) or remove it from slimfn's "external".`,
          loc ? { loc } : {},
        ),
      );
      continue;
    }
    if (isProject(r.name, found.realDir, where)) continue;
    const slot = slotOf("", r.name);
    const existing = bySlot.get(slot);
    if (existing) {
      if (existing.realDir !== found.realDir) {
        problems.push(
          error(
            "SHIP_VERSION_CONFLICT",
            `The function imports two different copies of "${r.name}" and both must sit at ${slot}: ${describe(existing)} imported from ${importedFrom.get(slot)}, and ${describe({ name: r.name, realDir: found.realDir })} imported from ${where}. Install one version for the whole function (npm dedupe, or align the versions in package.json).`,
          ),
        );
      }
      continue;
    }
    importedFrom.set(slot, where);
    queue.push(place(slot, r.name, found.realDir, "function", true));
    edges.push({ from: "", fromName: "function", name: r.name, realDir: found.realDir });
  }
  if (problems.length) throw new SlimfnError(problems);

  /** Where a lookup from `from` for `name` ends in the zip layout as it is now. */
  const lookup = (from: string, name: string) => {
    for (const dir of lookupDirs(from)) {
      const hit = bySlot.get(slotOf(dir, name));
      if (hit) return hit;
    }
    return undefined;
  };

  // Breadth first, so shallow dependencies claim the outer folders as npm's hoisting does.
  for (let i = 0; i < queue.length; i++) {
    const parent = queue[i]!;
    for (const dep of runtimeDependencies(parent.packageJson)) {
      let found: ReturnType<typeof findPackageDir>;
      try {
        found = findPackageDir(dep.name, parent.realDir);
        if (found) readJson(found.realDir);
      } catch (e) {
        if (e instanceof SlimfnError) {
          problems.push(...e.diagnostics);
          continue;
        }
        throw e;
      }
      if (!found) {
        // A peer nobody installed (pnpm without auto-install-peers, yarn 1, npm
        // --legacy-peer-deps) is missing on disk too: the package runs without it there, so the
        // zip mirrors the disk instead of failing the build.
        if (dep.optional || dep.peer) continue;
        problems.push(
          error(
            "EXTERNAL_UNRESOLVED",
            `"${parent.name}" (${parent.realDir}) depends on "${dep.name}", which is not installed where Node would look for it. Run npm install so the shipped package works from the zip.`,
          ),
        );
        continue;
      }
      if (isProject(dep.name, found.realDir, `"${parent.name}"`)) continue;
      // A package left out for one optional edge is asked about again for a required one.
      const droppedBefore = dropped.has(found.realDir);
      if (droppedBefore && dep.optional) continue;
      const choice = choosePackage(readJson(found.realDir), dep.optional, targetOf(options.arch));
      if (choice.keep && droppedBefore) dropped.delete(found.realDir);
      if (!choice.keep) {
        const pkg = readJson(found.realDir);
        dropped.set(found.realDir, {
          name: dep.name,
          version: pkg.version ?? "0.0.0",
          realDir: found.realDir,
          reason: choice.reason ?? "left out for the target platform",
        });
        continue;
      }
      const edge: Edge = { from: parent.zipDir, fromName: parent.name, name: dep.name, realDir: found.realDir };
      const slots = lookupDirs(parent.zipDir).map((dir) => ({ dir, slot: slotOf(dir, dep.name) }));
      let chosen: string | undefined;
      let reused: PlacedPackage | undefined;
      let blocker: PlacedPackage | undefined;
      const free: { dir: string; slot: string }[] = [];
      for (const s of slots) {
        const hit = bySlot.get(s.slot);
        if (!hit) {
          free.push(s);
          continue;
        }
        if (hit.realDir === found.realDir) reused = hit;
        else blocker = hit;
        break;
      }
      if (reused) {
        if (!reused.neededBy.includes(parent.name)) reused.neededBy.push(parent.name);
        edges.push(edge);
        continue;
      }
      // Outermost free folder that does not change what an existing edge resolves to.
      for (const s of [...free].reverse()) {
        const shadows = edges.some(
          (e) =>
            e.name === dep.name &&
            e.realDir !== found.realDir &&
            isInside(e.from, s.dir) &&
            lookup(e.from, dep.name) !== undefined &&
            !isInside(lookup(e.from, dep.name)!.zipDir, s.dir === "" ? "node_modules" : `${s.dir}/node_modules`),
        );
        if (!shadows) {
          chosen = s.slot;
          break;
        }
      }
      if (!chosen) {
        problems.push(
          error(
            "SHIP_VERSION_CONFLICT",
            `"${parent.name}" needs ${describe({ name: dep.name, realDir: found.realDir })}, but ${
              blocker ? describe(blocker) : "another version"
            } already sits where Node would find it from ${parent.zipDir}, and no folder is left to nest it in. Align the versions (npm dedupe) or ship fewer packages unbundled.`,
          ),
        );
        continue;
      }
      queue.push(place(chosen, dep.name, found.realDir, parent.name, false));
      edges.push(edge);
    }
  }

  // Safety net: every edge must resolve, inside the zip, to the copy it resolved to on disk.
  for (const e of edges) {
    const hit = lookup(e.from, e.name);
    if (!hit || hit.realDir !== e.realDir) {
      problems.push(
        error(
          "SHIP_VERSION_CONFLICT",
          `Inside the zip, "${e.fromName}" would load ${hit ? describe(hit) : "nothing"} for "${e.name}" instead of ${describe(e)}. Align the versions (npm dedupe) or ship fewer packages unbundled.`,
        ),
      );
    }
  }
  if (problems.length) throw new SlimfnError(problems);

  const packages = [...bySlot.values()].sort((a, b) => (a.zipDir < b.zipDir ? -1 : a.zipDir > b.zipDir ? 1 : 0));
  for (const p of packages) p.neededBy.sort();
  const droppedList = [...dropped.values()].sort((a, b) => (a.realDir < b.realDir ? -1 : 1));
  return { packages, dropped: droppedList };
}

/** How `closureDirs` finds and reads packages; the registry passes cached versions. */
export interface PackageLookup {
  find: typeof findPackageDir;
  read: typeof readPackageJson;
}

const DIRECT: PackageLookup = { find: findPackageDir, read: readPackageJson };

/**
 * The real folders of a package's closure without placing anything: what native detection
 * scans before the bundler decides whether to bundle an import. Unresolvable optional
 * dependencies are skipped; unresolvable required ones are left to `planShipment` to report.
 */
export function closureDirs(rootRealDir: string, rootName: string, lookup: PackageLookup = DIRECT): { name: string; realDir: string }[] {
  const seen = new Map<string, string>([[rootRealDir, rootName]]);
  const stack = [rootRealDir];
  while (stack.length) {
    const dir = stack.pop()!;
    const pkg = lookup.read(dir);
    for (const dep of runtimeDependencies(pkg)) {
      const found = lookup.find(dep.name, dir);
      if (!found || seen.has(found.realDir)) continue;
      seen.set(found.realDir, dep.name);
      stack.push(found.realDir);
    }
  }
  return [...seen].map(([realDir, name]) => ({ name, realDir })).sort((a, b) => (a.realDir < b.realDir ? -1 : 1));
}
