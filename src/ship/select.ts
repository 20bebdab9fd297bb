/**
 * The two places where issue 6 (strip rules in `strip*.ts`, platform filtering in
 * `platform*.ts`) plugs into shipping. Every installed package of a closure passes through
 * `selectPackage` before it is placed, and every package's file list passes through
 * `selectFiles` before it becomes zip entries; nothing else decides what is left out.
 * The decisions live in `platform-select.ts` (platform filter, strip rules, binary headers).
 */
import type { ResolvedOptions } from "../options.js";
import { chooseFiles, choosePackage, type SelectContext } from "./platform-select.js";
import { targetOf } from "./platform.js";
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
  packageJson: PackageJson,
  _realDir: string,
  optional: boolean,
  options: ResolvedOptions,
): PackageChoice {
  return choosePackage(packageJson, optional, targetOf(options.arch));
}

/** Which files of a placed package are shipped; the rest are reported with a reason. */
export function selectFiles(
  pkg: PlacedPackage,
  files: PackageFile[],
  options: ResolvedOptions,
  context: SelectContext = {},
): FileSelection {
  return chooseFiles(pkg, files, options, context);
}
