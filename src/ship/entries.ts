/**
 * Turn a shipment plan into zip entries: each placed package's files, after the selection step
 * (strip rules and platform filtering, issue 6), at `<zipDir>/<rel>`. Bin targets are marked
 * executable; other modes are decided from content by the zip writer. With the build cache, a
 * package whose files and decision inputs are unchanged is not decided again, and a file whose
 * stamp is unchanged is not read: its deflated bytes come from the cache by content hash.
 */
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError, type Diagnostic } from "../diagnostics.js";
import type { ResolvedOptions } from "../options.js";
import { BuildCache, decisionRulesVersion } from "../cache/build-cache.js";
import { sha256 } from "../cache/store.js";
import { ZIP_LEVEL, type Deflated, type ZipEntryInput } from "../zip/write.js";
import type { ShipPlan } from "./closure.js";
import { listPackageTree } from "./files.js";
import { isLinkedPackage, publishedFiles } from "./published-files.js";
import { judgePackageFile } from "./secrets.js";
import { isNativeFile } from "./native.js";
import { chooseFiles, type SelectContext } from "./platform-select.js";
import { installFolders, outsideLinks, packageLinkScope } from "./symlinks.js";
import type { FileSelection, PackageFile, PlacedPackage, RemovedFile } from "./types.js";

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
  cache?: BuildCache,
): { entries: ZipEntryInput[]; packages: ShippedPackageFiles[] } {
  const entries: ZipEntryInput[] = [];
  const packages: ShippedPackageFiles[] = [];
  const problems: Diagnostic[] = [];
  const planKey = cache ? planFingerprint(plan) : "";
  for (const pkg of plan.packages) {
    const listed = listPackageTree(pkg.realDir, packageLinkScope(pkg.realDir, installFolders(pkg.realDir, options.root)));
    // Links out of the package are judged on every build (they are few and cheap to judge).
    const links = outsideLinks(pkg, listed.outside, options);
    problems.push(...links.problems);
    const files = listed.files;
    const cached = cache && cachedSelection(cache, pkg, files, options, context, planKey);
    const selection = cached?.selection ?? selectPackageFiles(pkg, files, options, context);
    const keep = selection.keep;
    const removed = [...links.removed, ...selection.removed].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    const bins = binTargets(pkg);
    const shipped: ShippedPackageFiles = { pkg, paths: [], bytes: 0, native: [], removed };
    const known: Record<string, KnownFile> = {};
    const packed = cache && cached ? packedFiles(cache, keep, cached.files) : undefined;
    const hashes: string[] = [];
    for (const [i, file] of keep.entries()) {
      const zipPath = `${pkg.zipDir}/${file.rel}`;
      const prior = cached?.files[file.rel];
      const deflated = packed?.[i] ?? (prior && prior.stamp === file.stamp ? cache!.deflatedOf(prior.hash, ZIP_LEVEL) : undefined);
      let entry: ZipEntryInput;
      let native: boolean;
      if (deflated) {
        entry = { path: zipPath, deflated };
        native = prior!.native;
      } else {
        const data = readShipped(file.abs, pkg.name);
        const contentHash = cache ? sha256(data) : undefined;
        entry = contentHash ? { path: zipPath, data, contentHash } : { path: zipPath, data };
        native = isNativeFile(file.rel, file.abs, data);
      }
      if (cache && file.stamp) known[file.rel] = { stamp: file.stamp, hash: entry.contentHash ?? prior!.hash, native };
      if (cache) hashes.push(entry.contentHash ?? prior!.hash);
      if (bins.has(file.rel)) entry.executable = true;
      entries.push(entry);
      shipped.paths.push(zipPath);
      shipped.bytes += entry.deflated?.size ?? entry.data!.byteLength;
      if (native) shipped.native.push(file.rel);
    }
    if (cache) saveSelection(cache, pkg, files, selection, known, options, context, planKey, cached);
    // Not read from a pack: ask for one, written once the files' deflated bytes are known.
    if (cache && !packed && hashes.length) cache.packedOf(hashes, ZIP_LEVEL);
    packages.push(shipped);
  }
  if (problems.length) throw new SlimfnError(problems);
  return { entries, packages };
}

/** The selection step of one package: what npm would publish of a linked one, then the rules. */
function selectPackageFiles(pkg: PlacedPackage, files: PackageFile[], options: ResolvedOptions, context: SelectContext): FileSelection {
  const published = publishedFiles(pkg, files, options.strip === false ? [] : options.strip.keep);
  const selection = chooseFiles(pkg, published.keep, options, context);
  const secrets = refuseSecrets(pkg, selection.keep, options);
  const removed = [...published.removed, ...selection.removed, ...secrets.removed].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { keep: secrets.keep, removed };
}

/**
 * Last step of the selection: files that look like secrets are refused (left out, listed) unless
 * `allowSecrets` names their zip path; a linked package's code holding one fails the build.
 */
