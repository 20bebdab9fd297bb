/**
 * The general rule for packages that read their own files at run time: a file named by a path
 * string in the package's own code is kept. `require("./test/helper")`,
 * `path.join(__dirname, "README.md")`, `"lib.es2015.d.ts"` in TypeScript's lib table,
 * `__dirname + "/../examples"` all keep what they name, whatever a strip rule says.
 *
 * The scan is deliberately loose: it does not parse, it takes every run of text between two
 * quote characters (', ", `) on one line as a possible string. Junk runs can only add reasons
 * to keep; a real string is never missed because of a regex literal or a comment the scanner
 * misread. It may add reasons to keep, never a reason to delete.
 */
import path from "node:path";

export interface PathReferences {
  /** Root-relative paths named by path-like strings (with `/` or a leading `.`). */
  paths: Set<string>;
  /** Last path components of every string: `"README.md"`, `"lib.es5.d.ts"`. */
  names: Set<string>;
}

export function emptyReferences(): PathReferences {
  return { paths: new Set(), names: new Set() };
}

const WHITESPACE_ONLY = /^\s*$/;

/** Add the strings of one code file (`rel` relative to the package root) to `refs`. */
export function scanCode(rel: string, text: string, refs: PathReferences): void {
  const dir = path.posix.dirname(rel);
  // Split on quotes: every piece between two quotes is a possible string literal.
  for (const piece of text.split(/['"`]/)) {
    if (piece.length === 0 || piece.length > 400 || WHITESPACE_ONLY.test(piece)) continue;
    if (piece.includes("\n")) continue;
    // `${__dirname}/README.md` in a template: the path starts after the substitution.
    const s = piece.replace(/\\/g, "/").replace(/^\$\{[^}]*\}/, "");
    const last = s.slice(s.lastIndexOf("/") + 1);
    if (last) refs.names.add(last);
    if (!s.includes("/") && !s.startsWith(".")) continue;
    // As written relative to this file, and relative to the package root (after dropping
    // `./`, `../` and `/` prefixes, which `__dirname` joins make common).
    if (s.startsWith("./") || s.startsWith("../")) {
      const fromFile = path.posix.normalize(`${dir}/${s}`).replace(/\/$/, "");
      if (fromFile && fromFile !== "." && !fromFile.startsWith("..")) refs.paths.add(fromFile);
    }
    const fromRoot = s.replace(/^(?:\.{1,2}\/|\/)+/, "").replace(/\/$/, "");
    if (fromRoot && fromRoot !== "." && fromRoot !== "..") {
      refs.paths.add(path.posix.normalize(fromRoot));
      // `__dirname + "/data"` inside lib/: the folder beside the file.
      if (s.startsWith("/") && dir !== ".") refs.paths.add(path.posix.normalize(`${dir}/${fromRoot}`));
    }
  }
}

const RESOLVE_EXTENSIONS = [".js", ".json", ".node", ".cjs", ".mjs", ".wasm"];

/**
 * Whether `rel` is named by a string in the scanned code: its path (with or without a Node
 * extension), a folder that holds it (named with a path-like string), or its file name.
 */
export function isReferenced(rel: string, refs: PathReferences): boolean {
  if (refs.paths.has(rel)) return true;
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  if (refs.names.has(name)) return true;
  for (const ext of RESOLVE_EXTENSIONS) {
    if (rel.endsWith(ext) && refs.paths.has(rel.slice(0, -ext.length))) return true;
  }
  for (let i = rel.lastIndexOf("/"); i > 0; i = rel.lastIndexOf("/", i - 1)) {
    if (refs.paths.has(rel.slice(0, i))) return true;
  }
  return false;
}
