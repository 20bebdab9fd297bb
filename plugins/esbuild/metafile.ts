/**
 * esbuild's metafile, read into the core's neutral shapes: the build output (output files, and
 * per JavaScript file its entry, exports, loads, externals and module bytes), the module graph
 * and the output chunks. Translation only: which outputs are functions is the core's rule.
 */
import path from "node:path";
import type { BuildOptions, Metafile } from "esbuild";
import type { BundleOutput, EmittedChunk, OutputFile } from "../../src/build-output.js";
import type { OutputChunk } from "../../src/lazy/chunk-tla.js";
import type { EdgeKind, ModuleGraph } from "../../src/lazy/graph.js";
import { parseVirtualId } from "../../src/lazy/virtual.js";

/** Entry points as written in esbuild's `entryPoints` (array, `{ in, out }` items or object). */
export function entryPaths(entryPoints: BuildOptions["entryPoints"]): string[] {
  if (!entryPoints) return [];
  if (Array.isArray(entryPoints)) return entryPoints.map((e) => (typeof e === "string" ? e : e.in));
  return Object.values(entryPoints);
}

/** The kinds of import by which one output file loads another at run time. */
const LOADS = new Set(["import-statement", "dynamic-import", "require-call"]);

/** Translate esbuild's metafile and output files into the neutral description of the build. */
export function toBundleOutput(initial: BuildOptions, root: string, metafile: Metafile, files: readonly OutputFile[]): BundleOutput {
  const abs = (key: string) => path.resolve(root, key);
  const importTargets = new Set(
    Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === "dynamic-import").map((i) => i.path)),
  );
  const chunks: EmittedChunk[] = Object.entries(metafile.outputs)
    .filter(([key]) => /\.[cm]?js$/.test(key))
    .map(([key, o]) => {
      // Resolved once per chunk, not once per module in it (thousands with the AWS SDK).
      const file = abs(key);
      return {
        file,
        ...(o.entryPoint !== undefined ? { entryPoint: abs(o.entryPoint) } : {}),
        importTarget: importTargets.has(key),
        exports: o.exports,
        loads: o.imports.filter((i) => !i.external && LOADS.has(i.kind)).map((i) => abs(i.path)),
        externals: o.imports.filter((i) => i.external).map((i) => i.path),
        modules: Object.entries(o.inputs).map(([input, { bytesInOutput }]) => ({ path: input, bytes: bytesInOutput, output: file })),
      };
    });
  return {
    format: initial.format === "cjs" ? "cjs" : "esm",
    outdir: path.resolve(root, initial.outdir ?? path.dirname(initial.outfile ?? ".")),
    files: new Map(files.map((f) => [f.path, { path: f.path, contents: f.contents }])),
    inputs: Object.keys(metafile.inputs).map(abs),
    chunks,
    sourcemap: initial.sourcemap,
  };
}

/** The neutral module graph of an esbuild metafile (its entries are the core's to say). */
export function toGraph(metafile: Metafile): Omit<ModuleGraph, "entries"> {
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
  return { modules, virtual, externals };
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
