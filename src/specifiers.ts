/**
 * Import specifiers as Node reads them: built-ins, bare specifiers, and the package a bare
 * specifier names. One definition for the lazy allowlist, shipping, the size model and the
 * adapters.
 */
import path from "node:path";

/** True for `fs`, `node:fs`, `fs/promises`, `node:test`: modules the runtime provides (Node's own list). */
export { isBuiltin } from "node:module";

/** True for a bare specifier (`sharp`, `@img/x/y`), false for relative, absolute, `#` or URL ones. */
export function isBareSpecifier(specifier: string): boolean {
  if (specifier === "" || specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("#")) {
    return false;
  }
  return !/^[a-zA-Z][a-zA-Z+.-]*:/.test(specifier) && !path.isAbsolute(specifier);
}

/**
 * The package a bare specifier names: `@scope/name/sub/path` -> `@scope/name`, `name/sub` ->
 * `name`; undefined for paths, URLs, `#` imports and a scope without a name.
 */
export function packageName(specifier: string): string | undefined {
  if (!isBareSpecifier(specifier)) return undefined;
  const parts = specifier.split("/");
  if (specifier.startsWith("@")) return parts[1] ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0] || undefined;
}
