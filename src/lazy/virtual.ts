/**
 * Virtual modules for sync mode. `require("x")` would resolve with the `require` condition
 * and bundle a dual package's CommonJS copy beside its ESM copy (two instances, `instanceof`
 * broken). Requiring a virtual module whose body is `export * from "x"` keeps the import
 * conditions, one copy, and the deferral: the bundler wraps a required ES module in a lazy init.
 */

/** Prefix of every virtual module id (a `\0` keeps other plugins' hands off it). */
export const VIRTUAL_PREFIX = "\0slimfn-lazy:";
const DEFAULT_MARK = "default+";

export function virtualId(specifier: string, withDefault: boolean): string {
  return `${VIRTUAL_PREFIX}${withDefault ? DEFAULT_MARK : ""}${specifier}`;
}

/** The specifier and default flag a virtual id stands for, or undefined for other ids. */
export function parseVirtualId(id: string): { specifier: string; withDefault: boolean } | undefined {
  if (!id.startsWith(VIRTUAL_PREFIX)) return undefined;
  const rest = id.slice(VIRTUAL_PREFIX.length);
  return rest.startsWith(DEFAULT_MARK) ? { specifier: rest.slice(DEFAULT_MARK.length), withDefault: true } : { specifier: rest, withDefault: false };
}

/** The body of the virtual module for `specifier` (resolved from the importer's folder). */
export function virtualBody(specifier: string, withDefault: boolean): string {
  const s = JSON.stringify(specifier);
  return `export * from ${s};\n${withDefault ? `export { default } from ${s};\n` : ""}`;
}
