/**
 * The `lazy` option: its shape, its checks (in the one option-check framework,
 * src/option-checks.ts) and its resolution. Kept beside the lazy core so src/options.ts only
 * wires it in.
 */
import { checkObject, checks, isPlainObject, type Check } from "../option-checks.js";
import { checkGlobs } from "./glob.js";
import type { ResolvedLazyOptions } from "./types.js";

export const LAZY_MODES = ["auto", "sync", "async"] as const;

export interface LazyOptions {
  /**
   * Package names and globs over the package name of an import specifier; subpath imports of a
   * matched package match too (`@aws-sdk/*` matches `@aws-sdk/client-s3/dist-es/...`).
   * @default []
   */
  modules?: string[];
  /**
   * `"async"`: memoised `await import()` (the module gets its own chunk; needs esm + outdir +
   * splitting); `"sync"`: memoised deferred `require` of the bundled module (saves evaluation,
   * not parsing); `"auto"`: async where every reference allows it, else sync, else eager.
   * @default "auto"
   */
  mode?: (typeof LAZY_MODES)[number];
}

export const LAZY_DEFAULTS: ResolvedLazyOptions = Object.freeze({ modules: Object.freeze([]) as readonly string[], mode: "auto" });

const checkModules: Check = (v, key, out) => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return "an array of package names or globs";
  out.push(...checkGlobs(v as string[], key));
  return undefined;
};

const lazyChecks: Record<keyof LazyOptions, Check> = { modules: checkModules, mode: checks.oneOf(LAZY_MODES) };

/**
 * Validate `lazy` (an array of globs, or `{ modules, mode }`): malformed globs get
 * LAZY_GLOB_INVALID, wrong shapes OPTION_INVALID, unknown keys OPTION_UNKNOWN.
 */
export const checkLazy: Check = (v, key, out) => {
  if (Array.isArray(v)) return checkModules(v, key, out);
  if (!isPlainObject(v)) return "an array of globs or { modules, mode }";
  checkObject(v, lazyChecks, key, out);
  return undefined;
};

/** Resolve a validated `lazy` value into its frozen, defaulted form. */
export function resolveLazy(v: string[] | LazyOptions | undefined): ResolvedLazyOptions {
  if (v === undefined) return LAZY_DEFAULTS;
  const set = Array.isArray(v) ? { modules: v } : v;
  return Object.freeze({
    modules: Object.freeze([...(set.modules ?? [])]),
    mode: set.mode ?? LAZY_DEFAULTS.mode,
  });
}
