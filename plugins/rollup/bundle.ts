/**
 * Rollup's (and Rolldown's) output bundle and module infos, read into the core's neutral shapes:
 * the build output (files, and per chunk its entry, exports, loads, externals and module bytes),
 * the module graph and the output chunks. Translation only: which chunks are functions, and
 * what each ships, is the core's rule (src/function-outputs.ts).
 */
import path from "node:path";
import type { ModuleInfo, NormalizedOutputOptions, OutputBundle, OutputChunk, PluginContext } from "rollup";
import type { BundleOutput, EmittedChunk } from "../../src/build-output.js";
import type { OutputChunk as NeutralChunk } from "../../src/lazy/chunk-tla.js";
import type { EdgeKind, ModuleGraph } from "../../src/lazy/graph.js";
import { parseVirtualId } from "../../src/lazy/virtual.js";
import { normaliseModuleId } from "../../src/module-ids.js";
import { scaleToBytes } from "../../src/report/scale.js";

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

/** Rolldown's module infos have no `isExternal`: there, an external module is one without code. */
const isExternal = (info: ModuleInfo) => (info as { isExternal?: boolean }).isExternal ?? info.code == null;

/**
 * The module graph, from rollup's module infos (its entries are the core's to say). `lazy` maps
 * virtual lazy ids to what they load.
 */
export function toGraph(ctx: ModuleContext, name: (id: string) => string, lazy: ReadonlyMap<string, string>): Omit<ModuleGraph, "entries"> {
  const modules: ModuleGraph["modules"] = new Map();
  const virtual = new Map<string, string>();
  const bundled = (id: string) => {
    const info = ctx.getModuleInfo(id);
    return info !== null && !isExternal(info);
  };
  for (const id of ctx.getModuleIds()) {
    const info = ctx.getModuleInfo(id);
    if (!info || isExternal(info)) continue;
    const key = name(id);
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
  return { modules, virtual };
}

/** Output chunks for the core's chunk check; a lazy chunk is named by the specifier it loads. */
export function toChunks(bundle: OutputBundle, lazy: ReadonlyMap<string, string>, output: NormalizedOutputOptions, root: string): NeutralChunk[] {
  const outdir = outputDir(output, root);
  const rel = (fileName: string) => path.relative(root, path.join(outdir, fileName)).split(path.sep).join("/");
  return chunksOf(bundle).map((c) => {
    const spec = c.facadeModuleId ? lazy.get(c.facadeModuleId) : undefined;
    // A sync load requires its chunk; async mode's (`async:` in the id) only import() it.
    const required = spec !== undefined && !parseVirtualId(c.facadeModuleId!)?.async ? { required: spec } : {};
    return { file: rel(c.fileName), ...(spec !== undefined ? { entryPoint: `slimfn-lazy:${spec}` } : {}), ...required, imports: c.imports.filter((i) => bundle[i]).map(rel), code: c.code };
  });
}

/** Translate the bundle into the neutral build. Which chunks are functions is the core's rule. */
export function toBundleOutput(bundle: OutputBundle, output: NormalizedOutputOptions, root: string, name: (id: string) => string): BundleOutput {
  const outdir = outputDir(output, root);
  const abs = (fileName: string) => path.join(outdir, fileName);
  const chunks: EmittedChunk[] = chunksOf(bundle).map((c) => {
    // renderedLength is measured before minification, in UTF-16 units: scale to the real bytes.
    const ids = Object.keys(c.modules).filter((id) => c.modules[id]!.renderedLength > 0);
    const bytes = scaleToBytes(ids.map((id) => c.modules[id]!.renderedLength), Buffer.byteLength(c.code));
    const imported = [...c.imports, ...c.dynamicImports];
    // Rolldown has no referencedFiles (assets of import.meta.ROLLUP_FILE_URL_...).
    const assets = (c as { referencedFiles?: readonly string[] }).referencedFiles ?? [];
    // commonjs names a CommonJS entry `\0<file>?commonjs-entry`: the file is what counts.
    const source = c.facadeModuleId ? path.resolve(root, normaliseModuleId(c.facadeModuleId, root)) : undefined;
    // Joined once per chunk, not once per module in it.
    const file = abs(c.fileName);
    return {
      file,
      ...(source !== undefined ? { entryPoint: source } : {}),
      isEntry: c.isEntry,
      importTarget: c.isDynamicEntry,
      exports: c.exports,
      loads: [...imported, ...assets].filter((i) => bundle[i]).map(abs),
      externals: imported.filter((i) => !bundle[i]),
      modules: ids.map((id, i) => ({ path: name(id), bytes: bytes[i]!, output: file })),
    };
  });
  const files: BundleOutput["files"] = new Map();
  for (const o of Object.values(bundle)) {
    const contents = o.type === "chunk" ? Buffer.from(o.code) : typeof o.source === "string" ? Buffer.from(o.source) : o.source;
    files.set(abs(o.fileName), { path: abs(o.fileName), contents });
  }
  return { format: output.format === "cjs" ? "cjs" : "esm", outdir, files, chunks, sourcemap: output.sourcemap === "hidden" ? "external" : output.sourcemap };
}
