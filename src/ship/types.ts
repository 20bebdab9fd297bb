/** The data shapes of shipping unbundled packages, shared by closure, copy, select and report. */
import type { PackageJson } from "./resolve.js";

/** A package the function needs at run time, placed in the zip's `node_modules`. */
export interface PlacedPackage {
  name: string;
  version: string;
  /** Real folder on disk (symlinks followed). */
  realDir: string;
  /** Folder in the zip, `/`-separated: `node_modules/debug/node_modules/ms`. */
  zipDir: string;
  /** Its parsed package.json. */
  packageJson: PackageJson;
  /** Who needs it: `"function"` for a package the bundle imports, else the dependents' names. */
  neededBy: string[];
  /** True when the function imports it directly (slimfn `external` or native auto-detection). */
  root: boolean;
}

/** An installed package left out of the zip, with the reason (platform filter, issue 6). */
export interface DroppedPackage {
  name: string;
  version: string;
  realDir: string;
  reason: string;
}

/** One file of a package, before it becomes a zip entry. */
export interface PackageFile {
  /** Path relative to the package root, `/`-separated. */
  rel: string;
  /** Absolute path on disk (real path, symlinks followed). */
  abs: string;
  size: number;
  /** On-disk permission bits, used only to recognise executables. */
  diskMode: number;
  /** `fileStamp` of the file when walked: the shipped-file cache trusts a file whose stamp is unchanged. */
  stamp?: string;
}

/** A file taken out of a package by the selection step, and why. */
export interface RemovedFile {
  rel: string;
  size: number;
  reason: string;
  /**
   * `strip`: a strip rule took it; `platform`: a binary or prebuild for another target;
   * `unpublished`: a linked package's file that npm would not publish (its secrets files, or
   * what its `files` leaves out); `secret`: it looks like a secret (`secrets.ts`), refused.
   */
  kind?: "strip" | "platform" | "unpublished" | "secret";
}

/** What the selection step returns for one package. */
export interface FileSelection {
  keep: PackageFile[];
  removed: RemovedFile[];
}
