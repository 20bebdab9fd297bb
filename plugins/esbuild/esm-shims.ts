/**
 * ESM output needs `require` for bundled CommonJS that requires Node built-ins or unbundled
 * packages. esbuild routes every such call through its `__require` helper, which throws
 * `Dynamic require of "x" is not supported` unless a `require` exists in scope. We give it one,
 * only in output files that contain the helper, on a line of its own so source maps shift by
 * exactly one line. (`__dirname` and `__filename` need no shim: they are defined as
 * `import.meta.dirname` / `import.meta.filename`, Node >= 20.11, so they can never collide with
 * a user's own declarations of those names.)
 *
 * esbuild-only: it matches the text of esbuild's helper. Which outputs get it is the session's
 * call (`shimOutputs`); rollup and Rolldown get the scope-aware rewrite of src/esm-globals.ts.
 */
import { REQUIRE_SHIM, shiftSourceMap } from "../../src/esm-globals.js";

/** The text of esbuild's `__require` helper that exists only when the bundle calls `require`. */
const REQUIRE_HELPER_MARK = 'Dynamic require of "';
const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

export function needsRequireShim(code: string): boolean {
  return code.includes(REQUIRE_HELPER_MARK);
}

/**
 * Whether the user's own banner declares a top-level `require` (the common
 * `const require = createRequire(import.meta.url)` recipe for ESM Lambda bundles). The banner is
 * the only user text esbuild puts at the top scope without renaming it, so a second `require`
 * there would be a SyntaxError; the banner's own `require` already serves the helper.
 */
export function bannerDeclaresRequire(banner: string | undefined): boolean {
  if (!banner) return false;
  return /\b(?:const|let|var)\s+require\b|\bfunction\s+require\s*\(|\bas\s+require\b|\bimport\s+require\b|\bimport\s*\*\s*as\s+require\b/.test(banner);
}

/**
 * Add the `require` shim to an ESM output file when it needs one and the user's `banner` (esbuild
 * `banner.js`) does not declare `require` itself. Returns the new code and the line the shim went
 * on (after a `#!` line), or undefined when nothing changed.
 */
export function addRequireShim(code: string, banner?: string): { code: string; line: number } | undefined {
  if (!needsRequireShim(code) || bannerDeclaresRequire(banner)) return undefined;
  const line = code.startsWith("#!") ? 1 : 0;
  const cut = line === 1 ? code.indexOf("\n") + 1 : 0;
  let out = `${code.slice(0, cut)}${REQUIRE_SHIM}\n${code.slice(cut)}`;
  const inline = INLINE_MAP.exec(out);
  if (inline) {
    const shifted = shiftSourceMap(Buffer.from(inline[1]!, "base64").toString("utf8"), line);
    out = out.slice(0, inline.index) + `//# sourceMappingURL=data:application/json;base64,${Buffer.from(shifted).toString("base64")}\n`;
  }
  return { code: out, line };
}
