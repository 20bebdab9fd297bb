/**
 * The files of one installed package, read from its real folder. Nested `node_modules` folders
 * are not walked: the packages in them are dependencies, placed by the closure on their own.
 * Symlinks inside a package are followed (their target's bytes are shipped) when `scope` allows
 * their real target (`symlinks.ts`); a link that leads elsewhere is not followed but reported,
 * and a link that leads back into a folder being walked is a `SYMLINK_LOOP`.
 */
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError } from "../diagnostics.js";
import { realpath } from "./resolve.js";
import type { LinkScope, OutsideLink } from "./symlinks.js";
import { isInside } from "./symlinks.js";
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
  /** Set for a link whose target is out of scope: not followed, its target's real path. */
  outside?: string;
}

/**
 * Walk the files of the package at `realDir`, folders in name order, following symlinks and
 * skipping nested `node_modules`, handing each file to `visit` until it returns true. With
 * `withStat` false it reads directory entries only (no `stat` per plain file), which is what
 * the per-package native check needs to stay cheap. A callback, not a generator: the prescan
 * walks every installed package (28,000 files here), and each item of a generator nested in
 * generators is resumed through every level of the folder tree.
 */
function walkPackage(realDir: string, withStat: boolean, scope: LinkScope, visit: (f: WalkedFile) => boolean | void): boolean {
  // Real paths of the folders on the current walk path: a link into one of them loops.
  const walking = new Set<string>();
  const walk = (absDir: string, realAbs: string, relDir: string): boolean => {
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
      // absDir is normalised already: joining by hand spares path.join's normalising per file.
      const abs = `${absDir}${path.sep}${entry.name}`;
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let real = abs;
      let stat: fs.Stats | undefined;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      try {
        if (entry.isSymbolicLink()) {
          real = realpath(abs);
          if (!scope(real)) {
            if (visit({ rel, real: abs, outside: real })) return true;
            continue;
          }
        }
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
        if (walk(abs, real, rel)) return true;
      } else if (isFile) {
        if (visit(withStat ? { rel, real, stat } : { rel, real })) return true;
      }
    }
    walking.delete(realAbs);
    return false;
  };
  return walk(realDir, realDir, "");
}

/** Size, times and inode: any write to the file changes one of them (ctime cannot be set back). */
export const fileStamp = (st: fs.Stats): string => `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}:${st.dev}`;

const ownFolder = (realDir: string): LinkScope => (target) => isInside(target, realDir);

/**
 * Every file of the package at `realDir`, sorted by relative path, and its links that `scope`
 * does not allow (not followed: nothing behind them is read). Without a scope a link may lead
 * anywhere inside the package's own folder only.
 */
export function listPackageTree(realDir: string, scope: LinkScope = ownFolder(realDir)): { files: PackageFile[]; outside: OutsideLink[] } {
  const files: PackageFile[] = [];
  const outside: OutsideLink[] = [];
  walkPackage(realDir, true, scope, (f) => {
    if (f.outside !== undefined) outside.push({ rel: f.rel, target: f.outside });
    else files.push({ rel: f.rel, abs: f.real, size: f.stat!.size, diskMode: f.stat!.mode & 0o777, stamp: fileStamp(f.stat!) });
  });
  return { files: files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0)), outside };
}

/** Every file of the package at `realDir`, sorted; links out of its own folder are not followed. */
export function listPackageFiles(realDir: string): PackageFile[] {
  return listPackageTree(realDir).files;
}

/**
 * The first native file of a package (relative path), or null. The bundler asks this for every
 * package it meets, so it stops at the first hit and stats nothing but symlinks.
 */
export function firstNativeFile(realDir: string, isNative: (rel: string, abs: string) => boolean): string | null {
  // Links out of the package are not followed here; shipping the package reports them.
  let hit: string | null = null;
  walkPackage(realDir, false, ownFolder(realDir), (f) => {
    if (f.outside !== undefined || !isNative(f.rel, f.real)) return false;
    hit = f.rel;
    return true;
  });
  return hit;
}
