/**
 * The lean bundler settings slimfn applies where the user has not set them. The choice lives
 * here, in the core; adapters only translate key names for their bundler.
 */
import type { RuntimeInfo } from "./runtime.js";

/**
 * The lean settings as a neutral intent: each adapter maps a field to its bundler's option
 * names (esbuild `outExtension`, rollup `entryFileNames`, ...) and sets it only where the user
 * left it unset. Fields that do not apply to this build are absent.
 */
export interface LeanIntent {
  bundle: true;
  platform: "node";
  /** The runtime's Node version as a bundler target (`node22`). */
  target: string;
  /** ESM unless every entry is CommonJS (see `leanFormat`); the user's format wins. */
  format: "esm" | "cjs";
  /** Where the output (and by default the zips) go: only when the build names no output at all. */
  outdir?: "dist";
  /** Prefer the ESM build of dual packages: it tree-shakes. */
  mainFields: ["module", "main"];
  minify: { syntax: true; whitespace: true };
  /**
   * Source maps off: loading them at run time needs `--enable-source-maps`, a known cold-start
   * cost on Lambda (every stack trace and the startup parse pay for it). Opt in when wanted.
   */
  sourcemap: false;
  /**
   * ESM output into a folder: `.mjs` names, so Lambda loads them as ESM without a package.json,
   * and `import()` targets in their own chunks.
   */
  esmOutput?: { extension: ".mjs"; splitting: true };
  /** ESM output: free `__dirname`/`__filename` in bundled CommonJS, as these expressions. */
  esmGlobals?: Record<string, string>;
}

/**
 * The output format: ESM tree-shakes best, but an ESM build of a CommonJS entry exports only
 * `default`, which Lambda cannot call, so a build whose entries are all CommonJS stays CommonJS.
 */
export function leanFormat(entryIsCommonJs: readonly boolean[]): "esm" | "cjs" {
  return entryIsCommonJs.length > 0 && entryIsCommonJs.every(Boolean) ? "cjs" : "esm";
}

/**
 * Whether the `.map` files the build writes belong in the zip. Node finds a map only through
 * the `sourceMappingURL` comment: `true`/`"linked"` write one that points at the file.
 * `"external"` writes none (maps kept for an error tracker, not the function), and `"both"`
 * and `"inline"` carry the map inside the file already, so their `.map` files are dead weight.
 */
export function zipsSourceMapFiles(sourcemap: boolean | string | undefined): boolean {
  return sourcemap === true || sourcemap === "linked";
}

export function leanIntent(
  runtime: RuntimeInfo,
  build: { format: "esm" | "cjs" | undefined; entryIsCommonJs: readonly boolean[]; hasOutput: boolean; hasOutdir: boolean },
): LeanIntent {
  const format = build.format ?? leanFormat(build.entryIsCommonJs);
  return {
    bundle: true,
    platform: "node",
    target: runtime.target,
    format,
    // Without an output, esbuild writes to stdout and there is no folder to mirror in the zip.
    ...(build.hasOutput ? {} : { outdir: "dist" as const }),
    mainFields: ["module", "main"],
    minify: { syntax: true, whitespace: true },
    sourcemap: false,
    ...(format === "esm" && build.hasOutdir ? { esmOutput: { extension: ".mjs" as const, splitting: true as const } } : {}),
    ...(format === "esm" ? { esmGlobals: { __dirname: "import.meta.dirname", __filename: "import.meta.filename" } } : {}),
  };
}
