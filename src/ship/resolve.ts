/**
 * Find an installed package the way Node does: from the importing folder, look in
 * `node_modules/<name>` of that folder and of each parent. Symlinks (npm workspaces, pnpm) are
 * followed to their real path; a symlink loop is a diagnostic, not a hang or a stack overflow.
 */
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError } from "../diagnostics.js";

/**
 * realpath(3) with `ELOOP` turned into a `SYMLINK_LOOP` diagnostic naming the path. One system
 * call: Node's JavaScript `realpathSync` lstat's every segment, and the prescan asks this of
 * every installed package.
 */
export function realpath(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") {
      throw new SlimfnError(
        error(
          "SYMLINK_LOOP",
          `Symlink loop at ${p}: following its links comes back to where it started. Remove or repoint the link (npm workspaces and pnpm links must end at a real folder).`,
        ),
      );
    }
    throw e;
  }
}

/**
 * The folder of package `name` as Node would find it from `fromDir`, with its real path.
 * `undefined` when no `node_modules` on the way up holds it.
 */
export function findPackageDir(name: string, fromDir: string): { dir: string; realDir: string } | undefined {
  let dir = path.resolve(fromDir);
  for (;;) {
    // Node never looks in `node_modules/node_modules`.
    if (path.basename(dir) !== "node_modules") {
      const candidate = path.join(dir, "node_modules", name);
      let stat: fs.Stats | undefined;
      try {
        // Most levels do not hold it: no exception built for each miss.
        stat = fs.lstatSync(candidate, { throwIfNoEntry: false });
      } catch {
        stat = undefined;
      }
      if (stat) {
        const realDir = realpath(candidate);
        if (fs.statSync(realDir).isDirectory()) return { dir: candidate, realDir };
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  [key: string]: unknown;
}

/** Read and parse `<dir>/package.json`; an unreadable or invalid one is `PACKAGE_UNREADABLE`. */
export function readPackageJson(dir: string): PackageJson {
  const file = path.join(dir, "package.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new SlimfnError(
      error(
        "PACKAGE_UNREADABLE",
        `Cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}). Reinstall the package (npm install) or fix the folder's permissions.`,
      ),
    );
  }
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error("not an object");
    return json as PackageJson;
  } catch (e) {
    throw new SlimfnError(
      error(
        "PACKAGE_UNREADABLE",
        `${file} is not valid JSON (${(e as Error).message}). Reinstall the package (npm install).`,
      ),
    );
  }
}
