/**
 * Everything one function ships besides its bundle: the packages it imports unbundled (with
 * their closure) and the `include`d files, as zip entries; and, once zipped, what each shipped
 * package weighs, exactly, per zip entry.
 */
import type { FunctionOutput } from "../build-output.js";
import type { BuildCache } from "../cache/build-cache.js";
import { error, SlimfnError, warning, type Diagnostic } from "../diagnostics.js";
import type { ResolvedOptions } from "../options.js";
import type { ShippedPackageModel } from "../report/model.js";
import type { ZipEntryInfo, ZipEntryInput } from "../zip/write.js";
import { planShipment } from "./closure.js";
import { shipmentEntries, type ShippedPackageFiles } from "./entries.js";
import type { ShipRegistry } from "./externals.js";
import { includedFiles, type IncludedFiles } from "./include.js";
import type { DroppedPackage } from "./types.js";

export interface FunctionShipment {
  /** `node_modules/...` entries of the shipped packages, then the included files. */
  entries: ZipEntryInput[];
  packages: ShippedPackageFiles[];
  dropped: DroppedPackage[];
  /** Zip paths of included files. */
  included: string[];
  /** Specifiers the bundler left external because slimfn ships them. */
  shippedSpecifiers: Set<string>;
  /** Why each directly imported package is shipped. */
  reasons: Map<string, "external" | "native">;
}

/** A function-name glob (`api-*`, `*`) as a test: `*` any characters, `?` one. */
function nameMatcher(glob: string): (name: string) => boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".")}$`);
  return (name) => re.test(name);
}

/**
 * `include` keys (function-name globs) that match none of `names`: a typo would ship nothing.
 * The array form's one group is for every function and never fails.
 */
export function unmatchedIncludeKeys(options: ResolvedOptions, names: readonly string[]): Diagnostic[] {
  const known = [...names].sort().join(", ") || "none";
  return options.include
    .filter((g) => g.functions !== "*" && !names.some(nameMatcher(g.functions)))
    .map((g) =>
      error(
        "OPTION_INVALID",
        `The include key ${JSON.stringify(g.functions)} matches no function of this build. Functions: ${known}. Keys are function names, * matching any characters ("api-*", or "*" for every function).`,
      ),
    );
}

/**
 * Read each group of `include` globs once per build, and give every function the files of the
 * groups whose key matches its name. `outputs` are what the build writes (output folder, zips,
 * size model), which are never included.
 */
export function readIncludes(options: ResolvedOptions, outputs: readonly string[], names: readonly string[]): { of(name: string): IncludedFiles; diagnostics: Diagnostic[] } {
  const unmatched = unmatchedIncludeKeys(options, names);
  if (unmatched.length) throw new SlimfnError(unmatched);
  const groups = options.include.map((g) => ({ matches: nameMatcher(g.functions), files: includedFiles(g.globs, options.root, outputs, options.allowSecrets) }));
  return {
    diagnostics: groups.flatMap((g) => g.files.diagnostics),
    of(name) {
      const entries = new Map<string, ZipEntryInput>();
      for (const g of groups) if (g.matches(name)) for (const e of g.files.entries) entries.set(e.path, e);
      return { entries: [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), diagnostics: [] };
    },
  };
}

export function shipFunction(
  fn: FunctionOutput,
  registry: ShipRegistry | undefined,
  include: IncludedFiles,
  options: ResolvedOptions,
  cache?: BuildCache,
): FunctionShipment {
  const roots = registry ? registry.rootsFor(fn.externals, new Set(fn.modules.map((m) => m.path))) : [];
  const plan = planShipment(roots, options);
  // Source maps in the function's output: the user ships them, so shipped packages keep theirs.
  const { entries, packages } = shipmentEntries(plan, options, { shipsSourceMaps: fn.files.some((f) => f.endsWith(".map")) }, cache);
  const reasons = new Map<string, "external" | "native">();
  for (const r of roots) if (r.why) reasons.set(r.name, r.why);
  return {
    entries: [...entries, ...include.entries],
    packages,
    dropped: plan.dropped,
    included: include.entries.map((e) => e.path),
    shippedSpecifiers: new Set(fn.externals.map((e) => e.specifier).filter((s) => registry?.isShipped(s))),
    reasons,
  };
}

const tally = (files: readonly { size: number }[]) => ({ files: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) });

/** The size model's view of the shipped packages, with exact compressed bytes per entry. */
export function shippedModel(shipment: FunctionShipment, zipEntries: readonly ZipEntryInfo[]): ShippedPackageModel[] {
  const byPath = new Map(zipEntries.map((e) => [e.path, e]));
  return shipment.packages.map((p): ShippedPackageModel => {
    let zipBytes = 0;
    for (const path of p.paths) zipBytes += byPath.get(path)?.zipBytes ?? 0;
    const model: ShippedPackageModel = {
      name: p.pkg.name,
      version: p.pkg.version,
      path: p.pkg.zipDir,
      direct: p.pkg.root,
      neededBy: [...p.pkg.neededBy],
      files: p.paths.length,
      bytes: p.bytes,
      zipBytes,
      native: [...p.native].sort(),
      removed: tally(p.removed),
      stripped: tally(p.removed.filter((r) => r.kind !== "platform" && r.kind !== "unpublished" && r.kind !== "secret")),
      droppedBinaries: p.removed.filter((r) => r.kind === "platform").map((r) => ({ path: r.rel, bytes: r.size, reason: r.reason })),
    };
    const unpublished = p.removed.filter((r) => r.kind === "unpublished");
    if (unpublished.length) model.unpublished = tally(unpublished);
    const reason = p.pkg.root ? shipment.reasons.get(p.pkg.name) : undefined;
    if (reason) model.reason = reason;
    return model;
  });
}


/** The size model's list of refused secrets files, by zip path. */
export function refusedModel(shipment: FunctionShipment): { path: string; pattern: string; bytes: number }[] {
  return shipment.packages
    .flatMap((p) => p.removed.filter((r) => r.kind === "secret").map((r) => ({ path: `${p.pkg.zipDir}/${r.rel}`, pattern: r.reason, bytes: r.size })))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * `SECRET_ALLOW_UNUSED` for `allowSecrets` entries that name no zip entry of any function: a
 * typo, or a path that is not where the file sits in the zip, would otherwise go unnoticed.
 */
export function unusedSecretAllowances(options: ResolvedOptions, zipPaths: Iterable<string>): Diagnostic[] {
  const shipped = new Set(zipPaths);
  return options.allowSecrets
    .filter((p) => !shipped.has(p))
    .map((p) =>
      warning(
        "SECRET_ALLOW_UNUSED",
        `allowSecrets lists ${JSON.stringify(p)}, but no function of this build ships a file at that zip path. Fix the path (as in the zip: certs/client.key, node_modules/pkg/.npmrc) or remove it.`,
      ),
    );
}

/** Notes the registry gathered while the bundler ran (native packages shipped automatically). */
export function registryNotes(registry: ShipRegistry | undefined): Diagnostic[] {
  return registry ? [...registry.diagnostics, ...registry.unmatchedExternals()] : [];
}