function refuseSecrets(pkg: PlacedPackage, files: PackageFile[], options: ResolvedOptions): FileSelection {
  const judged = { name: pkg.name, realDir: pkg.realDir, linked: isLinkedPackage(pkg.realDir) };
  const keep: PackageFile[] = [];
  const removed: RemovedFile[] = [];
  const problems: Diagnostic[] = [];
  for (const file of files) {
    const zipPath = `${pkg.zipDir}/${file.rel}`;
    const secret = options.allowSecrets.includes(zipPath) ? {} : judgePackageFile(judged, file.rel, file.size, zipPath, () => readShipped(file.abs, pkg.name));
    if (secret.fail) problems.push(secret.fail);
    else if (secret.refuse) removed.push({ rel: file.rel, size: file.size, reason: secret.refuse.pattern, kind: "secret" });
    else keep.push(file);
  }
  if (problems.length) throw new SlimfnError(problems);
  return { keep, removed };
}

/**
 * The deflated bytes of all kept files from the package's pack, when every one of them is
 * unchanged since the cache saw it (same stamp): the pack is found by their content hashes.
 */
function packedFiles(cache: BuildCache, keep: readonly PackageFile[], known: Record<string, KnownFile>): Deflated[] | undefined {
  if (!keep.length) return undefined;
  const hashes: string[] = [];
  for (const file of keep) {
    const prior = known[file.rel];
    if (!prior || !file.stamp || prior.stamp !== file.stamp) return undefined;
    hashes.push(prior.hash);
  }
  return cache.packedOf(hashes, ZIP_LEVEL);
}

function readShipped(abs: string, name: string): Buffer {
  try {
    return fs.readFileSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new SlimfnError(error("PACKAGE_UNREADABLE", `Cannot read ${abs} of package "${name}" (${code}). Reinstall the package or fix its permissions.`));
  }
}

/** What the cache knows of a shipped file: its stamp when read, content hash, native verdict. */
interface KnownFile {
  stamp: string;
  hash: string;
  native: boolean;
}

/** A package's record in the cache: the decision, the inputs it was made from, its files. */
interface PackageRecord {
  /** Everything the decision depends on besides the files: rules version, options, closure. */
  inputs: string;
  /** Every file of the package as walked (rel and stamp), kept or not. */
  walked: [string, string][];
  keep: string[];
  removed: RemovedFile[];
  files: Record<string, KnownFile>;
}

/**
 * The decision inputs besides the package's own files: slimfn's rules (its code), the options
 * the rules read, whether the function ships source maps, and the closure the package sits in
 * (which optional packages are installed decides platform errors).
 */
function decisionInputs(pkg: PlacedPackage, options: ResolvedOptions, context: SelectContext, planKey: string): string {
  return sha256(JSON.stringify([decisionRulesVersion(), pkg.name, pkg.version, pkg.zipDir, options.strip, options.allowSecrets, options.arch, context.shipsSourceMaps === true, planKey]));
}

function planFingerprint(plan: ShipPlan): string {
  return sha256(JSON.stringify([plan.packages.map((p) => [p.name, p.version, p.realDir, p.zipDir]), plan.dropped.map((d) => [d.name, d.version, d.realDir])]));
}

const recordKey = (pkg: PlacedPackage) => sha256(`${pkg.realDir}\0${pkg.name}`);

/**
 * The cached decision when nothing it depends on changed (every file's stamp, the inputs), and
 * the cached per-file knowledge either way: a changed file invalidates only its own entry.
 */
function cachedSelection(
  cache: BuildCache,
  pkg: PlacedPackage,
  files: PackageFile[],
  options: ResolvedOptions,
  context: SelectContext,
  planKey: string,
): { selection?: FileSelection; files: Record<string, KnownFile> } | undefined {
  const record = cache.record<PackageRecord>("package", recordKey(pkg));
  if (!record) return undefined;
  const same =
    record.inputs === decisionInputs(pkg, options, context, planKey) &&
    record.walked.length === files.length &&
    files.every((f, i) => record.walked[i]![0] === f.rel && record.walked[i]![1] === f.stamp);
  if (!same) return { files: record.files };
  const keep = new Set(record.keep);
  return { selection: { keep: files.filter((f) => keep.has(f.rel)), removed: record.removed }, files: record.files };
}

function saveSelection(
  cache: BuildCache,
  pkg: PlacedPackage,
  files: PackageFile[],
  selection: FileSelection,
  known: Record<string, KnownFile>,
  options: ResolvedOptions,
  context: SelectContext,
  planKey: string,
  cached: { selection?: FileSelection } | undefined,
): void {
  if (cached?.selection) {
    cache.packagesReused++;
    return;
  }
  cache.packagesDecided++;
  if (files.some((f) => !f.stamp)) return;
  const record: PackageRecord = {
    inputs: decisionInputs(pkg, options, context, planKey),
    walked: files.map((f) => [f.rel, f.stamp!]),
    keep: selection.keep.map((f) => f.rel),
    removed: selection.removed,
    files: known,
  };
  cache.saveRecord("package", recordKey(pkg), record);
}
