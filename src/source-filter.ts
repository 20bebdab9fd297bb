/**
 * Which files the lazy transform looks at: the project's own source files, never a file under a
 * `node_modules` segment. One regex that both JavaScript and esbuild's Go engine run, so
 * node_modules files never reach JavaScript (Go regexes have no lookahead: "a segment other
 * than node_modules" is spelled out).
 */
import path from "node:path";

/** Extensions of source files the transform reads. */
const SOURCE_EXTENSIONS = ["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

/** Escape text for a regex (the syntax escaped here is shared by JavaScript and Go). */
export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A path segment that is anything but `node_modules`. */
function notNodeModulesSegment(): string {
  const word = "node_modules";
  const any = "[^/]";
  const alternatives = [`${any}{1,${word.length - 1}}`, `${any}{${word.length + 1},}`];
  for (let i = 0; i < word.length; i++) {
    alternatives.push(`${any}{${i}}[^/${escapeRegex(word[i]!)}]${any}{${word.length - 1 - i}}`);
  }
  return `(?:${alternatives.join("|")})`;
}

/** Source files under `root`, never under a `node_modules` segment. */
export function sourceFilter(root: string): RegExp {
  const base = escapeRegex(root.split(path.sep).join("/").replace(/\/$/, ""));
  return new RegExp(`^${base}/(?:${notNodeModulesSegment()}/)*[^/]+\\.(?:${SOURCE_EXTENSIONS.join("|")})$`);
}

/**
 * The same test as `sourceFilter(root)`, in plain string operations: the session asks it of
 * every file the bundler loads, and V8 spends ~3 µs a path backtracking through the Go-safe
 * spelling of "not node_modules".
 */
export function isSourceFile(root: string): (file: string) => boolean {
  const base = `${root.split(path.sep).join("/").replace(/\/$/, "")}/`;
  const extensions = new Set(SOURCE_EXTENSIONS);
  return (file) => {
    if (!file.startsWith(base)) return false;
    const slash = file.lastIndexOf("/");
    const dot = file.lastIndexOf(".");
    if (dot <= slash + 1 || !extensions.has(file.slice(dot + 1))) return false;
    // Every folder below the root is a real segment (none empty), and none is node_modules.
    const folders = file.slice(base.length - 1, slash + 1);
    return !folders.includes("//") && !folders.includes("/node_modules/");
  };
}

/** A filter of exactly `files` (absolute paths); one that never matches when there are none. */
export function exactFilter(files: ReadonlySet<string>): RegExp {
  if (files.size === 0) return /^\x00never$/;
  return new RegExp(`^(?:${[...files].sort().map((f) => escapeRegex(f.split(path.sep).join("/"))).join("|")})$`);
}
