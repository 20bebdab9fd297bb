/**
 * The names an entry module exports, read from its source. Needed for CommonJS output, where
 * esbuild's metafile lists no exports; ESM output takes them from the metafile instead.
 */
import fs from "node:fs";
import path from "node:path";
import { parseSync } from "oxc-parser";
import { resolveRelativeSync } from "./resolve-relative.js";

/** Exported names of an ES module source (`default` included); `[]` for CommonJS sources. */
export function exportsOfSource(file: string): string[] {
  return [...namesOf(file, new Set())].sort();
}

function namesOf(file: string, seen: Set<string>): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  let code: string;
  try {
    code = fs.readFileSync(file, "utf8");
  } catch {
    return names;
  }
  const { module } = parseSync(file, code);
  for (const e of module.staticExports) {
    for (const entry of e.entries) {
      if (entry.exportName.kind === "Name" && entry.exportName.name) names.add(entry.exportName.name);
      else if (entry.exportName.kind === "Default") names.add("default");
      else if (entry.importName.kind === "AllButDefault" && entry.moduleRequest?.value.startsWith(".")) {
        // `export * from "./app"`: a barrel entry exports what the file it names exports.
        const target = resolveRelativeSync(entry.moduleRequest.value, path.dirname(file));
        if (target) for (const name of namesOf(target, seen)) if (name !== "default") names.add(name);
      }
    }
  }
  // A CommonJS module exports at run time: the names it assigns (`exports.main = ...`), or
  // Lambda's convention `handler` for `module.exports = { ... }`.
  if (!names.size) {
    for (const m of code.matchAll(/\b(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=(?!=)/g)) names.add(m[1]!);
    if (!names.size && /\bmodule\.exports\s*=(?!=)/.test(code)) names.add("handler");
  }
  return names;
}

/**
 * Whether an entry file is a CommonJS module (`exports.handler = ...`, no import/export
 * syntax). ESM output of such an entry has only a `default` export, which Lambda cannot call,
 * so these builds default to CommonJS output.
 */
export function isCommonJsEntry(file: string): boolean {
  if (/\.c[jt]s$/.test(file)) return true;
  let code: string;
  try {
    code = fs.readFileSync(file, "utf8");
  } catch {
    return false;
  }
  if (!/\b(?:module\.)?exports\b/.test(code)) return false;
  return !parseSync(file, code).module.hasModuleSyntax && /\b(?:module\.)?exports(?:\.[A-Za-z_$][\w$]*)?\s*=(?!=)/.test(code);
}
