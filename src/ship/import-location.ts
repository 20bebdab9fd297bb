/**
 * Where a bare import is written in its importing file, for diagnostics about packages that
 * come from source (an `external` that cannot be resolved). The bundler's resolve hook gives
 * the importer but not the position, so the quoted specifier is looked up in the file's text.
 */
import fs from "node:fs";
import path from "node:path";
import type { Location } from "../diagnostics.js";

export function importLocation(importer: string, specifier: string, root: string): Location | undefined {
  let text: string;
  try {
    text = fs.readFileSync(importer, "utf8");
  } catch {
    return undefined;
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    for (const quote of ['"', "'", "`"]) {
      const column = line.indexOf(`${quote}${specifier}${quote}`);
      if (column >= 0) {
        return { file: path.relative(root, importer).split(path.sep).join("/"), line: i + 1, column, lineText: line };
      }
    }
  }
  return undefined;
}
