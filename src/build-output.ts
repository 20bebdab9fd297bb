import type { ModuleGraph } from "./lazy/graph.js";
import type { LazyDecision } from "./lazy/types.js";

/**
 * The neutral description of a finished bundler build: what each adapter hands to the core.
 * No esbuild or rollup types leak past this point.
 */

/** One file the bundler emitted. */
export interface OutputFile {
  /** Absolute path. */
  path: string;
  contents: Uint8Array;
}

/** Bytes a source module contributed to one output file (esbuild `bytesInOutput`). */
export interface ModuleBytes {
  /** Module path relative to the project root, `/`-separated, as the bundler names it. */
  path: string;
  /** Bytes of this module in `output`. */
  bytes: number;
  /** Absolute path of the output file the bytes sit in. */
  output: string;
}

/** An import the bundler left unbundled. */
export interface ExternalImport {
  /** The specifier as written (`sharp`, `@aws-sdk/client-s3/foo`). */
  specifier: string;
  /** Absolute path of the source file that imports it, when known. */
  importer?: string;
}

/** One function: an entry point and everything it loads. */
export interface FunctionOutput {
  /** Absolute path of the entry's output file. */
  entry: string;
  /** Absolute path of the entry's source module, when known. */
  source?: string;
  /** Names the entry exports (metafile `exports`). */
  exports: string[];
  /** The entry is a CommonJS module built as ESM: its output exports only `default`. */
  commonJsEntryAsEsm?: boolean;
  /** Absolute paths of every output file this function needs: entry, chunks, their maps. */
  files: string[];
  /** Per-module bytes over all of `files`. */
  modules: ModuleBytes[];
  /** Imports left external by the bundler (runtime-provided or shipped by slimfn). */
  externals: ExternalImport[];
}

export interface BuildOutput {
  /** Lazy-import decisions of the whole build (src/lazy), after the post-build check. */
  lazy?: LazyDecision[];
  /** The build's module graph (lazy edges marked), for the size model's `imports`. */
  graph?: ModuleGraph;
  /** Module format of the output: decides how Lambda must load `.js` files. */
  format: "esm" | "cjs";
  /** Absolute output folder (esbuild `outdir`, or the folder of `outfile`). */
  outdir: string;
  /** Every output file of the build, in memory. */
  files: Map<string, OutputFile>;
  /** Absolute paths of every source file the bundler read (esbuild metafile `inputs`). */
  inputs?: string[];
  functions: FunctionOutput[];
}

/**
 * One JavaScript output file as the bundler describes it: the adapter's translation of its
 * bundler's output, before any rule. The core decides from these which are functions and what
 * each one ships (src/function-outputs.ts).
 */
export interface EmittedChunk {
  /** Absolute path. */
  file: string;
  /** Absolute path of the source module this file is the entry chunk of (esbuild `entryPoint`, rollup `facadeModuleId`). */
  entryPoint?: string;
  /**
   * Whether the bundler says this is one of the build's entries (rollup `isEntry`); undefined
   * when it cannot tell (esbuild gives `import()` targets an `entryPoint` too).
   */
  isEntry?: boolean;
  /** The file is the target of an `import()` of another output. */
  importTarget: boolean;
  /** Names it exports, as the bundler lists them (esbuild lists none for CommonJS output). */
  exports: readonly string[];
  /** Absolute paths of the other output files it loads: imports, `import()`s, `require`s, assets. */
  loads: readonly string[];
  /** Specifiers it leaves for run time (Node built-ins included: the core leaves those out). */
  externals: readonly string[];
  /** Bytes per module in this file. */
  modules: readonly ModuleBytes[];
}

/** A finished bundler build in neutral terms: what an adapter hands to the session's `finish`. */
export interface BundleOutput {
  /** Module format of the output. */
  format: "esm" | "cjs";
  /** Absolute output folder. */
  outdir: string;
  /** Every output file of the build, in memory, by absolute path. */
  files: Map<string, OutputFile>;
  /** Absolute paths of every source file the bundler read, when it says (esbuild metafile `inputs`). */
  inputs?: string[];
  /** The JavaScript output files. */
  chunks: readonly EmittedChunk[];
  /** The source map setting the build ran with (`.map` files go into the zip only for some). */
  sourcemap: boolean | string | undefined;
}
