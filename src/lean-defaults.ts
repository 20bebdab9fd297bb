/**
 * The lean bundler settings slimfn applies where the user has not set them. The choice lives
 * here, in the core; adapters only translate key names for their bundler.
 */
import type { RuntimeInfo } from "./runtime.js";

export interface LeanDefaults {
  bundle: true;
  platform: "node";
  target: string;
  format: "esm";
  /** Where the output (and by default the zips) go when neither `outdir` nor `outfile` is set. */
  outdir: "dist";
  /** ESM output gets `.mjs` so Lambda loads it as ESM without a package.json. */
  outExtension: { ".js": ".mjs" };
  /** Prefer the ESM build of dual packages: it tree-shakes. */
  mainFields: ["module", "main"];
  minifySyntax: true;
  minifyWhitespace: true;
  /**
   * Source maps off: loading them at run time needs `--enable-source-maps`, a known cold-start
   * cost on Lambda (every stack trace and the startup parse pay for it). Opt in when wanted.
   */
  sourcemap: false;
  /** Only meaningful for ESM with an output folder: `import()` targets get their own chunks. */
  splitting: true;
  /** Free `__dirname`/`__filename` in bundled CommonJS, for ESM output. */
  esmDefine: Record<string, string>;
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

export function leanDefaults(runtime: RuntimeInfo): LeanDefaults {
  return {
    bundle: true,
    platform: "node",
    target: runtime.target,
    format: "esm",
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    mainFields: ["module", "main"],
    minifySyntax: true,
    minifyWhitespace: true,
    sourcemap: false,
    splitting: true,
    esmDefine: { __dirname: "import.meta.dirname", __filename: "import.meta.filename" },
  };
}
