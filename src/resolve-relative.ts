/**
 * The one resolver of relative imports (`./x`, `../x`) slimfn runs itself, the way esbuild and
 * rollup's node-resolve do on Node: the file as written, its TypeScript twin (`./x.js` ->
 * `./x.ts`), the path with each extension, a folder's index. It spares a round trip to the
 * bundler on the importing file's critical path; anything not found goes to the bundler.
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";

/** Extensions tried for an import written without one (esbuild's defaults, then Node's ES/CJS forms). */
export const RESOLVE_EXTENSIONS: readonly string[] = [".tsx", ".ts", ".jsx", ".js", ".mts", ".cts", ".mjs", ".cjs", ".json"];
const TS_TWINS: Record<string, string[]> = { ".js": [".ts", ".tsx"], ".jsx": [".ts", ".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };

export const isRelative = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../");

/**
 * The files a relative `specifier` from folder `fromDir` may name, in the order they are tried,
 * made one at a time: most imports are found at the first or second (the look-ahead resolves
 * every relative import of a project, and joining all twenty paths cost more than the stats).
 */
function* candidates(specifier: string, fromDir: string, extensions: readonly string[]): Generator<string> {
  const base = path.resolve(fromDir, specifier);
  yield base;
  const ext = path.extname(base);
  for (const t of TS_TWINS[ext] ?? []) yield base.slice(0, -ext.length) + t;
  for (const e of extensions) yield base + e;
  for (const e of extensions) yield `${base}${path.sep}index${e}`;
}

/** The file a relative import names, or undefined (not relative, or nothing found). */
export async function resolveRelative(specifier: string, fromDir: string, extensions: readonly string[] = RESOLVE_EXTENSIONS): Promise<string | undefined> {
  if (!isRelative(specifier)) return undefined;
  for (const c of candidates(specifier, fromDir, extensions)) {
    if (await fsp.stat(c).then((s) => s.isFile(), () => false)) return c;
  }
  return undefined;
}

/** Same, synchronously; `isFile` may answer from folder listings the caller keeps. */
export function resolveRelativeSync(
  specifier: string,
  fromDir: string,
  extensions: readonly string[] = RESOLVE_EXTENSIONS,
  isFile: (file: string) => boolean = (f) => fs.statSync(f, { throwIfNoEntry: false })?.isFile() === true,
): string | undefined {
  if (!isRelative(specifier)) return undefined;
  for (const c of candidates(specifier, fromDir, extensions)) if (isFile(c)) return c;
  return undefined;
}
