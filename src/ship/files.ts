/**
 * The files of one installed package, read from its real folder. Nested `node_modules` folders
 * are not walked: the packages in them are dependencies, placed by the closure on their own.
 * Symlinks inside a package are followed (their target's bytes are shipped); a link that leads
 * back into a folder being walked is a `SYMLINK_LOOP`.
 */
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError } from "../diagnostics.js";
import { realpath } from "./resolve.js";
import type { PackageFile } from "./types.js";

function unreadable(p: string, e: unknown): SlimfnError {
  const code = (e as NodeJS.ErrnoException).code ?? String(e);
  return new SlimfnError(
    error("PACKAGE_UNREADABLE", `Cannot read ${p} (${code}). Reinstall the package (npm install) or fix its permissions.`),
  );
}

interface WalkedFile {
  /** Path relative to the package root, `/`-separated. */
  rel: string;
  /** Real path of the file (symlinks followed). */
  real: string;
  /** Only when the walk was asked for stats. */
  stat?: fs.Stats;
}

/**
 * Walk the files of the package at `realDir`, folders in name order, following symlinks and
 * skipping nested `node_modules`. With `withStat` false it reads directory entries only (no
 * `stat` per plain file), which is what the per-package native check needs to stay cheap.
 */
function* walkPackage(realDir: string, withStat: boolean): Generator<WalkedFile> {
  // Real paths of the folders on the current walk path: a link into one of them loops.
  const walking = new Set<string>();
  function* walk(absDir: string, realAbs: string, relDir: string): Generator<WalkedFile> {
    walking.add(realAbs);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      throw unreadable(absDir, e);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name === "node_modules" && (entry.isDirectory() || entry.isSymbolicLink())) continue;
      const abs = path.join(absDir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let real = abs;
      let stat: fs.Stats | undefined;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      try {
        if (entry.isSymbolicLink()) real = realpath(abs);
        if (withStat || entry.isSymbolicLink()) {
          stat = fs.statSync(real);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
        }
      } catch (e) {
        if (e instanceof SlimfnError) throw e;
        throw unreadable(abs, e);
      }
      if (isDir) {
        if (walking.has(real)) {
          throw new SlimfnError(
            error(
              "SYMLINK_LOOP",
              `Symlink loop in ${realDir}: ${rel} links back to ${real}, a folder that contains it. Remove the link or point it at a file.`,
            ),
          );
        }
        yield* walk(abs, real, rel);
      } else if (isFile) {
        yield withStat ? { rel, real, stat } : { rel, real };
      }
    }
    walking.delete(realAbs);
  }
  yield* walk(realDir, realDir, "");
}

/** Every file of the package at `realDir`, sorted by relative path. */
export function listPackageFiles(realDir: string): PackageFile[] {
  const out: PackageFile[] = [];
  for (const f of walkPackage(realDir, true)) out.push({ rel: f.rel, abs: f.real, size: f.stat!.size, diskMode: f.stat!.mode & 0o777 });
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * The first native file of a package (relative path), or null. The bundler asks this for every
 * package it meets, so it stops at the first hit and stats nothing but symlinks.
 */
export function firstNativeFile(realDir: string, isNative: (rel: string, abs: string) => boolean): string | null {
  for (const f of walkPackage(realDir, false)) if (isNative(f.rel, f.real)) return f.rel;
  return null;
}
