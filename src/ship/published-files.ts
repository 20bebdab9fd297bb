/**
 * A linked package (npm workspaces, `file:` dependencies: a symlink to a source folder, so its
 * real folder is outside any node_modules) holds everything its developers keep there: sources,
 * coverage, a `.env` with secrets. An installed package holds what its author published. For a
 * linked package whose package.json lists `files`, ship what npm would publish: the `files`
 * entries (a folder covers what is under it; `!` entries leave their matches out), every
 * package.json, licence and notice files, and whatever the manifest makes reachable (main,
 * exports, bin). Installed packages, pnpm's store copies included, are left as they are.
 */
import path from "node:path";
import { globCovers, normaliseGlob } from "./glob-match.js";
import { matchUserGlobs, type UserGlob } from "./strip.js";
import { manifestReachable } from "./strip-reachable.js";
import { isLicence, isPackageJson } from "./strip-rules.js";
import type { PackageFile, PlacedPackage, RemovedFile } from "./types.js";

/** True when the package's real folder is a source folder, not an installed copy. */
export function isLinkedPackage(realDir: string): boolean {
  return !realDir.split(path.sep).includes("node_modules");
}

/** Relative paths the `files` patterns match among `rels` (folders cover what is under them). */
function matching(patterns: readonly string[], rels: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const pattern of patterns) {
    const glob = normaliseGlob(pattern.replace(/^\/+/, ""));
    if (!glob || glob === "." || glob.startsWith("..")) continue;
    const covers = globCovers(glob);
    for (const rel of rels) if (covers(rel)) out.add(rel);
  }
  return out;
}

/**
 * Split a package's files into the published ones and the rest (reported as stripped, with the
 * reason). `keep` globs (`strip.keep`) always win, as they do over strip rules. A linked package
 * without `files` ships its folder; files that look like secrets are refused later, for every
 * package alike (`secrets.ts`).
 */
export function publishedFiles(
  pkg: PlacedPackage,
  files: PackageFile[],
  keep: readonly UserGlob[],
): { keep: PackageFile[]; removed: RemovedFile[] } {
  const listed = pkg.packageJson.files;
  if (!isLinkedPackage(pkg.realDir)) return { keep: files, removed: [] };
  // Without `files` the folder ships; its secrets files are refused after selection (secrets.ts).
  if (!Array.isArray(listed) || !listed.every((f) => typeof f === "string")) return { keep: files, removed: [] };
  const patterns = listed as string[];
  const rels = files.map((f) => f.rel);
  const included = matching(patterns.filter((p) => !p.startsWith("!")), rels);
  const excluded = matching(patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1)), rels);
  const reachable = manifestReachable(pkg.packageJson, new Set(rels));
  const kept = keep.length ? matchUserGlobs(keep, pkg.name, pkg.realDir, rels) : new Map();
  const out: PackageFile[] = [];
  const removed: RemovedFile[] = [];
  for (const f of files) {
    const published = (included.has(f.rel) && !excluded.has(f.rel)) || isPackageJson(f.rel) || isLicence(f.rel) || reachable.has(f.rel);
    if (published || kept.has(f.rel)) out.push(f);
    else removed.push({ rel: f.rel, size: f.size, reason: 'not in the "files" of a linked package (npm would not publish it)', kind: "unpublished" });
  }
  return { keep: out, removed };
}
