/**
 * Rollup's (and Rolldown's) output bundle and module infos, read into the core's neutral shapes:
 * the build output (functions, files, per-module bytes, externals), the module graph and the
 * output chunks. Translation only.
 */
import path from "node:path";
import type { NormalizedOutputOptions, OutputBundle, OutputChunk, PluginContext } from "rollup";
import type { BuildOutput, ExternalImport, FunctionOutput, ModuleBytes } from "../../src/build-output.js";
import { exportsOfSource, isCommonJsEntry } from "../../src/entry-exports.js";
import type { OutputChunk as NeutralChunk } from "../../src/lazy/chunk-tla.js";
import type { EdgeKind, ModuleGraph } from "../../src/lazy/graph.js";
import { zipsSourceMapFiles } from "../../src/lean-defaults.js";
import { normaliseModuleId } from "../../src/module-ids.js";
import { scaleToBytes } from "../../src/report/scale.js";
import { isBuiltin } from "../../src/specifiers.js";

type ModuleContext = Pick<PluginContext, "getModuleIds" | "getModuleInfo">;

/**
 * The core's name of a module: root-relative paths, and a lazy virtual module as esbuild names
 * it (`slimfn-lazy:<specifier>`, own code), not by the package path its id carries.
 */
export function moduleNamer(root: string, lazy: ReadonlyMap<string, string>): (id: string) => string {
  return (id) => {
    const spec = lazy.get(id);
    return spec !== undefined ? `slimfn-lazy:${spec}` : normaliseModuleId(id, root);
  };
}

export function outputDir(output: NormalizedOutputOptions, root: string): string {
  return path.resolve(root, output.dir ?? (output.file ? path.dirname(output.file) : "dist"));
}

const chunksOf = (bundle: OutputBundle) => Object.values(bundle).filter((o): o is OutputChunk => o.type === "chunk");

/** The module graph, from rollup's module infos. `lazy` maps virtual lazy ids to what they load. */
export function toGraph(ctx: ModuleContext, name: (id: string) => string, lazy: ReadonlyMap<string, string>): ModuleGraph {
  const modules: ModuleGraph["modules"] = new Map();
  const entries: string[] = [];
  const virtual = new Map<string, string>();
  const bundled = (id: string) => ctx.getModuleInfo(id)?.isExternal === false;
  for (const id of ctx.getModuleIds()) {
    const info = ctx.getModuleInfo(id);
    if (!info || info.isExternal) continue;
    const key = name(id);
    if (info.isEntry) entries.push(key);
    const edge = (target: string, kind: EdgeKind) => {
      const spec = lazy.get(target);
      const p = name(target);
      if (spec !== undefined) virtual.set(p, spec);
      return { path: p, kind: spec !== undefined ? ("lazy" as const) : kind };
    };
    const imports = [
      ...info.importedIds.filter(bundled).map((i) => edge(i, "static")),
      ...info.dynamicallyImportedIds.filter(bundled).map((i) => edge(i, "dynamic")),
    ];
    // `\0x?commonjs-proxy` and x are one module to the core: their edges add up.
    const prev = modules.get(key);
    modules.set(key, { bytes: 0, imports: prev ? [...prev.imports, ...imports] : imports });
  }
  return { modules, entries, virtual };
}

/** Output chunks for the core's chunk check; a lazy chunk is named by the specifier it loads. */
export function toChunks(bundle: OutputBundle, lazy: ReadonlyMap<string, string>, output: NormalizedOutputOptions, root: string): NeutralChunk[] {
  const outdir = outputDir(output, root);
  const rel = (fileName: string) => path.relative(root, path.join(outdir, fileName)).split(path.sep).join("/");
  return chunksOf(bundle).map((c) => {
    const spec = c.facadeModuleId ? lazy.get(c.facadeModuleId) : undefined;
    return { file: rel(c.fileName), ...(spec !== undefined ? { entryPoint: `slimfn-lazy:${spec}` } : {}), imports: c.imports.filter((i) => bundle[i]).map(rel), code: c.code };
  });
}

