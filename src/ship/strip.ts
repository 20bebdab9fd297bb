/**
 * Which files of one shipped package are stripped (issue 6). The order of the rules is the
 * order of trust:
 *  1. protected, always shipped: every package.json, licence and notice files;
 *  2. a candidate is a file matched by the user's `strip.remove` or by a default rule
 *     (`strip-rules.ts`); a name pattern never makes code a candidate, only exact root names
 *     and root folders of the default list may;
 *  3. a candidate is kept when the user's `strip.keep` matches it (keep always wins), when the
 *     manifest makes it reachable (main, exports, imports, bin), or, for the default rules only,
 *     when a path string in the package's own shipped code names it (`strip-references.ts`):
 *     a file the user's `strip.remove` names goes even when code mentions it. Code kept that
 *     way is scanned in turn, until nothing new is kept.
 */
import fs from "node:fs";
import { error, SlimfnError, warning, type Diagnostic } from "../diagnostics.js";
import type { ResolvedOptions } from "../options.js";
import type { PackageJson } from "./resolve.js";
import { globCovers } from "./glob-match.js";
import { isCode, isLicence, isPackageJson, matchDefault } from "./strip-rules.js";
import { manifestReachable } from "./strip-reachable.js";
import { emptyReferences, isReferenced, scanCode } from "./strip-references.js";
import type { PackageFile, RemovedFile } from "./types.js";

/** A user glob, with the package it is aimed at when written `pkgname:glob`. */
export interface UserGlob {
  /** As the user wrote it, for messages. */
  text: string;
  /** Package name from a `pkgname:` prefix; absent means every shipped package. */
  package?: string;
  /** Glob (picomatch syntax) relative to the package root. */
  glob: string;
}

export interface StripSettings {
  /** `strip: false` turns every strip rule off (platform filtering still applies). */
  enabled: boolean;
  remove: readonly UserGlob[];
  keep: readonly UserGlob[];
  /** Keep `*.map` files: the user ships source maps. */
  keepSourceMaps: boolean;
}

const PREFIX = /^((?:@[^/:\s]+\/)?[^/:\s@][^/:\s]*):(.+)$/;

/** Split `pkgname:glob` (or `@scope/name:glob`) from a plain glob. */
export function parseUserGlob(text: string): UserGlob {
  const m = PREFIX.exec(text);
  return m ? { text, package: m[1]!, glob: m[2]! } : { text, glob: text };
}

/**
 * Why a strip glob is unusable, or `undefined`. Checked with the options, so a typo fails the
 * build before anything is zipped.
 */
export function userGlobProblem(text: string): string | undefined {
  const { glob } = parseUserGlob(text);
  if (glob.startsWith("!")) return "a negated glob; put the files to keep in strip.keep instead";
  if (glob.startsWith("/") || /^[A-Za-z]:[\\/]/.test(glob)) return "an absolute path; globs are relative to each package's root";
  if (glob.split("/").includes("..")) return "a path leaving the package (..); globs are relative to each package's root";
  return undefined;
}

/**
 * Relative paths of `files` that `globs` match in the package at `root`, each with the first
 * glob that matched. A glob matching a folder covers everything under it.
 */
export function matchUserGlobs(
  globs: readonly UserGlob[],
  pkgName: string,
  _root: string,
  files: readonly string[],
): Map<string, UserGlob> {
  const out = new Map<string, UserGlob>();
  for (const g of globs) {
    if (g.package !== undefined && g.package !== pkgName) continue;
    // Matched against the listed files, not a walk of the disk that would follow links out.
    const covers = globCovers(g.glob);
    for (const f of files) if (!out.has(f) && covers(f)) out.set(f, g);
  }
  return out;
}

/** A shipped package as its walk listed it: zip paths of the files it keeps, and those it left out. */
export interface ListedPackage {
  pkg: { name: string; realDir: string; zipDir: string };
  paths: readonly string[];
  removed: readonly { rel: string }[];
}

/**
 * `STRIP_GLOB_UNMATCHED` warnings for the user's strip globs that match no file of any package
 * the build ships (a typo, or a `pkgname:` for a package that is bundled, not shipped): such a
 * glob keeps or removes nothing, which the user would not notice otherwise.
 */
