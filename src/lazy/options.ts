/**
 * The `lazy` option: its shape, validation and resolution. Kept beside the lazy core so
 * src/options.ts only wires it in.
 */
import { error, type Diagnostic } from "../diagnostics.js";
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

const describe = (v: unknown) => (Array.isArray(v) ? "an array" : v === null ? "null" : typeof v === "string" ? JSON.stringify(v) : typeof v);

function checkModules(v: unknown, key: string, out: Diagnostic[]): void {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    out.push(error("OPTION_INVALID", `slimfn option "${key}" must be an array of package names or globs, got ${describe(v)}.`));
    return;
  }
  out.push(...checkGlobs(v as string[], key));
}

/**
 * Validate `lazy` (an array of globs, or `{ modules, mode }`). Pushes diagnostics: malformed
 * globs get LAZY_GLOB_INVALID, wrong shapes OPTION_INVALID, unknown keys OPTION_UNKNOWN.
 * Returns undefined so the generic option check adds nothing of its own.
 */
export function checkLazy(v: unknown, key: string, out: Diagnostic[]): undefined {
  if (Array.isArray(v)) {
    checkModules(v, key, out);
    return undefined;
  }
  if (typeof v !== "object" || v === null) {
    out.push(error("OPTION_INVALID", `slimfn option "${key}" must be an array of globs or { modules, mode }, got ${describe(v)}.`));
    return undefined;
  }
  for (const [k, value] of Object.entries(v)) {
    if (value === undefined) continue;
    if (k === "modules") checkModules(value, `${key}.modules`, out);
    else if (k === "mode") {
      if (!LAZY_MODES.includes(value as never)) {
        out.push(error("OPTION_INVALID", `slimfn option "${key}.mode" must be one of ${LAZY_MODES.map((m) => JSON.stringify(m)).join(", ")}, got ${describe(value)}.`));
      }
    } else out.push(error("OPTION_UNKNOWN", `Unknown slimfn option "${key}.${k}". Known options of "${key}": mode, modules.`));
  }
  return undefined;
}

/** Resolve a validated `lazy` value into its frozen, defaulted form. */
export function resolveLazy(v: string[] | LazyOptions | undefined): ResolvedLazyOptions {
  if (v === undefined) return LAZY_DEFAULTS;
  const set = Array.isArray(v) ? { modules: v } : v;
  return Object.freeze({
    modules: Object.freeze([...(set.modules ?? [])]),
    mode: set.mode ?? LAZY_DEFAULTS.mode,
  });
}