/** The output files a function needs: its entry chunk, every chunk it loads, their assets and maps. */
function functionFiles(bundle: OutputBundle, entry: string, maps: boolean): { chunks: OutputChunk[]; files: string[] } {
  const seen = new Set<string>();
  const chunks: OutputChunk[] = [];
  const visit = (fileName: string) => {
    const c = bundle[fileName];
    if (seen.has(fileName) || !c) return;
    seen.add(fileName);
    if (c.type !== "chunk") return;
    chunks.push(c);
    for (const i of [...c.imports, ...c.dynamicImports]) visit(i);
    // Rolldown has no referencedFiles (assets of import.meta.ROLLUP_FILE_URL_...).
    for (const f of (c as { referencedFiles?: readonly string[] }).referencedFiles ?? []) visit(f);
  };
  visit(entry);
  const files = [...seen];
  if (maps) for (const f of seen) if (bundle[`${f}.map`]) files.push(`${f}.map`);
  return { chunks, files };
}

/**
 * Translate the bundle into the neutral build. `lazyExternals` names the external packages the
 * lazy rewrite requires from the given modules: the output has no import of them.
 */
export function toBuildOutput(
  bundle: OutputBundle,
  output: NormalizedOutputOptions,
  root: string,
  name: (id: string) => string,
  lazyExternals: (modules: ReadonlySet<string>) => string[],
): Omit<BuildOutput, "lazy"> {
  const outdir = outputDir(output, root);
  const abs = (fileName: string) => path.join(outdir, fileName);
  const maps = zipsSourceMapFiles(output.sourcemap === "hidden" ? "external" : output.sourcemap);
  const functions: FunctionOutput[] = [];
  for (const entry of chunksOf(bundle).filter((c) => c.isEntry)) {
    const { chunks, files } = functionFiles(bundle, entry.fileName, maps);
    const modules: ModuleBytes[] = [];
    const externals: ExternalImport[] = [];
    for (const c of chunks) {
      // renderedLength is measured before minification, in UTF-16 units: scale to the real bytes.
      const ids = Object.keys(c.modules).filter((id) => c.modules[id]!.renderedLength > 0);
      const bytes = scaleToBytes(ids.map((id) => c.modules[id]!.renderedLength), Buffer.byteLength(c.code));
      ids.forEach((id, i) => modules.push({ path: name(id), bytes: bytes[i]!, output: abs(c.fileName) }));
      for (const i of [...c.imports, ...c.dynamicImports]) if (!bundle[i] && !isBuiltin(i)) externals.push({ specifier: i });
    }
    for (const specifier of lazyExternals(new Set(modules.map((m) => m.path)))) {
      if (!externals.some((e) => e.specifier === specifier)) externals.push({ specifier });
    }
    // commonjs names a CommonJS entry `\0<file>?commonjs-entry`: the file is what counts.
    const source = entry.facadeModuleId ? path.resolve(root, normaliseModuleId(entry.facadeModuleId, root)) : undefined;
    // CommonJS output of a CommonJS entry is `module.exports = ...`: its names come from the source.
    const exports = output.format === "cjs" && source ? exportsOfSource(source) : [...entry.exports];
    // ES output of a CommonJS entry exports only `default`; only then is the source read.
    const commonJsEntryAsEsm = output.format === "es" && exports.length === 1 && exports[0] === "default" && !!source && isCommonJsEntry(source);
    functions.push({ entry: abs(entry.fileName), exports, files: files.map(abs), modules, externals, ...(commonJsEntryAsEsm ? { commonJsEntryAsEsm } : {}) });
  }
  const files: BuildOutput["files"] = new Map();
  for (const o of Object.values(bundle)) {
    const contents = o.type === "chunk" ? Buffer.from(o.code) : typeof o.source === "string" ? Buffer.from(o.source) : o.source;
    files.set(abs(o.fileName), { path: abs(o.fileName), contents });
  }
  return { format: output.format === "cjs" ? "cjs" : "esm", outdir, files, functions };
}