export function unmatchedStripGlobs(options: ResolvedOptions, shipped: readonly ListedPackage[]): Diagnostic[] {
  if (options.strip === false) return [];
  const out: Diagnostic[] = [];
  // Every file the walk listed, kept or removed (nested node_modules are packages of their own).
  const seen = new Map<string, { name: string; files: string[] }>();
  for (const p of shipped) {
    const kept = p.paths.map((z) => z.slice(p.pkg.zipDir.length + 1));
    seen.set(p.pkg.realDir, { name: p.pkg.name, files: [...kept, ...p.removed.map((r) => r.rel)] });
  }
  const packages = [...seen.values()];
  for (const [list, globs] of [["strip.remove", options.strip.remove], ["strip.keep", options.strip.keep]] as const) {
    for (const g of globs) {
      const aimed = packages.filter((p) => g.package === undefined || p.name === g.package);
      // Over the files already listed, not a second walk of the disk (links are not followed).
      const covers = globCovers(g.glob);
      const hit = aimed.some((p) => p.files.some(covers));
      if (hit) continue;
      const why =
        aimed.length === 0
          ? g.package === undefined
            ? "this build ships no package unbundled"
            : `"${g.package}" is not shipped unbundled by this build (bundled packages are not stripped; ship it with slimfn's external)`
          : `it matches no file of ${g.package === undefined ? "any shipped package" : `"${g.package}"`} (globs are relative to each package's root and case-sensitive)`;
      out.push(warning("STRIP_GLOB_UNMATCHED", `The ${list} glob "${g.text}" has no effect: ${why}. Fix or remove it.`));
    }
  }
  return out;
}

export interface StripPlan {
  keep: PackageFile[];
  removed: RemovedFile[];
  /** Code files the user's `strip.remove` matched but that were kept (rule 2), by glob. */
  codeKeptAgainstRemove: { rel: string; glob: string }[];
}

/** The package whose files are planned: its name, real folder and manifest. */
export interface StripTarget {
  name: string;
  realDir: string;
  packageJson: PackageJson;
}

function readText(abs: string): string {
  try {
    return fs.readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new SlimfnError(
      error("PACKAGE_UNREADABLE", `Cannot read ${abs} (${code}). Reinstall the package or fix its permissions.`),
    );
  }
}

const CODE_TO_SCAN = /\.(?:js|cjs|mjs)$/;

/** Plan which files of one package are shipped and which are stripped, with the rule. */
export function planStrip(pkg: StripTarget, files: readonly PackageFile[], settings: StripSettings): StripPlan {
  if (!settings.enabled) return { keep: [...files], removed: [], codeKeptAgainstRemove: [] };
  const rels = files.map((f) => f.rel);
  const all = new Set(rels);
  const userRemove = settings.remove.length ? matchUserGlobs(settings.remove, pkg.name, pkg.realDir, rels) : new Map();
  const codeKeptAgainstRemove: StripPlan["codeKeptAgainstRemove"] = [];

  // 1 and 2: protected files are never candidates; name patterns never take code.
  const candidates = new Map<string, string>();
  // Asked for by name: path strings in the package's code do not overrule the user.
  const explicit = new Set<string>();
  for (const rel of rels) {
    if (isPackageJson(rel) || isLicence(rel)) continue;
    const user = userRemove.get(rel);
    if (user && isCode(rel)) {
      codeKeptAgainstRemove.push({ rel, glob: user.text });
    } else if (user) {
      candidates.set(rel, `strip.remove "${user.text}"`);
      explicit.add(rel);
      continue;
    }
    const match = matchDefault(rel, all, settings.keepSourceMaps);
    if (match && (match.rootAnchored || !isCode(rel))) candidates.set(rel, `default rule: ${match.rule}`);
  }
  if (candidates.size === 0) return { keep: [...files], removed: [], codeKeptAgainstRemove };

  // 3: reasons to keep a candidate. Keep globs and the manifest first (cheap), then path strings.
  const kept = new Set<string>();
  const userKeep = settings.keep.length ? matchUserGlobs(settings.keep, pkg.name, pkg.realDir, rels) : new Map();
  for (const rel of candidates.keys()) if (userKeep.has(rel)) kept.add(rel);
  for (const rel of manifestReachable(pkg.packageJson, all)) if (candidates.has(rel)) kept.add(rel);

  const byRel = new Map(files.map((f) => [f.rel, f]));
  const refs = emptyReferences();
  let toScan = rels.filter((rel) => CODE_TO_SCAN.test(rel) && (!candidates.has(rel) || kept.has(rel)));
  const scanned = new Set<string>();
  while (toScan.length) {
    for (const rel of toScan) {
      scanned.add(rel);
      scanCode(rel, readText(byRel.get(rel)!.abs), refs);
    }
    toScan = [];
    for (const rel of candidates.keys()) {
      if (kept.has(rel) || explicit.has(rel) || !isReferenced(rel, refs)) continue;
      kept.add(rel);
      if (CODE_TO_SCAN.test(rel) && !scanned.has(rel)) toScan.push(rel);
    }
  }
  const keep: PackageFile[] = [];
  const removed: RemovedFile[] = [];
  for (const f of files) {
    const reason = candidates.get(f.rel);
    if (reason === undefined || kept.has(f.rel)) keep.push(f);
    else removed.push({ rel: f.rel, size: f.size, reason });
  }
  return { keep, removed, codeKeptAgainstRemove };
}
