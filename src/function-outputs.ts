/**
 * Which outputs of a build are functions, and what each one needs: its files, the bytes of its
 * modules, the imports it leaves for run time and the names its entry exports. Every adapter
 * describes its bundler's output as `EmittedChunk`s; the rules are here, once.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { BundleOutput, EmittedChunk, ExternalImport, FunctionOutput, ModuleBytes } from "./build-output.js";
import { exportsOfSource, isCommonJsEntry } from "./entry-exports.js";
import { zipsSourceMapFiles } from "./lean-defaults.js";
import { isBuiltin } from "./specifiers.js";

const isJs = (file: string) => /\.[cm]?js$/.test(file);

/**
 * Whether a chunk is one of the user's functions. A function is one of the entries the user
 * wrote (`entries`, relative to `root`), not an `import()` target; where the bundler cannot say
 * and an entry cannot be matched by path (a glob, a package name), not an `import()` target.
 */
function functionTest(entries: readonly string[], root: string): (chunk: EmittedChunk) => boolean {
  const written = new Set(entries.map((e) => path.resolve(root, e)));
  const unmatched = entries.some((e) => /[*?{[]/.test(e) || !existsSync(path.resolve(root, e)));
  return (chunk) =>
    chunk.entryPoint !== undefined && isJs(chunk.file) && (chunk.isEntry ?? (written.has(chunk.entryPoint) || (unmatched && !chunk.importTarget)));
}

/** The output files a function needs: its entry, every file it loads, and their maps when they ship. */
function functionFiles(bundle: BundleOutput, byFile: ReadonlyMap<string, EmittedChunk>, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !bundle.files.has(file)) return;
    seen.add(file);
    for (const f of byFile.get(file)?.loads ?? []) visit(f);
  };
  visit(entry);
  const files = [...seen];
  if (zipsSourceMapFiles(bundle.sourcemap)) for (const f of seen) if (bundle.files.has(`${f}.map`)) files.push(`${f}.map`);
  return files;
}

/**
 * The functions of a build. `entries` are the entry points as the user wrote them; `lazyExternals`
 * names the packages the lazy rewrite loads from a function's modules, which a bundler may not
 * list as imports (rollup does not).
 */
export function functionOutputs(
  bundle: BundleOutput,
  entries: readonly string[],
  root: string,
  lazyExternals: (modules: ReadonlySet<string>) => readonly string[],
): FunctionOutput[] {
  const byFile = new Map(bundle.chunks.map((c) => [c.file, c]));
  const isFunction = functionTest(entries, root);
  const functions: FunctionOutput[] = [];
  for (const chunk of bundle.chunks.filter(isFunction)) {
    const files = functionFiles(bundle, byFile, chunk.file);
    const modules: ModuleBytes[] = [];
    const specifiers = new Set<string>();
    for (const c of files.flatMap((f) => byFile.get(f) ?? [])) {
      modules.push(...c.modules);
      // Built-ins are the runtime's: nothing to ship, nothing to list.
      for (const s of c.externals) if (!isBuiltin(s)) specifiers.add(s);
    }
    for (const s of lazyExternals(new Set(modules.map((m) => m.path)))) specifiers.add(s);
    const externals: ExternalImport[] = [...specifiers].map((specifier) => ({ specifier }));
    const source = chunk.entryPoint!;
    // CommonJS output of a CommonJS entry is `module.exports = ...`: its names come from the source.
    const exports = bundle.format === "cjs" ? exportsOfSource(source) : [...chunk.exports];
    // ES output of a CommonJS entry exports only `default`; only then is the source read.
    const commonJsEntryAsEsm = bundle.format === "esm" && exports.length === 1 && exports[0] === "default" && isCommonJsEntry(source);
    functions.push({ entry: chunk.file, source, exports, files, modules, externals, ...(commonJsEntryAsEsm ? { commonJsEntryAsEsm } : {}) });
  }
  return functions;
}
