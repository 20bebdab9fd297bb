/**
 * Virtual modules for deferred loads. `require("x")` would resolve with the `require` condition
 * and bundle a dual package's CommonJS copy beside its ESM copy (two instances, `instanceof`
 * broken). Loading a virtual module that imports the names used from "x" keeps the import
 * conditions, one copy, and the deferral: the bundler wraps a required ES module in a lazy
 * init, and gives an `import()`ed one its own chunk.
 *
 * The virtual module exports one object, `ns`, whose getters read the imported bindings, and
 * the rewritten code reads `ns.name` where it read `name`. Re-exporting the names instead
 * (`export { lookup } from "mime-types"`) changed what CommonJS imports compute: an ES module
 * chunk copies a CommonJS export once when it loads (getters and later assignments were lost),
 * and an `import()` chunk of a CommonJS package exported only `default`. Reading the binding
 * through a getter reads it where and when the eager code would, with the same interop.
 */

/** Prefix of every virtual module id (a `\0` keeps other plugins' hands off it). */
export const VIRTUAL_PREFIX = "\0slimfn-lazy:";
/** The one export of a virtual module. */
export const VIRTUAL_EXPORT = "ns";
const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * The id of the virtual module that reads `names` of `specifier`. `"*"` among the names reads
 * the whole namespace; names that are not identifiers fall back to that. `nodeEsm`: the
 * importer is an ES module in Node's sense (`.mjs`/`.mts`, or `"type": "module"`), where
 * esbuild's CommonJS interop takes `module.exports` as the default even with `__esModule`; the
 * virtual module must be read the same way. `async`: loaded with `import()` only (after the
 * build, chunks that sync loads `require` are checked for top-level await; these are not).
 */
export function virtualId(specifier: string, names: readonly string[], flags: VirtualFlags = {}): string {
  const list = names.every((n) => n === "*" || IDENT.test(n)) ? names : ["*"];
  const all = list.includes("*") ? ["*"] : list;
  return `${VIRTUAL_PREFIX}${flags.nodeEsm ? "esm:" : ""}${flags.async ? "async:" : ""}${[...new Set(all)].sort().join(",")}|${specifier}`;
}

/**
 * The extension of the name a bundler knows a virtual module by. Bundlers take a module's
 * CommonJS interop from its name: esbuild and Rolldown read CommonJS the Node way (the default
 * is `module.exports`, even with `__esModule`) only in a module whose name ends in `.mjs` (or
 * whose package.json, which a virtual module has none of, says `"type": "module"`); the
 * importer's package.json is not the answer (an `.mts` file is an ES module whatever it says).
 * Other importers' get `.js`: a name ending in its target's `.cjs` made Rolldown refuse the
 * virtual module's `import` statements.
 */
export const virtualExtension = (v: VirtualFlags): string => (v.nodeEsm ? ".mjs" : ".js");
/** A path's extension (`""` when it has none). */
const extensionOf = (file: string) => /\.[^./\\]*$/.exec(file)?.[0] ?? "";

/**
 * The id a rollup-shaped bundler knows a virtual module by once its target is resolved: the
 * resolved target in place of the specifier, ending in the interop's extension (see
 * virtualExtension). A target with another extension gets this one in its place, and its own
 * rides in the id (`ext=.cjs:`): the chunk is still named after the target (`index` after its
 * folder), as the bundler names a chunk after its module's file name.
 */
export function resolvedVirtualId(target: string, names: readonly string[], flags: VirtualFlags): string {
  const ext = extensionOf(target);
  const wanted = virtualExtension(flags);
  if (ext === wanted) return virtualId(target, names, flags);
  const id = virtualId(`${target.slice(0, target.length - ext.length)}${wanted}`, names, flags);
  return `${VIRTUAL_PREFIX}ext=${ext}:${id.slice(VIRTUAL_PREFIX.length)}`;
}

export interface VirtualFlags {
  /** The importer is an ES module in Node's sense. */
  nodeEsm?: boolean;
  /** Loaded with `import()` (async mode), never with `require`. */
  async?: boolean;
}

/** The specifier and names a virtual id stands for, or undefined for other ids. */
export function parseVirtualId(id: string): ({ specifier: string; names: string[] } & Required<VirtualFlags>) | undefined {
  if (!id.startsWith(VIRTUAL_PREFIX)) return undefined;
  let rest = id.slice(VIRTUAL_PREFIX.length);
  const flag = (name: string) => {
    const has = rest.startsWith(`${name}:`);
    if (has) rest = rest.slice(name.length + 1);
    return has;
  };
  // The target's own extension, when a resolved id ends in another (see resolvedVirtualId).
  const ext = /^ext=([^:]*):/.exec(rest);
  if (ext) rest = rest.slice(ext[0].length);
  const nodeEsm = flag("esm");
  const async = flag("async");
  const bar = rest.indexOf("|");
  if (bar === -1) return undefined;
  const list = rest.slice(0, bar);
  const specifier = rest.slice(bar + 1);
  return { specifier: ext ? `${specifier.slice(0, specifier.length - extensionOf(specifier).length)}${ext[1]}` : specifier, names: list === "" ? [] : list.split(","), nodeEsm, async };
}

/**
 * The body of a virtual module: `names` each imported from its source (the package itself, or
 * the file that defines it), read through getters of the exported object.
 */
export function namespaceBody(specifier: string, sources: readonly { name: string; from: string; as: string }[] | "*"): string {
  if (sources === "*") return `import * as all from ${JSON.stringify(specifier)};\nexport const ${VIRTUAL_EXPORT} = all;\n`;
  const lines = sources.map((s, i) => `import { ${s.as === "default" ? "default" : s.as} as v${i} } from ${JSON.stringify(s.from)};`);
  const getters = sources.map((s, i) => `get ${s.name}() { return v${i}; }`);
  return `${lines.join("\n")}\nexport const ${VIRTUAL_EXPORT} = { ${getters.join(", ")} };\n`;
}

/** The body of the virtual module (resolved from the importer's folder). */
export function virtualBody(specifier: string, names: readonly string[]): string {
  return namespaceBody(specifier, names.includes("*") ? "*" : names.map((name) => ({ name, from: specifier, as: name })));
}
