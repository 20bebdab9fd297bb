/**
 * The size model: one schema-versioned JSON document per build, holding `functions[]`.
 * It is what `report: { json }` writes and what `slimfn report` reads and compares.
 *
 * Every collection is sorted before it is written and no field holds a host path, so the same
 * build gives the same bytes. Paths are `/`-separated and relative (to the project root for the
 * zip, to the zip root for files). Sizes are bytes.
 */
import type { LazyDecision } from "../lazy/types.js";
import type { Runtime } from "../runtime.js";
import type { Arch } from "../ship/platform.js";

/** One lazy-import decision as the size model records it (see src/lazy/types.ts). */
export type LazyDecisionModel = LazyDecision;

/** Bumped when a field changes meaning or disappears; adding a field does not bump it. */
export const SCHEMA_VERSION = 1;
/** Marks a JSON file as a slimfn size model. */
export const SCHEMA_ID = "slimfn/size-model";

export interface SizeModel {
  /** Always `"slimfn/size-model"`. */
  schema: typeof SCHEMA_ID;
  /** Schema version, see `SCHEMA_VERSION`. */
  schemaVersion: number;
  /** The bundler that built it. */
  bundler: { name: string; version: string };
  /** One entry per function, sorted by name. */
  functions: FunctionModel[];
  /** The layer zip of shared shipped packages (`layer: true`); absent when none was made. */
  layer?: LayerModel;
}

export interface LayerModel {
  /** Zip path relative to the project root, `null` with `zip: false`. */
  zip: string | null;
  zipBytes: number;
  unzippedBytes: number;
  entryCount: number;
  /** Hex sha256 of the layer zip's bytes. */
  sha256: string;
  /** The packages it holds (folder under `nodejs/`) and the functions that need it. Sorted by path. */
  packages: { name: string; version: string; path: string; functions: string[] }[];
}

export interface FunctionModel {
  /** Function name: entry output path relative to outdir, no extension, `/` turned into `-`. */
  name: string;
  /** Lambda handler string: entry path in the zip without extension, `.`, exported function. */
  handler: string;
  /** Lambda runtime name. */
  runtime: Runtime;
  /** The CPU it was built for (slimfn's `arch`): Lambda's `Architectures` value. */
  arch?: Arch;
  /** Zip path relative to the project root, or `null` when `zip: false`. */
  zip: string | null;
  /** Size of the zip file. With `zip: false`, of the zip that would have been written. */
  zipBytes: number;
  /** Sum of the uncompressed sizes of all zip entries. */
  unzippedBytes: number;
  /** Number of zip entries (files; slimfn writes no folder entries). */
  entryCount: number;
  /** Hex sha256 of the zip's bytes. */
  sha256: string;
  /** Share of Lambda's limits, as fractions (0.5 = half). */
  limits: {
    /** `zipBytes` / 52,428,800 (direct-upload limit, 50 MiB). */
    zipped: number;
    /** `unzippedBytes` / 262,144,000 (unzipped limit including layers, 250 MiB). */
    unzipped: number;
  };
  /** Every zip entry: path in the zip, raw bytes, exact compressed bytes. Sorted by path. */
  files: FileModel[];
  /** npm packages bundled into the function's output. Sorted by name, then version. */
  packages: PackageModel[];
  /** The function's own code (modules outside node_modules) in the bundle. */
  ownCode: { bytes: number; zipBytes: number };
  /**
   * The bundle per output file (entry and chunks, by path in the zip): the same split as
   * `packages` and `ownCode`, file by file. Sorted by path. The treemap and `slimfn why` read it.
   */
  outputs?: OutputModel[];
  /** The import graph from the entry, packages folded into one node each (`slimfn why`). */
  imports?: ImportsModel;
  /** Imports left to the runtime (esbuild's own `external`): not bundled, not shipped. Sorted. */
  runtimeExternals: string[];
  /**
   * Packages shipped unbundled in the zip's `node_modules` (slimfn `external`, native code
   * detected, and their dependency closure). Sorted by path in the zip. Absent when none.
   */
  shipped?: ShippedPackageModel[];
  /** Installed packages of the closure left out of the zip (platform filter), with the reason. */
  droppedPackages?: { name: string; version: string; reason: string }[];
  /** Zip paths of the files added by `include`. Sorted. Absent when none. */
  included?: string[];
  /**
   * Files of shipped packages that look like secrets (by name or content), left out of the zip
   * with the rule they matched; `allowSecrets` ships one on purpose. Sorted by path. Absent
   * when none.
   */
  refused?: { path: string; pattern: string; bytes: number }[];
  /** Init time and memory measured from the extracted zip; absent when not measured. */
  init?: InitModel;
  /**
   * Lazy-import decisions for the function's own modules (module, mode, importer, line,
   * `bytesMoved` out of the init path). Sorted by importer, line, module. Absent when none.
   * A module still reached at init by a static import counts as `eager` (LAZY_STILL_EAGER).
   */
  lazy?: LazyDecisionModel[];
}

