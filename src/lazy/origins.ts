/**
 * Where an export is defined. A sync-mode virtual module that re-exports `S3Client` from
 * `@aws-sdk/client-s3` makes the bundler wrap the package's index and everything it `export *`s
 * in lazy-init closures, and wrapped modules lose statement-level tree-shaking (measured:
 * @aws-sdk/client-dynamodb's schemas 4.9 kB -> 39 kB, the realistic fixture's output +25%).
 * Re-exporting from the file that defines the name instead keeps the bundle as small as an
 * eager one. Only when every file skipped on the way belongs to a package that declares
 * `"sideEffects": false`: skipping them then changes nothing the program computes.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { parseSync } from "oxc-parser";
import { isRelative, resolveRelative } from "../resolve-relative.js";
import { namespaceBody } from "./virtual.js";

export interface OriginIO {
  /** Resolve `specifier` imported from `fromFile` as the bundler would; undefined when it cannot. */
  resolve(specifier: string, fromFile: string): Promise<string | undefined>;
}

/**
 * What one build has learnt about files, remembered for that build only (a watch rebuild reads
 * the files as they are now): resolved relative imports, parsed exports, `sideEffects` flags.
 */
export interface OriginCache {
  local: Map<string, Promise<string | undefined>>;
  parsed: Map<string, Promise<ModuleInfo | undefined>>;
  sideEffectFree: Map<string, Promise<boolean>>;
}

export const originCache = (): OriginCache => ({ local: new Map(), parsed: new Map(), sideEffectFree: new Map() });

/**
 * A relative import between a package's own files resolves the same for every bundler on
 * Node (src/resolve-relative.ts). Done here (and remembered for the build), it spares a round
 * trip to the bundler for each of the many files an index re-exports.
 */
export function withLocalResolve(io: OriginIO, cache: OriginCache): OriginIO {
  return {
    resolve(specifier, fromFile) {
      if (!isRelative(specifier)) return io.resolve(specifier, fromFile);
      const key = path.resolve(path.dirname(fromFile), specifier);
      let hit = cache.local.get(key);
      if (!hit) cache.local.set(key, (hit = resolveRelative(specifier, path.dirname(fromFile))));
      return hit.then((found) => found ?? io.resolve(specifier, fromFile));
    },
  };
}

export interface ModuleInfo {
  exports: { source: string | undefined; imported: string | undefined; exported: string | undefined; star: boolean; namespace: boolean; local: string | undefined }[];
  imports: Map<string, { source: string; imported: string | undefined }>;
}

function moduleInfo(file: string, cache: OriginCache): Promise<ModuleInfo | undefined> {
  let hit = cache.parsed.get(file);
  if (!hit) {
    hit = fs.readFile(file, "utf8").then(
      (code) => {
        const r = parseSync(file, code, { sourceType: "module" });
        if (r.errors.some((e) => e.severity === "Error")) return undefined;
        const info: ModuleInfo = { exports: [], imports: new Map() };
        for (const e of r.module.staticExports) {
          for (const entry of e.entries) {
            info.exports.push({
              source: entry.moduleRequest?.value,
              imported: entry.importName.name ?? undefined,
              exported: entry.exportName.kind === "Default" ? "default" : (entry.exportName.name ?? undefined),
              star: entry.importName.kind === "AllButDefault",
              namespace: entry.importName.kind === "All",
              local: entry.localName.name ?? undefined,
            });
          }
        }
        for (const i of r.module.staticImports) {
          for (const entry of i.entries) {
            const imported = entry.importName.kind === "Default" ? "default" : entry.importName.kind === "Name" ? (entry.importName.name ?? undefined) : undefined;
            info.imports.set(entry.localName.value, { source: i.moduleRequest.value, imported });
          }
        }
        return info;
      },
      () => undefined,
    );
    cache.parsed.set(file, hit);
  }
  return hit;
}

/** Whether the package that holds `file` declares `"sideEffects": false`. */
function inSideEffectFreePackage(file: string, cache: OriginCache): Promise<boolean> {
  const dir = path.dirname(file);
  let hit = cache.sideEffectFree.get(dir);
  if (!hit) {
    hit = (async () => {
      for (let d = dir; ; d = path.dirname(d)) {
        const pkg = await fs.readFile(path.join(d, "package.json"), "utf8").then(
          (t) => JSON.parse(t) as { name?: string; sideEffects?: unknown },
          () => undefined,
        );
        // Nested package.json files without a name (`{"type":"module"}`) do not end the search.
        if (pkg?.name !== undefined) return pkg.sideEffects === false;
        if (path.dirname(d) === d) return false;
      }
    })();
    cache.sideEffectFree.set(dir, hit);
  }
  return hit;
}

export interface Origin {
  file: string;
  /** The name the origin file exports it under. */
  name: string;
}

/**
 * The file that defines export `name` of `file`, following `export { } from`, `export *` and
 * imports that are exported again. Undefined when it cannot be found, or when a file passed on
 * the way may have side effects.
 */
export async function findOrigin(file: string, name: string, io: OriginIO, cache: OriginCache, seen = new Set<string>()): Promise<Origin | undefined> {
  const key = `${file}\n${name}`;
  if (seen.has(key) || seen.size > 200) return undefined;
  seen.add(key);
  const info = await moduleInfo(file, cache);
  if (!info) return undefined;
  const follow = async (source: string, imported: string) => {
    if (!(await inSideEffectFreePackage(file, cache))) return undefined;
    const target = await io.resolve(source, file);
    return target ? findOrigin(target, imported, io, cache, seen) : undefined;
  };
  for (const e of info.exports) {
    if (e.exported !== name) continue;
    if (e.source !== undefined) return e.namespace || e.imported === undefined ? { file, name } : follow(e.source, e.imported);
    const viaImport = e.local !== undefined ? info.imports.get(e.local) : undefined;
    if (viaImport?.imported !== undefined) return follow(viaImport.source, viaImport.imported);
    return { file, name };
  }
  if (name === "default") return undefined;
  // In source order, stopping at the first that has it: index files `export *` hundreds.
  for (const e of info.exports) {
    if (!e.star || e.source === undefined) continue;
    const found = await follow(e.source, name);
    if (found) return found;
  }
  return undefined;
}

/**
 * The body of a virtual module reading `names` of `specifier` (resolved from `fromFile`), each
 * from the file that defines it where that is safe, else from the package itself.
 */
export async function originBody(specifier: string, names: readonly string[], fromFile: string, io: OriginIO, cache: OriginCache): Promise<string> {
  const entry = await io.resolve(specifier, fromFile);
  const sources: { name: string; from: string; as: string }[] = [];
  for (const name of names) {
    const origin = entry ? await findOrigin(entry, name, io, cache) : undefined;
    sources.push(!origin || origin.file === entry ? { name, from: specifier, as: name } : { name, from: origin.file, as: origin.name });
  }
  return namespaceBody(specifier, sources);
}
