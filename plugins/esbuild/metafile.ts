/**
 * esbuild's metafile, read into the core's neutral shapes: the build output (functions, files,
 * per-module bytes, externals), the module graph and the output chunks.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { BuildOptions, Metafile } from "esbuild";
import type { BuildOutput, ExternalImport, FunctionOutput, ModuleBytes, OutputFile } from "../../src/build-output.js";
import { exportsOfSource, isCommonJsEntry } from "../../src/entry-exports.js";
import type { OutputChunk } from "../../src/lazy/chunk-tla.js";
import type { EdgeKind, ModuleGraph } from "../../src/lazy/graph.js";
import { parseVirtualId } from "../../src/lazy/virtual.js";
import { zipsSourceMapFiles } from "../../src/lean-defaults.js";
import { isBuiltin } from "../../src/specifiers.js";

/** Entry points as written in esbuild's `entryPoints` (array, `{ in, out }` items or object). */
export function entryPaths(entryPoints: BuildOptions["entryPoints"]): string[] {
  if (!entryPoints) return [];
  if (Array.isArray(entryPoints)) return entryPoints.map((e) => (typeof e === "string" ? e : e.in));
  return Object.values(entryPoints);
}

/** The output files a function needs: its entry, every chunk it imports, and their maps. */
function functionFiles(metafile: Metafile, entryKey: string, maps: boolean): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !metafile.outputs[key]) return;
    seen.add(key);
    for (const imp of metafile.outputs[key]!.imports) {
      if (!imp.external && (imp.kind === "import-statement" || imp.kind === "dynamic-import" || imp.kind === "require-call")) visit(imp.path);
    }
  };
  visit(entryKey);
  if (maps) for (const key of [...seen]) if (metafile.outputs[`${key}.map`]) seen.add(`${key}.map`);
  return [...seen];
}

/** Translate esbuild's metafile into the neutral description of the build. */
export function toBuildOutput(initial: BuildOptions, root: string, metafile: Metafile, files: readonly OutputFile[]): Omit<BuildOutput, "lazy"> {
  const outdir = path.resolve(root, initial.outdir ?? path.dirname(initial.outfile ?? "."));
  const abs = (key: string) => path.resolve(root, key);
  // esbuild gives `import()` targets an `entryPoint` too: a function is one of the user's entries.
  const written = entryPaths(initial.entryPoints);
  const userEntries = new Set(written.map((e) => path.resolve(root, e)));
  // Globs and package names cannot be matched by path: fall back to "not an import() target".
  const unmatched = written.some((e) => /[*?{[]/.test(e) || !existsSync(path.resolve(root, e)));
  const importTargets = new Set(
    Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === "dynamic-import").map((i) => i.path)),
  );
  const isFunction = (key: string, entryPoint: string) =>
    userEntries.has(path.resolve(root, entryPoint)) || (unmatched && !importTargets.has(key));
  const functions: FunctionOutput[] = [];
  for (const [key, output] of Object.entries(metafile.outputs)) {
    if (!output.entryPoint || !/\.[cm]?js$/.test(key) || !isFunction(key, output.entryPoint)) continue;
    const keys = functionFiles(metafile, key, zipsSourceMapFiles(initial.sourcemap));
    const modules: ModuleBytes[] = [];
    const externals: ExternalImport[] = [];
    for (const k of keys) {
      const out = metafile.outputs[k]!;
      for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
        modules.push({ path: input, bytes: bytesInOutput, output: abs(k) });
      }
      for (const imp of out.imports ?? []) {
        if (imp.external && !isBuiltin(imp.path)) externals.push({ specifier: imp.path });
      }
    }
    // CommonJS output lists no exports in the metafile: read them from the entry's source.
    const exports = initial.format === "cjs" ? exportsOfSource(path.resolve(root, output.entryPoint)) : output.exports;
    // ESM output of a CommonJS entry exports only `default`; only then is the source read.
    const commonJsEntryAsEsm = initial.format !== "cjs" && exports.length === 1 && exports[0] === "default" && isCommonJsEntry(path.resolve(root, output.entryPoint));
    functions.push({ entry: abs(key), exports, files: keys.map(abs), modules, externals, ...(commonJsEntryAsEsm ? { commonJsEntryAsEsm } : {}) });
  }
  return {
    format: initial.format === "cjs" ? "cjs" : "esm",
    outdir,
    files: new Map(files.map((f) => [f.path, { path: f.path, contents: f.contents }])),
    inputs: Object.keys(metafile.inputs).map((key) => path.resolve(root, key)),
    functions,
  };
}

/** The neutral module graph of an esbuild metafile. */
export function toGraph(metafile: Metafile): ModuleGraph {
  const bytes = new Map<string, number>();
  for (const out of Object.values(metafile.outputs)) {
    // A module's bytes in one function's bundle: without splitting, every entry's output holds
    // its own copy, and summing them counted a package once per function (issue 15).
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) bytes.set(input, Math.max(bytes.get(input) ?? 0, bytesInOutput));
  }
  const virtual = new Map<string, string>();
  const modules: ModuleGraph["modules"] = new Map();
  const externals: NonNullable<ModuleGraph["externals"]> = new Map();
  for (const [id, input] of Object.entries(metafile.inputs)) {
    const out = input.imports.filter((i) => i.external).map((i) => ({ path: i.path, kind: (i.kind === "dynamic-import" ? "dynamic" : i.kind === "require-call" ? "require" : "static") as EdgeKind }));
    if (out.length) externals.set(id, out);
    const imports = input.imports
      .filter((i) => !i.external)
      .map((i) => {
        const v = i.original !== undefined ? parseVirtualId(i.original) : undefined;
        if (v) virtual.set(i.path, v.specifier);
        const kind: EdgeKind = v ? "lazy" : i.kind === "dynamic-import" ? "dynamic" : i.kind === "require-call" ? "require" : "static";
        return i.original !== undefined ? { path: i.path, kind, original: i.original } : { path: i.path, kind };
      });
    modules.set(id, { bytes: bytes.get(id) ?? 0, imports });
  }
  const entries = Object.values(metafile.outputs).flatMap((o) => (o.entryPoint && !isImportTarget(metafile, o.entryPoint) ? [o.entryPoint] : []));
  return { modules, entries, virtual, externals };
}

/** esbuild gives `import()` targets an `entryPoint` too; those are not the user's entries. */
function isImportTarget(metafile: Metafile, input: string): boolean {
  return Object.values(metafile.inputs).some((i) => i.imports.some((imp) => imp.kind === "dynamic-import" && imp.path === input));
}

/** The output chunks with their code, as the core's required-chunk check reads them. */
export function toChunks(metafile: Metafile, root: string, outputs: readonly { path: string; text: string }[]): OutputChunk[] {
  const text = new Map(outputs.map((o) => [path.relative(root, o.path).split(path.sep).join("/"), o.text]));
  return Object.entries(metafile.outputs)
    .filter(([file]) => /\.[cm]?js$/.test(file))
    .map(([file, o]) => ({
      file,
      ...(o.entryPoint !== undefined ? { entryPoint: o.entryPoint } : {}),
      imports: o.imports.filter((i) => i.kind === "import-statement" && !i.external).map((i) => i.path),
      code: text.get(file) ?? "",
    }));
}
