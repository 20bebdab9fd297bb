/**
 * What the lazy-import core decides per import, in bundler-neutral terms. The summary and the
 * size model list these decisions.
 */
import type { Diagnostic } from "../diagnostics.js";

/** How an import is loaded: on first use through `require` (sync) or `import()` (async), or at init. */
export type LazyMode = "sync" | "async" | "eager";

/** Why an import was considered for deferral. */
export type LazyReason = "allowlist" | "annotation" | "import-defer" | "client-annotation";

export interface LazyDecision {
  /** The import specifier as written (`@aws-sdk/client-s3`). */
  module: string;
  mode: LazyMode;
  /** Importing file, relative to the project root, `/`-separated. */
  importer: string;
  /** 1-based line of the import statement. */
  line: number;
  /** 0-based column of the import statement. */
  column: number;
  why: LazyReason;
  /** The allowlist entry that matched, when `why` is "allowlist". */
  entry?: string;
  /** Why it stays eager (mode "eager" only). */
  reason?: string;
  /** Module-scope constants whose initialisers are deferred with this import (issue 5). */
  deferred: string[];
  /**
   * Bundle bytes that left the init path because of this import (filled in after the build
   * from the bundler's module graph; modules shared by several lazy imports count for each).
   */
  bytesMoved?: number;
}

export interface ResolvedLazyOptions {
  /** Allowlist globs over package names. */
  readonly modules: readonly string[];
  readonly mode: "auto" | "sync" | "async";
}

export interface LazyTransformContext {
  /** Project root: locations and decisions name files relative to it. */
  root: string;
  /**
   * True when the output can put `import()` targets in their own chunks (esm + outdir +
   * splitting). `auto` uses async only then; otherwise it falls back to sync.
   */
  splitting: boolean;
  /**
   * Whether the module `specifier`, imported from `file`, has top-level await: such a module
   * cannot be loaded by `require`, so sync mode keeps it eager. Undefined when unknown.
   */
  hasTopLevelAwait?: (specifier: string, file: string) => Promise<boolean | undefined>;
  /**
   * True when sync loads may `require` an ES module chunk: the output is split esm and the
   * runtime's Node loads ES modules with `require` (22.12 and later). Sync mode then puts the
   * module in its own chunk, like async mode, instead of wrapping it in the entry.
   */
  chunkRequire?: boolean;
  /**
   * Whether `file` is an ES module in Node's sense (module-type.ts), remembered for one build.
   * Without it, each transform reads the package.json files afresh.
   */
  isNodeEsm?: (file: string) => Promise<boolean>;
  /** Whether the bundler leaves `specifier` external (not bundled), imported from `file`. */
  isExternal?: (specifier: string, file: string) => Promise<boolean>;
  /**
   * For an import of the project's own module: the names it exports as deferred consts (see
   * `deferredExports`), or undefined when it is not such a module. Without it, importers are
   * not rewritten.
   */
  deferredExportsOf?: (specifier: string, file: string, chain: readonly string[]) => Promise<ReadonlySet<string> | undefined>;
  /**
   * Cheap look-ahead (text tests, no parser) for a file that mentions nothing lazy: false when
   * none of the project modules it imports can export deferred consts, so it is not parsed.
   */
  importsDeferred?: (code: string, file: string) => Promise<boolean>;
  /**
   * Set when the transform runs only to learn a module's deferred exports for its importers
   * (the modules whose analysis is under way): imports are then not looked up.
   */
  analysisChain?: readonly string[];
  /**
   * Prefixes of bare specifiers that name the project's own modules (tsconfig `paths`, see
   * aliases.ts): imports through them are looked up with `deferredExportsOf` like paths.
   */
  aliases?: readonly string[];
  /**
   * The output format. In `cjs` output the bundler reads an external CommonJS module with its
   * own interop (`__esModule` honoured unless the importer is a Node ES module); in `esm` output
   * Node's `import` does (`default` is `module.exports`). A sync load of an external must match.
   */
  format?: "esm" | "cjs" | "iife";
  /** Absolute paths of the build's entry points: their exported consts are never deferred. */
  entries?: ReadonlySet<string>;
  /**
   * Deferred exports learnt in this build, by file (with the code they were learnt from). One
   * per build: the answer also depends on the files a module imports, which a rebuild may see
   * changed.
   */
  exportCache?: Map<string, { code: string; names: ReadonlySet<string> }>;
}

export interface LazyTransformResult {
  code: string;
  /** Source map v3 of the rewrite (hires), sources relative to the file's folder. */
  map: import("magic-string").SourceMap;
  decisions: LazyDecision[];
  diagnostics: Diagnostic[];
  /** Allowlist entries that matched at least one import of this file. */
  matchedEntries: string[];
  /** Exported consts deferred here: importers reach them through `<name>$slimfn()`. */
  deferredExports: string[];
}
