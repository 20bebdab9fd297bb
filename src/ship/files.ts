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

/** Every file of the package at `realDir`, sorted by relative path. */
export function listPackageFiles(realDir: string): PackageFile[] {
  const out: PackageFile[] = [];
  // Real paths of the folders on the current walk path: a link into one of them loops.
  const walking = new Set<string>();
  const walk = (absDir: string, realAbs: string, relDir: string) => {
    walking.add(realAbs);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      throw unreadable(absDir, e);
    }
    for (const entry of entries) {
      const abs = path.join(absDir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.name === "node_modules" && (entry.isDirectory() || entry.isSymbolicLink())) continue;
      let real = abs;
      let stat: fs.Stats;
      try {
        if (entry.isSymbolicLink()) real = realpath(abs);
        stat = fs.statSync(real);
      } catch (e) {
        if (e instanceof SlimfnError) throw e;
        throw unreadable(abs, e);
      }
      if (stat.isDirectory()) {
        if (walking.has(real)) {
          throw new SlimfnError(
            error(
              "SYMLINK_LOOP",
              `Symlink loop in ${realDir}: ${rel} links back to ${real}, a folder that contains it. Remove the link or point it at a file.`,
            ),
          );
        }
        walk(abs, real, rel);
      } else if (stat.isFile()) {
        out.push({ rel, abs: real, size: stat.size, diskMode: stat.mode & 0o777 });
      }
    }
    walking.delete(realAbs);
  };
  walk(realDir, realDir, "");
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * The first native file of a package (relative path), or null. The bundler asks this for every
 * package it meets, so it reads directory entries only (no `stat` per file) and stops at the
 * first hit; symlinks are followed like `listPackageFiles` does.
 */
export function firstNativeFile(realDir: string, isNative: (rel: string, abs: string) => boolean): string | null {
  const walking = new Set<string>();
  const walk = (absDir: string, realAbs: string, relDir: string): string | null => {
    walking.add(realAbs);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      throw unreadable(absDir, e);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name === "node_modules") continue;
      const abs = path.join(absDir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let real = abs;
      if (entry.isSymbolicLink()) {
        real = realpath(abs);
        const stat = fs.statSync(real);
        isDir = stat.isDirectory();
        isFile = stat.isFile();
      }
      if (isFile && isNative(rel, real)) return rel;
      if (isDir) {
        if (walking.has(real)) {
          throw new SlimfnError(
            error(
              "SYMLINK_LOOP",
              `Symlink loop in ${realDir}: ${rel} links back to ${real}, a folder that contains it. Remove the link or point it at a file.`,
            ),
          );
        }
        const hit = walk(abs, real, rel);
        if (hit !== null) return hit;
      }
    }
    walking.delete(realAbs);
    return null;
  };
  return walk(realDir, realDir, "");
}
