/**
 * Checks of the build's shape that any bundler adapter runs before bundling: what slimfn can
 * package, and entry points that do not exist (with advice instead of "Could not resolve").
 */
import fs from "node:fs/promises";
import path from "node:path";
import { error, type Diagnostic } from "./diagnostics.js";

/** slimfn packages Node.js functions: ESM or CommonJS output for platform node. */
export function checkOutputShape(platform: string | undefined, format: string | undefined): Diagnostic | undefined {
  if (format !== "iife" && (platform === undefined || platform === "node")) return undefined;
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
