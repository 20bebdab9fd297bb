/**
 * Turn a shipment plan into zip entries: each placed package's files, after the selection step
 * (strip rules and platform filtering, issue 6), at `<zipDir>/<rel>`. Bin targets are marked
 * executable; other modes are decided from content by the zip writer.
 */
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError, type Diagnostic } from "../diagnostics.js";
import type { ResolvedOptions } from "../options.js";
import type { ZipEntryInput } from "../zip/write.js";
import type { ShipPlan } from "./closure.js";
import { listPackageTree } from "./files.js";
import { publishedFiles } from "./published-files.js";
import { isNativeFile } from "./native.js";
import type { SelectContext } from "./platform-select.js";
import { selectFiles } from "./select.js";
import { installFolders, outsideLinks, packageLinkScope } from "./symlinks.js";
import type { PlacedPackage, RemovedFile } from "./types.js";

/** What one shipped package contributes, before zipping (zip bytes are added from the zip). */
export interface ShippedPackageFiles {
  pkg: PlacedPackage;
  /** Zip paths of its entries, sorted. */
  paths: string[];
  bytes: number;
  /** Relative paths of native binaries it ships. */
  native: string[];
  removed: RemovedFile[];
}

/** Relative paths (normalised, no `./`) of a package's `bin` targets. */
function binTargets(pkg: PlacedPackage): Set<string> {
  const bin = pkg.packageJson.bin;
  const targets = typeof bin === "string" ? [bin] : bin && typeof bin === "object" ? Object.values(bin) : [];
  return new Set(
    targets.filter((t): t is string => typeof t === "string").map((t) => path.posix.normalize(t.replace(/\\/g, "/"))),
  );
}

export function shipmentEntries(
  plan: ShipPlan,
  options: ResolvedOptions,
  context: SelectContext = {},
): { entries: ZipEntryInput[]; packages: ShippedPackageFiles[] } {
  const entries: ZipEntryInput[] = [];
  const packages: ShippedPackageFiles[] = [];
  const problems: Diagnostic[] = [];
  for (const pkg of plan.packages) {
    const listed = listPackageTree(pkg.realDir, packageLinkScope(pkg.realDir, installFolders(pkg.realDir, options.root)));
    const links = outsideLinks(pkg, listed.outside, options);
    problems.push(...links.problems);
    // A linked workspace package: only what npm would publish of its source folder.
    const published = publishedFiles(pkg, listed.files, options.strip === false ? [] : options.strip.keep);
    const selection = selectFiles(pkg, published.keep, options, context);
    const removed = [...links.removed, ...published.removed, ...selection.removed].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    const bins = binTargets(pkg);
    const shipped: ShippedPackageFiles = { pkg, paths: [], bytes: 0, native: [], removed };
    for (const file of selection.keep) {
      let data: Uint8Array;
      try {
        data = fs.readFileSync(file.abs);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? String(e);
        throw new SlimfnError(
          error("PACKAGE_UNREADABLE", `Cannot read ${file.abs} of package "${pkg.name}" (${code}). Reinstall the package or fix its permissions.`),
        );
      }
      const zipPath = `${pkg.zipDir}/${file.rel}`;
      entries.push(bins.has(file.rel) ? { path: zipPath, data, executable: true } : { path: zipPath, data });
      shipped.paths.push(zipPath);
      shipped.bytes += data.byteLength;
      if (isNativeFile(file.rel, file.abs, data)) shipped.native.push(file.rel);
    }
    packages.push(shipped);
  }
  if (problems.length) throw new SlimfnError(problems);
  return { entries, packages };
}
