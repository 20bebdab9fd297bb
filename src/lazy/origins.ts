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
import { namespaceBody } from "./virtual.js";

export interface OriginIO {
  /** Resolve `specifier` imported from `fromFile` as the bundler would; undefined when it cannot. */
  resolve(specifier: string, fromFile: string): Promise<string | undefined>;
}

const localFiles = new Map<string, Promise<string | undefined>>();

/**
 * A relative import between a package's own files resolves the same for every bundler on
 * Node: the file itself, with an extension, or a folder's index. Done here (and remembered),
 * it spares a round trip to the bundler for each of the many files an index re-exports.
 */
export function withLocalResolve(io: OriginIO): OriginIO {
  return {
    resolve(specifier, fromFile) {
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) return io.resolve(specifier, fromFile);
      const base = path.resolve(path.dirname(fromFile), specifier);
      let hit = localFiles.get(base);
      if (!hit) {
        hit = (async () => {
          for (const candidate of [base, `${base}.js`, `${base}.mjs`, path.join(base, "index.js"), path.join(base, "index.mjs")]) {
            const stat = await fs.stat(candidate).catch(() => undefined);
            if (stat?.isFile()) return candidate;
          }
          return undefined;
        })();
        localFiles.set(base, hit);
      }
      return hit.then((found) => found ?? io.resolve(specifier, fromFile));
    },
  };
}

interface ModuleInfo {
  exports: { source: string | undefined; imported: string | undefined; exported: string | undefined; star: boolean; namespace: boolean; local: string | undefined }[];
  imports: Map<string, { source: string; imported: string | undefined }>;
}

const parsed = new Map<string, Promise<ModuleInfo | undefined>>();
const sideEffectFree = new Map<string, Promise<boolean>>();

function moduleInfo(file: string): Promise<ModuleInfo | undefined> {
  let hit = parsed.get(file);
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
    parsed.set(file, hit);
  }
  return hit;
}

/** Whether the package that holds `file` declares `"sideEffects": false`. */
function inSideEffectFreePackage(file: string): Promise<boolean> {
  const dir = path.dirname(file);
  let hit = sideEffectFree.get(dir);
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
    sideEffectFree.set(dir, hit);
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
export async function findOrigin(file: string, name: string, io: OriginIO, seen = new Set<string>()): Promise<Origin | undefined> {
  const key = `${file}\n${name}`;
  if (seen.has(key) || seen.size > 200) return undefined;
  seen.add(key);
  const info = await moduleInfo(file);
  if (!info) return undefined;
  const follow = async (source: string, imported: string) => {
    if (!(await inSideEffectFreePackage(file))) return undefined;
    const target = await io.resolve(source, file);
    return target ? findOrigin(target, imported, io, seen) : undefined;
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
export async function originBody(specifier: string, names: readonly string[], fromFile: string, io: OriginIO): Promise<string> {
  const entry = await io.resolve(specifier, fromFile);
  const sources: { name: string; from: string; as: string }[] = [];
  for (const name of names) {
    const origin = entry ? await findOrigin(entry, name, io) : undefined;
    sources.push(!origin || origin.file === entry ? { name, from: specifier, as: name } : { name, from: origin.file, as: origin.name });
  }
  return namespaceBody(specifier, sources);
}
