/**
 * Checks of the build's shape that any bundler adapter runs before bundling: what slimfn can
 * package, and entry points that do not exist (with advice instead of "Could not resolve").
 */
import { MAX_EVENT_BYTES, readTextCappedSync, TooLarge } from "./read-capped.js";
import fs from "node:fs/promises";
import path from "node:path";
import { error, type Diagnostic } from "./diagnostics.js";
import type { ResolvedOptions } from "./options.js";
import { unknownFunctionBudgets } from "./report/budgets.js";
import { unmatchedIncludeKeys } from "./ship/function-shipment.js";

/** slimfn packages Node.js functions: ESM or CommonJS output for platform node. */
export function checkOutputShape(platform: string | undefined, format: string | undefined): Diagnostic | undefined {
  if ((format === undefined || format === "esm" || format === "cjs") && (platform === undefined || platform === "node")) return undefined;
  return error(
    "OUTPUT_FORMAT_UNSUPPORTED",
    `slimfn builds Node.js functions: it needs platform "node" and format "esm" or "cjs" (got platform ${JSON.stringify(platform ?? "node")}, format ${JSON.stringify(format)}). Remove those options to get slimfn's defaults.`,
  );
}

/** Entry points written as file paths: globs and package names are the bundler's to resolve. */
export function fileEntryPoints(entries: readonly string[]): string[] {
  return entries.filter((e) => !/[*?{[]/.test(e) && (e.startsWith(".") || e.startsWith("/") || e.includes("/") || path.extname(e) !== ""));
}

/** A diagnostic when the entry file `specifier` (relative to `resolveDir`) does not exist. */
export async function checkEntryExists(specifier: string, resolveDir: string): Promise<Diagnostic | undefined> {
  const abs = path.resolve(resolveDir, specifier);
  if (await fs.stat(abs).then((s) => s.isFile(), () => false)) return undefined;
  return error("ENTRY_NOT_FOUND", `Entry point "${specifier}" does not exist (looked for ${abs}). Fix the path in entryPoints; paths are relative to ${resolveDir}.`);
}

/** An entry point as the adapter knows it before bundling: its file, or the name its key gives. */
export interface EntryBeforeBuild {
  /** The entry file, relative to the project root (or absolute). */
  path: string;
  /** Output path without extension that the build config names (esbuild `{ in, out }` or an object key). */
  out?: string;
}

/**
 * The function names a build will have, before bundling: an entry's path relative to the lowest
 * common folder of all entries (or `outbase`), without extension, `/` turned into `-`; or its
 * configured output name. `undefined` when the bundler's naming cannot be foretold (output name
 * templates, globs): the names are then checked once known, before anything is verified or written.
 */
export function expectedFunctionNames(entries: readonly EntryBeforeBuild[], root: string, outbase: string | undefined): string[] | undefined {
  if (!entries.length || entries.some((e) => e.out === undefined && /[*?{[]/.test(e.path))) return undefined;
  const files = entries.filter((e) => e.out === undefined).map((e) => path.resolve(root, e.path));
  const base = outbase !== undefined ? path.resolve(root, outbase) : commonFolder(files.map((f) => path.dirname(f)));
  return entries.map((e, i) => {
    if (e.out !== undefined) return e.out.replace(/^\.\//, "").replaceAll("/", "-");
    const rel = path.relative(base, path.resolve(root, entries[i]!.path)).split(path.sep).join("/");
    return rel.slice(0, rel.length - path.extname(rel).length).replaceAll("/", "-");
  });
}

/** The lowest common folder of `folders` (esbuild's default `outbase` of the entries' folders). */
export function commonFolder(folders: readonly string[]): string {
  if (!folders.length) return "/";
  let common = folders[0]!.split(path.sep);
  for (const f of folders.slice(1)) {
    const parts = f.split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

/**
 * What can be checked before bundling, so a typo fails in a second instead of after bundling,
 * verification and zipping: per-function budgets and `include` keys naming no function of the
 * build (when the names can be foretold), and a `verify.event` file that cannot be read or is
 * not JSON.
 */
export function startChecks(options: ResolvedOptions, names: readonly string[] | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (names) out.push(...unknownFunctionBudgets(names.map((name) => ({ name })), options.report.budgets), ...unmatchedIncludeKeys(options, names));
  const event = options.verify === false ? undefined : options.verify.event;
  if (typeof event === "string") {
    const problem = (why: string) =>
      error("OPTION_INVALID", `slimfn option "verify.event" names ${event}, which ${why}. Point it at a JSON file (relative to the project root), or give the event object itself.`);
    let text: string | undefined;
    try {
      text = readTextCappedSync(event, MAX_EVENT_BYTES);
    } catch (e) {
      out.push(problem(e instanceof TooLarge ? "is larger than 6 MiB, more than Lambda's limit on an invocation's payload" : `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`));
    }
    if (text !== undefined) {
      try {
        JSON.parse(text);
      } catch (e) {
        out.push(problem(`is not JSON (${(e as Error).message})`));
      }
    }
  }
  return out;
}

/** The rollup preset needs `name`, which is not installed: say what to install (all of `packages`). */
export function presetPackageMissing(name: string, packages: readonly string[]): Diagnostic {
  return error(
    "PRESET_PACKAGE_MISSING",
    `slimfn/rollup's preset needs ${name}, which is not installed. Install the preset's packages: npm install -D ${packages.join(" ")}. Or use slimfnRollup with plugins of your own.`,
  );
}