export interface ShippedPackageModel {
  name: string;
  version: string;
  /** Folder in the zip (`node_modules/debug/node_modules/ms`). */
  path: string;
  /** True when the function imports it (not only a dependency of a shipped package). */
  direct: boolean;
  /** In the build's layer zip (`layer: true`) instead of this function's zip. */
  inLayer?: boolean;
  /** Why a direct package is shipped: named in slimfn's `external`, or native code detected. */
  reason?: "external" | "native";
  /** Names of the shipped packages that depend on it (`function` for the bundle itself). Sorted. */
  neededBy: string[];
  /** Files shipped. */
  files: number;
  /** Raw bytes shipped. */
  bytes: number;
  /** Compressed bytes of its zip entries (exact, summed per entry). */
  zipBytes: number;
  /** Native binaries it ships, relative to its folder. Sorted. */
  native: string[];
  /** Files and bytes left out: `stripped` + `droppedBinaries` + `unpublished` + refused secrets. */
  removed: { files: number; bytes: number };
  /** Files and bytes left out by strip rules (docs, tests, declarations, maps, `strip.remove`). */
  stripped: { files: number; bytes: number };
  /**
   * A linked package's files that npm would not publish (its `.env`/`.npmrc`, or what its
   * `files` leaves out), left out. Absent when none.
   */
  unpublished?: { files: number; bytes: number };
  /** Binaries and prebuilds for another platform left out, with the reason. Sorted by path. */
  droppedBinaries: { path: string; bytes: number; reason: string }[];
}

export interface InitModel {
  /** Timed runs (each a fresh node process), interleaved with as many bare node starts. */
  runs: number;
  /** Median process start to handler imported, ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median start of a bare `node` measured in the same run, ms. */
  bareNodeMs: number;
  /** medianMs / bareNodeMs. */
  ratio: number;
  /** Median resident memory after init, bytes. */
  rssBytes: number;
  /** Node version that measured it (`v20.20.0`): compare figures only from the same major. */
  node: string;
  /**
   * With `verify.event`: the one invocation after the timed runs. `preview` is the JSON result
   * (or the error) cut to 300 characters.
   */
  invocation?: { ok: boolean; ms: number; preview: string };
  /**
   * With `verify.events` (or `slimfn measure --event ... --report`): per event, the whole cold
   * start of a request of that kind, medians over `runs` fresh processes. Sorted as given.
   */
  events?: EventColdModel[];
}

export interface EventColdModel {
  /** The event's name: its file name without `.json` (`event` for an inline object). */
  event: string;
  runs: number;
  /** Median init (process start to handler imported) of these processes, ms. */
  initMs: number;
  /** Median first invocation (the call to the answer), ms. */
  firstInvocationMs: number;
  /** Median of init + first invocation per process ("cold total"), ms, with its min and max. */
  coldMs: number;
  minColdMs: number;
  maxColdMs: number;
  /** Median resident memory after the first invocation, bytes. */
  rssBytes: number;
  /** Every process answered the event without throwing. */
  ok: boolean;
  /** Lazy imports the first invocation loaded (specifiers, sorted). */
  lazyLoaded: string[];
  /**
   * With a base artifact measured in the same rounds (`slimfn measure --base`): its medians,
   * the ratio of cold totals (head / base), the median paired difference and the run's noise
   * (twice the median absolute deviation of the differences), the rounds in which the head was
   * slower; `worse` when the difference exceeds the noise or a one-sided sign test over the
   * rounds puts chance below 5%.
   */
  base?: { initMs: number; firstInvocationMs: number; coldMs: number; ratio: number; differenceMs: number; noiseMs: number; slowerRounds: number; worse: boolean };
}

export interface ImportsModel {
  /** The entry's source module, relative to the project root (`src/handler.ts`). */
  entry: string;
  /**
   * Imports between the function's own modules (by path) and npm packages (by name; imports
   * inside one package are left out). `kind`: `static`, `require`, `dynamic` (`import()`) or
   * `lazy` (slimfn defers it). Packages left external (shipped, or the runtime's) appear too.
   * Sorted by from, to, kind.
   */
  edges: { from: string; to: string; kind: "static" | "require" | "dynamic" | "lazy" }[];
  /** Nodes evaluated at init (reached without a lazy or dynamic edge). Sorted. */
  atInit: string[];
}

export interface OutputModel {
  /** Path of the output file in the zip (`handler.mjs`, `chunk-X.mjs`). */
  path: string;
  /** Own code's bytes in this file and its share of the file's compressed size. */
  ownCode: { bytes: number; zipBytes: number };
  /** Bundled packages with bytes in this file, as in `packages`. Sorted by name, then version. */
  packages: PackageModel[];
}

export interface FileModel {
  /** Path inside the zip. */
  path: string;
  /** Uncompressed bytes. */
  bytes: number;
  /** Compressed bytes of this entry's data in the zip (exact). */
  zipBytes: number;
}

export interface PackageModel {
  /** Package name (`@aws-sdk/client-s3`). */
  name: string;
  /** `version` from the package's own package.json, `""` when it has none. */
  version: string;
  /** Bytes of the package's modules in the bundle output (esbuild `bytesInOutput`, summed). */
  bytes: number;
  /**
   * The package's share of the compressed bundle: each output file's exact compressed size,
   * split in proportion to raw bytes. (Summing per-module gzip sizes would overstate the real
   * total by about 27%.)
   */
  zipBytes: number;
}
