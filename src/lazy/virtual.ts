/**
 * Virtual modules for sync mode. `require("x")` would resolve with the `require` condition
 * and bundle a dual package's CommonJS copy beside its ESM copy (two instances, `instanceof`
 * broken). Requiring a virtual module whose body is `export * from "x"` keeps the import
 * conditions, one copy, and the deferral: the bundler wraps a required ES module in a lazy init.
 */

/** Prefix of every virtual module id (a `\0` keeps other plugins' hands off it). */
export const VIRTUAL_PREFIX = "\0slimfn-lazy:";
const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * The id of the virtual module that re-exports `names` of `specifier`. `"*"` among the names
 * re-exports everything but the default (`export *`); names that are not identifiers fall
 * back to that.
 */
export function virtualId(specifier: string, names: readonly string[]): string {
  const list = names.every((n) => n === "*" || IDENT.test(n)) ? names : ["*", ...names.filter((n) => n === "default")];
  return `${VIRTUAL_PREFIX}${[...new Set(list)].sort().join(",")}|${specifier}`;
}

/** The specifier and names a virtual id stands for, or undefined for other ids. */
export function parseVirtualId(id: string): { specifier: string; names: string[] } | undefined {
  if (!id.startsWith(VIRTUAL_PREFIX)) return undefined;
  const rest = id.slice(VIRTUAL_PREFIX.length);
  const bar = rest.indexOf("|");
  if (bar === -1) return undefined;
  const list = rest.slice(0, bar);
  return { specifier: rest.slice(bar + 1), names: list === "" ? [] : list.split(",") };
}

/** The body of the virtual module (resolved from the importer's folder). */
export function virtualBody(specifier: string, names: readonly string[]): string {
  const s = JSON.stringify(specifier);
  if (!names.includes("*")) return `export { ${names.join(", ")} } from ${s};\n`;
  return `export * from ${s};\n${names.includes("default") ? `export { default } from ${s};\n` : ""}`;
}
