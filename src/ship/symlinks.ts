/**
 * Where a symlink may lead when slimfn follows it into a zip (issue 14). A link inside a
 * shipped package is followed only when its real target stays inside that package's own real
 * folder or inside another installed package of the same install (pnpm's store, workspace
 * links); a link under the project root read by `include` only when its target stays inside
 * the project root. Anything else is a `SYMLINK_OUTSIDE`: a package (or a hostile one) must not
 * be able to pull `/etc/passwd` or `~/.aws` into an artifact that is uploaded and kept for years.
 */
import fs from "node:fs";
import path from "node:path";
import { error, type Diagnostic } from "../diagnostics.js";
import type { ResolvedOptions } from "../options.js";
import { globCovers } from "./glob-match.js";
import type { RemovedFile } from "./types.js";

/** A link of a package whose target is outside what the package may ship. */
export interface OutsideLink {
  /** Path of the link relative to the package root, `/`-separated. */
  rel: string;
  /** The link's real target. */
  target: string;
}

/** True when `p` is `dir` or inside it (both absolute, normalised). */
export function isInside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

function realOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The `node_modules` folders (real paths) that make up the install a package belongs to: the
 * outermost one on the package's real path (pnpm's store lives inside it), and every one on
 * Node's lookup path from the project root (workspace roots hoist there).
 */
export function installFolders(realDir: string, root: string): string[] {
  const out = new Set<string>();
  const parts = realDir.split(path.sep);
  const at = parts.indexOf("node_modules");
  if (at > 0) out.add(parts.slice(0, at + 1).join(path.sep));
  let dir = path.resolve(root);
  for (;;) {
    const nm = realOrUndefined(path.join(dir, "node_modules"));
    if (nm) out.add(nm);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [...out].sort();
}

/** True when `real` lies inside an installed package folder (one holding a package.json) under `nm`. */
function insideInstalledPackage(real: string, nm: string): boolean {
  if (!isInside(real, nm) || real === nm) return false;
  let dir = real;
  while (dir !== nm && isInside(dir, nm)) {
    const parent = path.dirname(dir);
    const isSlot = path.basename(parent) === "node_modules" || (path.basename(parent).startsWith("@") && path.basename(path.dirname(parent)) === "node_modules");
    if (isSlot && fs.existsSync(path.join(dir, "package.json"))) return true;
    dir = parent;
  }
  return false;
}

/** Whether a link of the package at `realDir` may lead to `target` (a real path). */
export type LinkScope = (target: string) => boolean;

export function packageLinkScope(realDir: string, folders: readonly string[]): LinkScope {
  return (target) => isInside(target, realDir) || folders.some((nm) => insideInstalledPackage(target, nm));
}

/**
 * The package's links that lead outside its scope. One the user's `strip.remove` names (the link
 * itself or a folder holding it) is left out and reported as removed; every other one is a
 * `SYMLINK_OUTSIDE` error naming the link, its target and both fixes.
 */
export function outsideLinks(
  pkg: { name: string; realDir: string },
  links: readonly OutsideLink[],
  options: ResolvedOptions,
): { removed: RemovedFile[]; problems: Diagnostic[] } {
  const removed: RemovedFile[] = [];
  const problems: Diagnostic[] = [];
  const globs = options.strip === false ? [] : options.strip.remove.filter((g) => g.package === undefined || g.package === pkg.name);
  const matchers = globs.map((g) => ({ text: g.text, covers: globCovers(g.glob) }));
  for (const link of links) {
    const by = matchers.find((m) => m.covers(link.rel));
    if (by) {
      removed.push({ rel: link.rel, size: 0, reason: `strip.remove "${by.text}": a symlink to ${link.target}, outside the package`, kind: "strip" });
      continue;
    }
    problems.push(
      error(
        "SYMLINK_OUTSIDE",
        `The package "${pkg.name}" (${pkg.realDir}) holds a symlink ${link.rel} that leads to ${link.target}, outside the package's own folder and outside every installed package: slimfn never ships files from elsewhere on this machine. Leave the link out with strip: { remove: [${JSON.stringify(`${pkg.name}:${link.rel}`)}] }, or, when the function needs that file, copy it into the project and ship it with include.`,
      ),
    );
  }
  return { removed, problems };
}
