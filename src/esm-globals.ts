/**
 * ESM output of bundled CommonJS: `__dirname`, `__filename` and `require` exist only inside
 * Node's CommonJS wrapper. esbuild gets them from `define` and its `__require` shim (see
 * plugins/esbuild/esm-shims.ts); bundlers that hoist CommonJS modules into the ES chunk's own scope (rollup with
 * @rollup/plugin-commonjs, Rolldown) leave them as free names, and the chunk throws a
 * ReferenceError at the first use. This rewrite works on a whole output chunk, scope-aware:
 * only references that no enclosing scope declares are touched, so a user's own
 * `const __dirname = ...` keeps its meaning (the bundler deconflicts module-scope names first).
 *
 * - `__dirname` / `__filename` become `import.meta.dirname` / `import.meta.filename` (Node >= 20.11).
 * - A free `require` gets a `createRequire(import.meta.url)` on a line of its own at the top.
 */
import MagicString from "magic-string";
import { parseSync } from "oxc-parser";
import { findReferences, isNode, patternNames, type Node } from "./lazy/scope.js";

const NAMES = new Set(["__dirname", "__filename", "require"]);

/** A `require` for ES output, on one line (aliased, so it never collides with the user's names). */
export const REQUIRE_SHIM =
  'import{createRequire as __slimfnCreateRequire}from"node:module";const require=__slimfnCreateRequire(import.meta.url);';

/** Insert an empty line group at `line` (0-based) into a source map's `mappings`: a shim line above. */
export function shiftSourceMap(mapJson: string, line: number): string {
  const map = JSON.parse(mapJson) as { mappings: string };
  const groups = map.mappings.split(";");
  groups.splice(line, 0, "");
  map.mappings = groups.join(";");
  return JSON.stringify(map);
}

/** Names the program declares at its top level (they shadow the CommonJS globals). */
function topLevelNames(body: readonly Node[]): Set<string> {
  const out = new Set<string>();
  for (let s of body) {
    if ((s.type === "ExportNamedDeclaration" || s.type === "ExportDefaultDeclaration") && isNode(s.declaration)) s = s.declaration;
    if (s.type === "VariableDeclaration") for (const d of s.declarations as Node[]) for (const n of patternNames(d.id)) out.add(n);
    else if ((s.type === "FunctionDeclaration" || s.type === "ClassDeclaration") && isNode(s.id)) out.add(s.id.name as string);
    else if (s.type === "ImportDeclaration") for (const sp of s.specifiers as Node[]) out.add((sp.local as Node).name as string);
  }
  return out;
}

export interface RewrittenChunk {
  code: string;
  map: ReturnType<MagicString["generateMap"]>;
}

/**
 * Rewrite the free CommonJS globals of an ES output chunk, or undefined when it has none.
 * `file` only names the chunk for the parser.
 */
export function rewriteEsmGlobals(code: string, file: string): RewrittenChunk | undefined {
  // Cheapest first: most chunks never mention the names.
  if (!/\b(?:__dirname|__filename|require)\b/.test(code)) return undefined;
  const parsed = parseSync(file.replace(/\.[cm]?js$/, ".mjs"), code, { sourceType: "module" });
  if (parsed.errors.some((e) => e.severity === "Error")) return undefined;
  const program = parsed.program as unknown as Node;
  const declared = topLevelNames(program.body as Node[]);
  const tracked = new Set([...NAMES].filter((n) => !declared.has(n)));
  if (!tracked.size) return undefined;
  const refs = findReferences(program, tracked);
  if (!refs.length) return undefined;
  const s = new MagicString(code);
  let needsRequire = false;
  for (const r of refs) {
    if (r.name === "require") needsRequire = true;
    else {
      const value = r.name === "__dirname" ? "import.meta.dirname" : "import.meta.filename";
      s.overwrite(r.start, r.end, r.role === "shorthand" ? `${r.name}: ${value}` : value);
    }
  }
  if (needsRequire) {
    const line = code.startsWith("#!") ? code.indexOf("\n") + 1 : 0;
    if (line > 0) s.appendLeft(line, `${REQUIRE_SHIM}\n`);
    else s.prepend(`${REQUIRE_SHIM}\n`);
  }
  return { code: s.toString(), map: s.generateMap({ hires: true, source: file }) };
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * CommonJS output whose entry assigns `module.exports = <object>` (rollup and Rolldown for a
 * CommonJS entry): Node's `import()` of it finds no named exports, because its lexer sees none.
 * A dead `0 && (module.exports = { a, b })` names them for the lexer, as esbuild's output does.
 */
export function cjsExportNames(code: string, names: readonly string[]): string | undefined {
  const named = names.filter((n) => n !== "default" && IDENT.test(n));
  if (!named.length) return undefined;
  return `${code.replace(/\n?$/, "\n")}0 && (module.exports = { ${named.join(", ")} });\n`;
}
