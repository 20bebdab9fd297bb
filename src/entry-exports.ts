/**
 * The names an entry module exports, read from its source. Needed for CommonJS output, where
 * esbuild's metafile lists no exports; ESM output takes them from the metafile instead.
 */
import fs from "node:fs";
import { parseSync } from "oxc-parser";

/** Exported names of an ES module source (`default` included); `[]` for CommonJS sources. */
export function exportsOfSource(file: string): string[] {
  let code: string;
  try {
    code = fs.readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const { module } = parseSync(file, code);
  const names = new Set<string>();
  for (const e of module.staticExports) {
    for (const entry of e.entries) {
      if (entry.exportName.kind === "Name" && entry.exportName.name) names.add(entry.exportName.name);
      else if (entry.exportName.kind === "Default") names.add("default");
    }
  }
  // A CommonJS entry exports at run time; Lambda's convention is `handler`.
  if (!names.size && /\b(?:module\.)?exports\.handler\s*=|module\.exports\s*=/.test(code)) names.add("handler");
  return [...names].sort();
}
