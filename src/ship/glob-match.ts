/**
 * Glob matching over paths slimfn already listed, instead of a second walk of the disk: a walk
 * that follows symlinks would read whatever a link points at (a folder outside the package, or
 * a loop it never leaves). Same syntax as fast-glob (picomatch, the matcher fast-glob uses; slimfn needs no fast-glob):
 * dotfiles match, case-sensitive, a `./` prefix means nothing, and a glob that matches a folder
 * covers every path under it.
 */
import path from "node:path";
import picomatch from "picomatch";

/** A glob as written by a user, normalised: no `./` prefix, no trailing `/`. */
export function normaliseGlob(glob: string): string {
  return path.posix.normalize(glob).replace(/\/+$/, "");
}

/** A test for one glob: true when `rel` or a folder holding it matches. */
export function globCovers(glob: string): (rel: string) => boolean {
  const match = picomatch(normaliseGlob(glob), { dot: true });
  return (rel) => {
    if (match(rel)) return true;
    for (let i = rel.indexOf("/"); i > 0; i = rel.indexOf("/", i + 1)) if (match(rel.slice(0, i))) return true;
    return false;
  };
}
