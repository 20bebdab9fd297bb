/**
 * What is left out of shipping, and nothing else decides it: which installed packages of a
 * closure fit the target platform (closure.ts asks before placing one), and which files of a
 * placed package are shipped (entries.ts asks for each file list: platform filtering first, then
 * strip rules, then the header check of every binary left).
 */
import fs from "node:fs";
import path from "node:path";
import { SlimfnError, type Diagnostic } from "../diagnostics.js";
import type { ResolvedOptions } from "../options.js";
import { isNativeFile } from "./native.js";
import {
  checkBinaries,
  foreignBinaryError,
  isPlatformPackage,
  nativeMissingError,
  platformMismatch,
  prebuildMismatch,
  targetOf,
  type Target,
} from "./platform.js";
import { findPackageDir, readPackageJson, type PackageJson } from "./resolve.js";
import { planStrip, type StripSettings } from "./strip.js";
import type { FileSelection, PackageFile, PlacedPackage, RemovedFile } from "./types.js";

/** What the core knows about a build that options do not say. */
export interface SelectContext {
  /** The function's output carries source maps: keep the shipped packages' `*.map` too. */
  shipsSourceMaps?: boolean;
}

export function stripSettings(options: ResolvedOptions, context: SelectContext = {}): StripSettings {
  return options.strip === false
    ? { enabled: false, remove: [], keep: [], keepSourceMaps: true }
    : { enabled: true, remove: options.strip.remove, keep: options.strip.keep, keepSourceMaps: context.shipsSourceMaps === true };
}

/**
 * Whether an installed package goes into the zip. Only optional dependencies are left out for
 * the platform: a required one that cannot run is shipped and its binaries fail the header check.
 */
export function choosePackage(pkg: PackageJson, optional: boolean, target: Target): { keep: boolean; reason?: string } {
  if (!optional) return { keep: true };
  const mismatch = platformMismatch(pkg, target);
  return mismatch ? { keep: false, reason: mismatch } : { keep: true };
}

/**
 * A package that lists an optional package for the target (napi-rs, esbuild and sharp name
 * them `<name>-linux-<cpu>[-gnu]`) but has none installed that fits: sharp installed on an x64
 * machine and built for arm64. A package whose optional packages are all for other systems
 * (chokidar's `fsevents`) runs without them and is left alone.
 */
function missingPlatformPackage(pkg: PlacedPackage, target: Target): Diagnostic | undefined {
  const optional = Object.keys(pkg.packageJson.optionalDependencies ?? {}).sort();
  const forTarget = optional.filter((name) => {
    const words = name.toLowerCase().split(/[^a-z0-9]+/);
    return words.includes(target.os) && words.includes(target.cpu) && !words.includes("musl") && !name.includes("linuxmusl");
  });
  if (forTarget.length === 0) return undefined;
  const foreign: string[] = [];
  for (const name of optional) {
    const found = findPackageDir(name, pkg.realDir);
    if (!found) continue;
    const dep = readPackageJson(found.realDir);
    if (!isPlatformPackage(dep)) continue;
    const mismatch = platformMismatch(dep, target);
    if (!mismatch) return undefined;
    foreign.push(`${name} (${mismatch})`);
  }
  const missing = `${forTarget.join(", ")} ${forTarget.length === 1 ? "is" : "are"} not installed`;
  const specs = forTarget.map((name) => {
    const version = lockedVersion(name, pkg);
    return version ? `${name}@${version}` : name;
  });
  return nativeMissingError(pkg.name, pkg.realDir, foreign.length ? `${missing}; installed for other targets: ${foreign.join(", ")}` : missing, target, specs);
}

/**
 * The version of optional package `name` that the project's lockfile names (npm records every
 * platform's optional packages there), else the package's own spec for it, which for native
 * packages (sharp, napi-rs) is an exact version.
 */
function lockedVersion(name: string, pkg: PlacedPackage): string {
  const spec = String(pkg.packageJson.optionalDependencies?.[name] ?? "");
  // The project's lockfile, not one a package ships: start above the outermost node_modules.
  const parts = pkg.realDir.split(path.sep);
  const outer = parts.indexOf("node_modules");
  const start = outer > 0 ? parts.slice(0, outer).join(path.sep) || path.sep : pkg.realDir;
  for (let dir = start; ; dir = path.dirname(dir)) {
    const lock = path.join(dir, "package-lock.json");
    if (fs.existsSync(lock)) {
      try {
        const packages = (JSON.parse(fs.readFileSync(lock, "utf8")) as { packages?: Record<string, { version?: string }> }).packages ?? {};
        const inside = path.relative(dir, pkg.realDir).split(path.sep).join("/");
        const version = packages[`${inside}/node_modules/${name}`]?.version ?? packages[`node_modules/${name}`]?.version;
        if (version) return version;
      } catch {
        // An unreadable lockfile: the spec below still names a version.
      }
    }
    if (path.dirname(dir) === dir) return spec;
  }
}

/** Which files of a placed package are shipped; the rest are reported with a reason and kind. */
export function chooseFiles(
  pkg: PlacedPackage,
  files: PackageFile[],
  options: ResolvedOptions,
  context: SelectContext = {},
): FileSelection {
  const target = targetOf(options.arch);
  const removed: RemovedFile[] = [];
  const rest: PackageFile[] = [];
  for (const f of files) {
    const mismatch = prebuildMismatch(f.rel, target);
    if (mismatch) removed.push({ rel: f.rel, size: f.size, reason: mismatch, kind: "platform" });
    else rest.push(f);
  }
  const plan = planStrip(pkg, rest, stripSettings(options, context));
  for (const r of plan.removed) removed.push({ ...r, kind: "strip" });

  const binaries = checkBinaries(plan.keep, target);
  const removeAsked = new Map(plan.codeKeptAgainstRemove.map((c) => [c.rel, c.glob]));
  const foreign = binaries.filter((b) => b.mismatch && !removeAsked.has(b.rel));
  const problems: Diagnostic[] = [];
  if (foreign.length) problems.push(foreignBinaryError(pkg.name, pkg.realDir, foreign, target));
  // A binary the user asked to remove may go when it cannot load on the target anyway.
  const userDropped = new Set(binaries.filter((b) => b.mismatch && removeAsked.has(b.rel)).map((b) => b.rel));
  const keep = plan.keep.filter((f) => !userDropped.has(f.rel));
  for (const f of plan.keep) {
    if (userDropped.has(f.rel)) {
      const b = binaries.find((x) => x.rel === f.rel)!;
      removed.push({ rel: f.rel, size: f.size, reason: `strip.remove "${removeAsked.get(f.rel)}": ${b.mismatch}`, kind: "platform" });
    }
  }

  // Binaries existed, but none left loads on the target.
  const droppedBinaries = removed.filter((r) => r.kind === "platform" && isNativeFile(r.rel, `${pkg.realDir}/${r.rel}`));
  const targetBinaries = binaries.filter((b) => !b.mismatch);
  if (droppedBinaries.length && targetBinaries.length === 0 && foreign.length === 0) {
    problems.push(
      nativeMissingError(pkg.name, pkg.realDir, `its binaries are all for other platforms (${droppedBinaries.map((d) => d.rel).join(", ")})`, target),
    );
  }
  const missing = missingPlatformPackage(pkg, target);
  if (missing) problems.push(missing);
  if (problems.length) throw new SlimfnError(problems);

  removed.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { keep, removed };
}
