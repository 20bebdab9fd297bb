/**
 * The two places where issue 6 (strip rules in `strip*.ts`, platform filtering in
 * `platform*.ts`) plugs into shipping. Every installed package of a closure passes through
 * `selectPackage` before it is placed, and every package's file list passes through
 * `selectFiles` before it becomes zip entries; nothing else decides what is left out.
 * Until those rules land, every installed package and every file is shipped: part 2 (issue 3)
 * ships each package whole so that it works from the extracted zip.
 */
import type { ResolvedOptions } from "../options.js";
import type { PackageJson } from "./resolve.js";
import type { FileSelection, PackageFile, PlacedPackage } from "./types.js";

export interface PackageChoice {
  keep: boolean;
  /** Why it is left out, for the summary (`"os [darwin] excludes linux"`). */
  reason?: string;
}

/**
 * Whether an installed package of the closure goes into the zip. `optional` is true when every
 * dependent lists it under `optionalDependencies` (only those may be dropped for the platform).
 */
export function selectPackage(
  _packageJson: PackageJson,
  _realDir: string,
  _optional: boolean,
  _options: ResolvedOptions,
): PackageChoice {
  return { keep: true };
}

/** Which files of a placed package are shipped; the rest are reported with a reason. */
export function selectFiles(_pkg: PlacedPackage, files: PackageFile[], _options: ResolvedOptions): FileSelection {
  return { keep: files, removed: [] };
}
