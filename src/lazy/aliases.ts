/**
 * Import aliases of the project's own files: tsconfig `compilerOptions.paths` (`"@/*":
 * ["src/*"]`), which esbuild honours. An import through an alias is a bare specifier that names
 * the user's module, not a package, so a module exporting deferred consts must be looked up for
 * it too (issue 15: `import { Item } from "@/lib/schemas"` failed with esbuild's "No matching
 * export" because the importer was not wired to `Item$slimfn`).
 */
import fs from "node:fs";
import path from "node:path";

/** tsconfig is JSON with comments and trailing commas. */
export function parseJsonc(text: string): unknown {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = /"(?:[^"\\]|\\.)*"/y;
      end.lastIndex = i;
      const m = end.exec(text);
      if (!m) break;
      out += m[0];
      i += m[0].length - 1;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      i = close === -1 ? text.length : close + 1;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

interface TsconfigLike {
  extends?: unknown;
  compilerOptions?: { paths?: Record<string, unknown> };
}

/** The alias prefixes (`@/` for `@/*`, the whole key when it has no `*`), sorted. */
export function aliasPrefixes(paths: Record<string, unknown> | undefined): string[] {
  const keys = Object.keys(paths ?? {}).map((k) => (k.includes("*") ? k.slice(0, k.indexOf("*")) : k));
  return [...new Set(keys.filter((k) => k !== ""))].sort();
}

/**
 * The alias prefixes of a tsconfig file, following relative `extends` (the nearer file's
 * `paths` wins, as in TypeScript); [] when there is no such file or it does not parse. Read
 * synchronously: it is read at every build start, and a promise read cost a thread-pool round
 * trip (~1 ms of a 600-file build) for a file of a few hundred bytes.
 */
export function tsconfigAliases(file: string, depth = 0): string[] {
  let config: TsconfigLike | undefined;
  try {
    config = parseJsonc(fs.readFileSync(file, "utf8")) as TsconfigLike;
  } catch {
    config = undefined;
  }
  if (!config || typeof config !== "object") return [];
  if (config.compilerOptions?.paths) return aliasPrefixes(config.compilerOptions.paths);
  const ext = typeof config.extends === "string" && config.extends.startsWith(".") ? config.extends : undefined;
  if (!ext || depth > 8) return [];
  const base = path.resolve(path.dirname(file), ext);
  return tsconfigAliases(base.endsWith(".json") ? base : `${base}.json`, depth + 1);
}
