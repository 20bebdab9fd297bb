/**
 * One build, bundler-neutral: the seam every adapter (plugins/esbuild.ts, plugins/rollup.ts)
 * maps its hooks onto. The session owns the build's life cycle, every decision, every cache
 * and the order of the end-of-build steps; an adapter only translates.
 *
 *   createSession(options, host)
 *     configure(shape)      -> lean defaults as a neutral intent, checks of the build's shape
 *     buildStart()          -> a fresh build: caches cleared, a new ship registry
 *     checkEntry(...)       -> ENTRY_NOT_FOUND with advice
 *     resolveImport(...)    -> ship it unbundled (external), or leave it to the bundler
 *     transform(code, file) -> the lazy rewrite of one source file
 *     resolveVirtual / loadVirtual -> the virtual modules sync mode requires
 *     finish(output)        -> lazy check, stop on errors, package (ship/zip/verify), write, summary
 *
 * Caches live for one build: a watch rebuild after an edit answers like a fresh build.
 */
import path from "node:path";
import type { BundleOutput } from "./build-output.js";
import { checkEntryExists, checkOutputShape, expectedFunctionNames, fileEntryPoints, startChecks, type EntryBeforeBuild } from "./build-checks.js";
import { verdicts } from "./cache/verdicts.js";
import { addDecoratorMetadata, mayNeedMetadata, TsconfigCache } from "./decorators.js";
import { error, toDiagnostics, warning, type Diagnostic } from "./diagnostics.js";
import { exportsOfSource, isCommonJsEntry } from "./entry-exports.js";
import { functionOutputs } from "./function-outputs.js";
import { cjsExportNames, rewriteEsmGlobals, shiftSourceMap } from "./esm-globals.js";
import { checkRequiredChunks, type OutputChunk } from "./lazy/chunk-tla.js";
import { aliasPrefixes, tsconfigAliases } from "./lazy/aliases.js";
import { checkLaziness, type ModuleGraph } from "./lazy/graph.js";
import { checkLazyOutput, type LazyOutputShape } from "./lazy/output-check.js";
import { originBody, originCache, withLocalResolve, type OriginCache, type OriginIO } from "./lazy/origins.js";
import { moduleTypeReader } from "./lazy/module-type.js";
import { findReach, proofOf, stillHolds, type ReachProof, type Reached } from "./lazy/reach.js";
import { topLevelAwaitReader } from "./lazy/tla.js";
import { allowlistOf, deferredExports, mayNeedLazy, transformLazy } from "./lazy/transform.js";
import type { LazyDecision, LazyTransformContext } from "./lazy/types.js";
import { unmatchedEntries } from "./lazy/unmatched.js";
import { parseVirtualId, virtualBody } from "./lazy/virtual.js";
import { workspaceRoot } from "./lazy/workspace.js";
import { leanIntent, type LeanIntent } from "./lean-defaults.js";
import { resolveOptions, validateOptions, type Options, type ResolvedOptions } from "./options.js";
import { earlyOutputProblems, writeBundleFiles } from "./output-paths.js";
import { packageFunctions, type PackageResult } from "./package-functions.js";
import { terminalProgress } from "./progress.js";
import { IMPORTED, lookAhead, type LookAhead } from "./lookahead.js";
import { ShipRegistry, shipAsked } from "./ship/externals.js";
import { exactFilter, isSourceFile, sourceFilter } from "./source-filter.js";
import { formatSummary, useColor } from "./summary.js";

/** What the bundler answers for an import it resolved. */
export interface HostResolution {
  /** Absolute path (or the bundler's id when `onDisk` is false). */
  path: string;
  /** The bundler leaves it unbundled. */
  external: boolean;
  /** A file on disk, not a virtual module or another plugin's namespace. */
  onDisk: boolean;
}

/** What the session needs from the bundler it runs in. */
export interface BundlerHost {
  /** `esbuild`, `rollup`, `vite`, `rolldown`: recorded in the size model. */
  name: string;
  version: string;
  /** Project root (esbuild `absWorkingDir`, rollup's cwd). */
  root: string;
  /** Resolve `specifier` imported from the file `importer` as the bundler would; undefined when it cannot. */
  resolve(specifier: string, importer: string): Promise<HostResolution | undefined>;
  /**
   * Whether the user's own bundler options leave `specifier` to the runtime (esbuild or rollup
   * `external`): not bundled, not shipped. slimfn's `external` still wins for a package it names.
   */
  leavesToRuntime(specifier: string): boolean;
  /**
   * Whether the bundler defers a `require()` of a bundled ES module until the call runs
   * (esbuild's lazy init wrapper). Rollup and Rolldown hoist it to init: sync loads then always
   * go through their own chunk (`import()` target, `require`d on first use). @default true
   */
  requireDefers?: boolean;
  /**
   * A quick answer about an output chunk, from the bundler's own parser off the main thread:
   * false only when `code` surely has no top-level await (true: maybe; slimfn then parses it).
   * Without it every chunk a sync load requires is parsed.
   */
  mayHaveTopLevelAwait?(code: string): Promise<boolean>;
}

/** The user's build, in neutral terms, as the adapter reads it from its bundler's options. */
export interface BuildShape {
  /** Entry points as written (relative to the root; globs and package names allowed). */
  entries: readonly string[];
  platform?: string;
  format?: string;
  /** Output folder as set by the user, if any. */
  outdir?: string;
  /** Single output file as set by the user, if any (esbuild `outfile`, rollup `output.file`). */
  outfile?: string;
  /** The user's code-splitting setting, if any. */
  splitting?: boolean;
  /** The user's source map setting, if any. */
  sourcemap?: boolean | string;
  /** The tsconfig the bundler reads, relative to the root. @default "tsconfig.json" */
  tsconfig?: string;
  /** `compilerOptions.paths` the bundler was given inline (esbuild `tsconfigRaw`), instead of the file's. */
  tsconfigPaths?: Record<string, unknown>;
}

/** The build as it will run: the user's settings with the lean defaults filled in. */
export interface EffectiveShape {
  format: "esm" | "cjs";
  /** `import()` targets get their own chunks (esm, an output folder, splitting on). */
  splitting: boolean;
  /** Source map setting as it will run. */
  sourcemap: boolean | string;
}

export type ImportAnswer =
  /** Leave it unbundled: slimfn ships it in node_modules. */
  | { ship: true }
  /** The package could not be read: fail the import. */
  | { diagnostics: Diagnostic[] }
  /** The bundler decides as it would without slimfn. */
  | undefined;

export interface TransformAnswer {
  /** The rewritten code, when anything changed. */
  code?: string;
  /** Source map v3 of the rewrite (JSON), when the code changed. */
  map?: { toString(): string } | string;
  /** Warnings and errors about this file (errors fail the build). */
  diagnostics: Diagnostic[];
  /**
   * Other files the answer depends on (a lazy target's top-level await, a module's deferred
   * exports): a bundler that caches transforms across rebuilds must redo this file when one changes.
   */
  dependencies?: string[];
}

export interface VirtualModule {
  /** What it loads: an absolute path for a relative target, else the bare specifier. */
  target: string;
  names: string[];
  /** The importer is an ES module in Node's sense: the virtual module must get its CommonJS interop. */
  nodeEsm: boolean;
  /** Loaded with `import()` only, never required. */
  async: boolean;
}

export interface FinishRequest {
  /** The neutral build (the adapter's translation of its bundler's result). */
  output: BundleOutput;
  /** The module graph, to check that laziness held; its entries are the functions' (the core decides which). */
  graph: Omit<ModuleGraph, "entries">;
  /** Output chunks with their code (asked only when sync loads require chunks). */
  chunks: () => readonly OutputChunk[];
  /** Write `output.files` to disk (the adapter asked its bundler to keep them in memory). */
  write: boolean;
  /** The user quietened the bundler's log: no summary, no progress line. */
  quiet: boolean;
}

export interface FinishResult {
  /** Every diagnostic of the end of the build, in order; any error means the build failed. */
  diagnostics: Diagnostic[];
  /** What was packaged, when the build got that far. */
  packaged?: PackageResult;
}

export interface BuildSession {
  /** The options as resolved (undefined when they did not validate: `configure` says why). */
  readonly options: ResolvedOptions | undefined;
  /** Source files the lazy transform looks at: under the root, never under node_modules. */
  readonly sourceFilter: RegExp;
  /**
   * For a bundler that fixes its load filter when the build is set up (esbuild): exactly the
   * source files the transform must see, found by following imports from the entries
   * (src/lazy/reach.ts), or the broad `sourceFilter` when the scan cannot know. `doubt` names
   * what in the bundler's own options resolves imports the scan cannot follow. From then on each
   * build checks that the set still holds (`buildStart`) and that the bundler loaded no source
   * file the scan missed (`finish`).
   */
  fixSourceFilter(doubt?: string): Promise<RegExp>;
  /** The user's build shape in, lean defaults out (only for what the user left unset). */
  configure(shape: BuildShape): { defaults: LeanIntent; diagnostics: Diagnostic[] };
  /** The shape the build runs with, once configured. */
  readonly shape: EffectiveShape;
  /** Whether the current build is a rebuild (watch, serve, `rebuild()`). */
  readonly rebuild: boolean;
  /** A fresh build; errors when the source filter fixed at setup no longer covers what the transform must see. */
  buildStart(): Promise<Diagnostic[]>;
  /** ENTRY_NOT_FOUND when a file entry does not exist. */
  checkEntry(specifier: string, resolveDir: string): Promise<Diagnostic | undefined>;
  /** Entries the session checks with `checkEntry` (file paths, not globs or packages). */
  readonly fileEntries: readonly string[];
  /**
   * What can be checked before bundling, so a typo fails in a second: budgets and `include` keys
   * naming no function (when the names can be foretold from `entries` and `outbase`), an
   * unreadable `verify.event`, and, given the output folder, zip and size model paths that name
   * a source, a package.json or a foreign file.
   */
  startChecks(entries: readonly EntryBeforeBuild[], layout: { outbase?: string; outdir?: string }): Diagnostic[];
  resolveImport(specifier: string, resolveDir: string, importer?: string): ImportAnswer;
  /**
   * The bundler filter for `resolveImport`: the bare imports slimfn may ship (the native-code
   * prescan and slimfn's `external`, src/ship/prescan.ts); every other import never needs asking.
   */
  shipFilter(): RegExp;
  transform(code: string, file: string): Promise<TransformAnswer | undefined>;
  /** A source file's text, read once per build (the transform's look-ahead may have read it). */
  readSource(file: string): Promise<string>;
  /** The virtual module an id names, resolved from `resolveDir`; undefined when it is not one. */
  resolveVirtual(id: string, resolveDir: string): VirtualModule | undefined;
  /** The source of a virtual module; `required` when it is loaded by `require()` (sync mode). */
  loadVirtual(v: VirtualModule, resolveDir: string, required: boolean): Promise<string>;
  /** Decisions of the current build, sorted by importer, line and module. */
  decisions(): LazyDecision[];
  /**
   * External specifiers the lazy rewrite loads from `modules` (root-relative) with `require()`
   * on first use: the output lists no import of them, yet a shipped one must be in the zip and
   * one left to the runtime is still the runtime's (rollup sees no import of either).
   */
  lazyExternals(modules: ReadonlySet<string>): string[];
  /**
   * Checks of an output known only after the build (rollup's output options): a format slimfn
   * cannot package, and LAZY_NEEDS_SPLITTING when a lazy import cannot stay lazy in it (not ES,
   * or every `import()` target inlined).
   */
  checkOutput(output: LazyOutputShape): Diagnostic[];
  /**
   * An output chunk as the bundler rendered it, made to load on Lambda: in ES output, free
   * `__dirname`, `__filename` and `require` of bundled CommonJS work; in CommonJS output, an
   * entry's exports are visible to `import()`. `entry` is the entry's source file, if it is one.
   */
  outputChunk(code: string, file: string, output: { format: "esm" | "cjs"; entry?: string }): { code: string; map?: { toString(): string } } | undefined;
  /**
   * The output files a bundler's own ES-output shim changes (esbuild's `require` for its
   * `__require` helper): in ES output, each JavaScript file `shim` rewrites, and its `.map` file
   * shifted by the line the shim went on. The new texts by path; none in CommonJS output.
   */
  shimOutputs(files: readonly { path: string; text: string }[], shim: (code: string) => { code: string; line: number } | undefined): Map<string, string>;
  finish(request: FinishRequest): Promise<FinishResult>;
}

/** What one build has learnt; a new one per build, so nothing outlives an edit. */
interface BuildState {
  registry: ShipRegistry;
  decisions: LazyDecision[];
  matched: Set<string>;
  /** LAZY_PARSE_ERROR of files the bundler did bundle, said after the build. */
  unparsed: Diagnostic[];
  hasTopLevelAwait: (file: string) => Promise<boolean>;
  /** Whether a file is an ES module in Node's sense (its package.json `type`). */
  isNodeEsm: (file: string) => Promise<boolean>;
  targets: Map<string, Promise<HostResolution | undefined>>;
  exports: NonNullable<LazyTransformContext["exportCache"]>;
  origins: OriginCache;
  /** Source text read in this build and the text tests on it (the bundler's load shares it). */
  ahead: LookAhead;
  tsconfigs: TsconfigCache;
  /** tsconfig `paths` aliases: bare specifiers that name the project's own modules. */
  aliases: readonly string[];
  /** Lazily loaded imports whose target the bundler leaves external, by importing file. */
  lazyExternals: { specifier: string; importer: string }[];
}

/**
 * Scans of the setup (src/lazy/reach.ts) in this process, by project, entries, allowlist and
 * aliases: a script that builds its functions one by one (serverless-esbuild, a CDK app,
 * a build.mjs looping over handlers) scans the project once, while the proof holds.
 */
const scans = new Map<string, { reach: Reached; proof: ReachProof }>();
const SCANS_KEPT = 16;
/**
 * How soon after the setup proved its scan a first build may start on that proof alone. esbuild's
 * `build()` starts ~1 ms after setup, and checking 601 files' stamps again cost ~3 ms of a
 * 600-file build. An edit in that window is as one during the build's own reads: the proof's
 * stamps predate it, so the next build looks again. A context's first build comes later and checks.
 */
const PROOF_FRESH_MS = 20;
/** A scan's files as the module graph names them (root-relative). */
const scannedIds = new WeakMap<Reached, ReadonlySet<string>>();

export function createSession(userOptions: Options, host: BundlerHost): BuildSession {
  const root = path.resolve(host.root);
  const problems = validateOptions(userOptions);
  const options = problems.length ? undefined : resolveOptions(userOptions, root);
  // The project's files and its workspace siblings' (never anything under node_modules).
  const workspace = workspaceRoot(root);
  const filter = sourceFilter(workspace);
  const isSource = isSourceFile(workspace);
  let tsconfig: { file: string; paths?: Record<string, unknown> } = { file: path.join(root, "tsconfig.json") };
  let shape: EffectiveShape = { format: "esm", splitting: false, sourcemap: false };
  let fileEntries: string[] = [];
  /** The entry points as written, and resolved. */
  let written: readonly string[] = [];
  let entries = new Set<string>();
  let builds = 0;
  /** The files the bundler's load filter names, when it was fixed at setup (`fixSourceFilter`). */
  let fixed: ReadonlySet<string> | undefined;
  /** The latest good scan and what it rests on: while that holds, a build is not scanned again. */
  let scan: { reach: Reached; proof: ReachProof } | undefined;
  /** When the setup proved (or made) the scan the filter was fixed from. */
  let fixedAt = -Infinity;
  const fresh = (): BuildState => {
    const s: BuildState = {
      registry: new ShipRegistry(options!, (spec) => host.leavesToRuntime(spec)),
      decisions: [],
      matched: new Set(),
      unparsed: [],
      hasTopLevelAwait: topLevelAwaitReader(),
      isNodeEsm: moduleTypeReader(),
      targets: new Map(),
      exports: new Map(),
      origins: originCache(),
      ahead: lookAhead({
        mentionsLazy: (code) => mayNeedLazy(code, allowlistOf(resolved().lazy)),
        resolve: (specifier, file) => resolveTarget(specifier, file).then((r) => (!r || r.external || !r.onDisk ? undefined : r.path)),
        isSource,
        // Set by buildStart once tsconfig is read, before the bundler loads anything.
        aliases: () => s.aliases,
      }),
      tsconfigs: new TsconfigCache(root),
      aliases: [],
      lazyExternals: [],
    };
    return s;
  };
  let state: BuildState | undefined;
  const current = () => (state ??= fresh());

  const resolved = (): ResolvedOptions => {
    if (!options) throw new Error("slimfn: the session's options did not validate; configure() reports why.");
    return options;
  };

  // ---- lazy: what the transform asks about other modules, answered once per build
  const resolveTarget = (specifier: string, file: string) => {
    const s = current();
    const key = `${path.dirname(file)}\n${specifier}`;
    let hit = s.targets.get(key);
    if (!hit) s.targets.set(key, (hit = host.resolve(specifier, file).catch(() => undefined)));
    return hit;
  };
  /** The lazy transform's questions about other modules; each file it reads goes into `read`. */
  const context = (read: Set<string>): LazyTransformContext => {
    const s = current();
    const ctx: LazyTransformContext = {
      root,
      splitting: shape.splitting,
      chunkRequire: chunkRequire(),
      entries,
      aliases: s.aliases,
      format: shape.format,
      exportCache: s.exports,
      isNodeEsm: s.isNodeEsm,
      hasTopLevelAwait: async (specifier, file) => {
        const r = await resolveTarget(specifier, file);
        if (!r || r.external || !r.onDisk) return undefined;
        read.add(r.path);
        return s.hasTopLevelAwait(r.path);
      },
      isExternal: async (specifier, file) => {
        const external = (await resolveTarget(specifier, file))?.external === true;
        if (external) s.lazyExternals.push({ specifier, importer: path.relative(root, file).split(path.sep).join("/") });
        return external;
      },
      deferredExportsOf: async (specifier, file, chain) => {
        const found = await resolveOwn(specifier, file);
        if (!found) return undefined;
        // A module the bundler's fixed filter leaves out is never transformed: it defers nothing.
        if (fixed && !fixed.has(found)) return new Set<string>();
        read.add(found);
        return deferredExports(await readSource(found), found, resolved().lazy, ctx, chain);
      },
      importsDeferred: (code, file) => s.ahead.importsDeferred(code, file),
    };
    return ctx;
  };
  const resolveOwn = (specifier: string, file: string) => current().ahead.resolveOwn(specifier, file);
  const readSource = (file: string) => current().ahead.readSource(file);
  const reachOf = (ahead: LookAhead, aliases: readonly string[]) =>
    findReach([...entries], {
      root,
      mentionsLazy: (code) => mayNeedLazy(code, allowlistOf(resolved().lazy)),
      needsMetadata: mayNeedMetadata,
      isSource,
      aliases,
      leavesToRuntime,
      ahead,
    });
  const leavesToRuntime = (spec: string) => host.leavesToRuntime(spec) || shipAsked(resolved(), spec);
  const rel = (file: string) => path.relative(root, file).split(path.sep).join("/");
  /**
   * Ask now what the transform of `files` will ask about their imports (the bundler's
   * resolution, a target's top-level await), without waiting: the answers are the same promises
   * the transform awaits later. Asked from its load hook, each question was a round trip to a
   * bundler busy bundling, on the critical path of everything the file imports (~9 ms a file
   * importing zod on the 600-file project).
   */
  const prefetch = (files: ReadonlySet<string>) => {
    const s = current();
    const allowlist = allowlistOf(resolved().lazy);
    for (const file of files) {
      const code = s.ahead.readSourceSync(file);
      if (code === undefined || !mayNeedLazy(code, allowlist)) continue;
      // Only imports the transform may choose: every one in an annotated file (or one with
      // `import defer`), else those the allowlist names.
      const annotated = code.includes("@lazy") || /\bimport\s+defer\b/.test(code);
      for (const m of code.matchAll(IMPORTED)) {
        if (!annotated && !allowlist.match(m[1]!)) continue;
        void resolveTarget(m[1]!, file).then((r) => (r && !r.external && r.onDisk ? s.hasTopLevelAwait(r.path) : undefined));
      }
    }
  };
  // Node 22.12+ loads ES modules with require(): sync loads can then use their own chunk. A
  // bundler that hoists require() has no other way to defer (Node 20.19+ requires ES modules too).
  const chunkRequire = () => resolved().runtime.nodeMajor >= 22 || host.requireDefers === false;

  /**
   * With the filter fixed at setup: source files the bundler loaded that the scan never read (a
   * resolution it could not foresee, such as another plugin's) and that the transform would
   * have changed. Their imports stayed eager, which computes the same, but not lazily.
   */
  const unseenSources = async (graph: ModuleGraph): Promise<Diagnostic[]> => {
    if (!fixed) return [];
    // The graph's ids are root-relative: compared as such, once per scan (resolving every
    // module's id cost ~1 ms of a 600-file build).
    let known = scan && scannedIds.get(scan.reach);
    if (scan && !known) scannedIds.set(scan.reach, (known = new Set([...scan.reach.scanned].map(rel))));
    const out: Diagnostic[] = [];
    for (const id of [...graph.modules.keys()].filter((m) => !known?.has(m)).sort()) {
      const file = path.resolve(root, id);
      if (!isSource(file) || fixed.has(file)) continue;
      const code = await readSource(file).catch(() => "");
      // Missing decorator metadata changes what the code computes (injection by type fails at
      // run time): that is an error, where imports left eager are only a lost deferral.
      if (mayNeedMetadata(code, file) && addDecoratorMetadata(code, file, current().tsconfigs, root).output) {
        out.push(error("DECORATOR_METADATA_UNSEEN", `${rel(file)} was bundled, but slimfn's scan of the imports from the entries did not find it, so it got no decorator metadata, which its tsconfig asks for (emitDecoratorMetadata): injection by type (NestJS, TypeORM, tsyringe) would fail at run time. Import it by a relative path from a file the entries reach.`));
        continue;
      }
      if (!mayNeedLazy(code, allowlistOf(resolved().lazy)) && !(await current().ahead.importsDeferred(code, file))) continue;
      out.push(warning("LAZY_FILE_UNSEEN", `${rel(file)} was bundled, but slimfn's scan of the imports from the entries did not find it, so its lazy imports and annotations were left as written (eager). Import it by a relative path from a file the entries reach.`));
    }
    return out;
  };

  const session: BuildSession = {
    options,
    sourceFilter: filter,
    get shape() {
      return shape;
    },
    get rebuild() {
      return builds > 1;
    },
    get fileEntries() {
      return fileEntries;
    },

    configure(user) {
      if (problems.length) return { defaults: {} as LeanIntent, diagnostics: problems };
      const bad = checkOutputShape(user.platform, user.format);
      if (bad) return { defaults: {} as LeanIntent, diagnostics: [bad] };
      fileEntries = fileEntryPoints(user.entries);
      written = [...user.entries];
      tsconfig = { file: path.resolve(root, user.tsconfig ?? "tsconfig.json"), ...(user.tsconfigPaths ? { paths: user.tsconfigPaths } : {}) };
      entries = new Set(user.entries.map((e) => path.resolve(root, e)));
      const format = user.format === "cjs" || user.format === "esm" ? user.format : undefined;
      const defaults = leanIntent(resolved().runtime, {
        format,
        entryIsCommonJs: fileEntries.map((e) => isCommonJsEntry(path.resolve(root, e))),
        hasOutput: user.outdir !== undefined || user.outfile !== undefined,
        hasOutdir: user.outdir !== undefined || user.outfile === undefined,
      });
      const effective = format ?? defaults.format;
      const outdir = user.outdir !== undefined || user.outfile === undefined;
      shape = {
        format: effective,
        splitting: effective === "esm" && outdir && (user.splitting ?? defaults.esmOutput?.splitting ?? false),
        sourcemap: user.sourcemap ?? defaults.sourcemap,
      };
      return { defaults, diagnostics: [] };
    },

    async fixSourceFilter(doubt) {
      if (doubt || fileEntries.length !== written.length) return filter;
      const aliases = tsconfig.paths ? aliasPrefixes(tsconfig.paths) : tsconfigAliases(tsconfig.file);
      const key = JSON.stringify([root, workspace, [...entries].sort(), resolved().lazy.modules, aliases]);
      const known = scans.get(key);
      if (known && stillHolds(known.proof, leavesToRuntime)) {
        scan = known;
      } else {
        // The bundler's resolver cannot be asked during setup: relative imports are all the scan follows.
        const ahead = lookAhead({ mentionsLazy: (code) => mayNeedLazy(code, allowlistOf(resolved().lazy)), resolve: async () => undefined, isSource, aliases: () => aliases });
        const reach = reachOf(ahead, aliases);
        if ("unknown" in reach) return filter;
        scan = { reach, proof: proofOf(reach, [tsconfig.file]) };
        scans.delete(key);
        scans.set(key, scan);
        if (scans.size > SCANS_KEPT) scans.delete(scans.keys().next().value!);
      }
      fixed = scan.reach.needed;
      fixedAt = performance.now();
      return exactFilter(fixed);
    },

    async buildStart() {
      builds++;
      state = fresh();
      // tsconfig `paths` aliases name the project's own modules (the bundler's tsconfig, else the root's).
      state.aliases = tsconfig.paths ? aliasPrefixes(tsconfig.paths) : tsconfigAliases(tsconfig.file);
      // The filter was fixed when the build (or context) was set up; files edited since may
      // need the transform now. Their imports cannot be rewritten: fail, rather than build
      // what a fresh build would not (a deferred const's importers must use its accessor).
      if (!fixed) return [];
      const justProved = builds === 1 && performance.now() - fixedAt < PROOF_FRESH_MS;
      if (scan && (justProved || stillHolds(scan.proof, leavesToRuntime))) {
        prefetch(fixed);
        return [];
      }
      const reach = reachOf(state.ahead, state.aliases);
      const advice = "esbuild fixes which files a plugin sees when the build context is created: create the context again (restart the watch or serve) to build it.";
      // The proof stays that of the last good scan, so every later build looks again.
      if ("unknown" in reach) {
        return [error("LAZY_RESTART_NEEDED", `Since the build was set up, ${reach.unknown}, so slimfn can no longer tell which files its lazy transform must see. ${advice}`)];
      }
      const missed = [...reach.needed].filter((f) => !fixed!.has(f)).map(rel).sort();
      if (!missed.length) {
        scan = { reach, proof: proofOf(reach, [tsconfig.file]) };
        prefetch(fixed);
        return [];
      }
      return [error("LAZY_RESTART_NEEDED", `${missed.join(", ")} now need${missed.length === 1 ? "s" : ""} slimfn's lazy transform (a lazy import or annotation, or an import of a deferred export), added since the build was set up. ${advice}`)];
    },

    readSource,

    checkEntry: (specifier, resolveDir) => checkEntryExists(specifier, resolveDir || root),

    startChecks(named, layout) {
      const opts = resolved();
      const names = expectedFunctionNames(named, root, layout.outbase);
      const out = startChecks(opts, names);
      if (layout.outdir !== undefined) {
        out.push(...earlyOutputProblems(opts, path.resolve(root, layout.outdir), fileEntries.map((e) => path.resolve(root, e)), names));
      }
      return out;
    },

    resolveImport(specifier, resolveDir, importer) {
      try {
        return current().registry.decide(specifier, resolveDir, importer).kind === "ship" ? { ship: true } : undefined;
      } catch (thrown) {
        return { diagnostics: toDiagnostics(thrown, "PACKAGE_UNREADABLE") };
      }
    },

    shipFilter() {
      if (!options) return /^[^./]/;
      try {
        return current().registry.shipFilter();
      } catch {
        // The tree cannot be read: ask about every bare import, so the error meets its import.
        return /^[^./]/;
      }
    },

    async transform(source, file) {
      if (!isSource(file)) return undefined;
      const s = current();
      // Decorator metadata first: the lazy rewrite then sees what the metadata uses at init.
      const metadata = addDecoratorMetadata(source, file, s.tsconfigs, root);
      if (metadata.diagnostics.length) return { diagnostics: metadata.diagnostics };
      const code = metadata.output?.code ?? source;
      const withMetadata = (diagnostics: Diagnostic[]): TransformAnswer =>
        metadata.output ? { code, map: metadata.output.map, diagnostics } : { diagnostics };
      const read = new Set<string>();
      const result = await transformLazy(code, file, resolved().lazy, context(read));
      if (!result) return metadata.output ? withMetadata([]) : undefined;
      const dependencies = [...read].filter((f) => f !== file).sort();
      s.decisions.push(...result.decisions);
      for (const e of result.matchedEntries) s.matched.add(e);
      // A file the bundler cannot parse either fails the build with the bundler's own error,
      // which says it all; only a file it did bundle gets LAZY_PARSE_ERROR, after the build.
      s.unparsed.push(...result.diagnostics.filter((d) => d.code === "LAZY_PARSE_ERROR"));
      const diagnostics = result.diagnostics.filter((d) => d.code !== "LAZY_PARSE_ERROR");
      if (diagnostics.some((d) => d.severity === "error")) return { diagnostics, dependencies };
      if (result.code === code) return { ...withMetadata(diagnostics), dependencies };
      // Metadata only inserts text on the decorated lines, so the lazy rewrite's map stays true
      // to the user's lines.
      return { code: result.code, map: result.map, diagnostics, dependencies };
    },

    resolveVirtual(id, resolveDir) {
      const v = parseVirtualId(id);
      if (!v) return undefined;
      // Relative targets are resolved from the importer; bare ones share one virtual module.
      return { target: v.specifier.startsWith(".") ? path.resolve(resolveDir, v.specifier) : v.specifier, names: v.names, nodeEsm: v.nodeEsm, async: v.async };
    },

    async loadVirtual(v, resolveDir, required) {
      // Only a required virtual module is wrapped (and loses tree-shaking); one loaded as its own
      // chunk with import() is tree-shaken as usual, so finding origins would only cost time.
      if (v.names.includes("*") || !required) return virtualBody(v.target, v.names);
      const s = current();
      const io: OriginIO = withLocalResolve(
        {
          resolve: (specifier, fromFile) =>
            host.resolve(specifier, fromFile).then(
              (r) => (!r || r.external || !r.onDisk ? undefined : r.path),
              () => undefined,
            ),
        },
        s.origins,
      );
      return originBody(v.target, v.names, path.join(resolveDir, "importer"), io, s.origins);
    },

    decisions: () =>
      [...current().decisions].sort((a, b) => a.importer.localeCompare(b.importer) || a.line - b.line || a.module.localeCompare(b.module)),

    lazyExternals: (modules) =>
      [...new Set(current().lazyExternals.filter((e) => modules.has(e.importer)).map((e) => e.specifier))].sort(),

    checkOutput(output) {
      const esm = output.format === "es" || output.format === "esm" || output.format === "module";
      const bad = checkOutputShape("node", esm ? "esm" : output.format);
      return bad ? [bad] : checkLazyOutput(session.decisions(), output);
    },

    outputChunk(code, file, output) {
      if (output.format === "esm") return rewriteEsmGlobals(code, file);
      if (!output.entry || !isCommonJsEntry(output.entry)) return undefined;
      const named = cjsExportNames(code, exportsOfSource(output.entry));
      return named === undefined ? undefined : { code: named };
    },

    shimOutputs(files, shim) {
      const replaced = new Map<string, string>();
      if (shape.format !== "esm") return replaced;
      const byPath = new Map(files.map((f) => [f.path, f]));
      for (const f of files) {
        if (!/\.[cm]?js$/.test(f.path)) continue;
        const shimmed = shim(f.text);
        if (!shimmed) continue;
        replaced.set(f.path, shimmed.code);
        const map = byPath.get(`${f.path}.map`);
        if (map) replaced.set(map.path, shiftSourceMap(map.text, shimmed.line));
      }
      return replaced;
    },

    async finish(request) {
      const opts = resolved();
      const s = current();
      try {
        // Which outputs are functions; their entry modules are the graph's entries.
        const functions = functionOutputs(request.output, written, root, session.lazyExternals);
        const entryModules = functions.map((f) => path.relative(root, f.source!).split(path.sep).join("/"));
        const graph: ModuleGraph = { ...request.graph, entries: [...new Set(entryModules)] };
        // 1. Did laziness hold? A lazy load that cannot work at run time fails the build here.
        const lazy = checkLaziness(graph, s.decisions);
        if (chunkRequire() && shape.splitting) {
          const mayHave = host.mayHaveTopLevelAwait && ((code: string) => host.mayHaveTopLevelAwait!(code));
          lazy.push(...(await checkRequiredChunks(request.chunks(), verdicts(opts.cache), mayHave)));
        }
        lazy.push(...unmatchedEntries(opts.lazy.modules, s.matched));
        lazy.push(...(await unseenSources(graph)));
        lazy.push(...s.unparsed);
        // 2. Stop on errors, before anything is written.
        if (lazy.some((d) => d.severity === "error")) return { diagnostics: lazy };
        // 3. Package: ship, zip, verify, size model, budgets.
        const packaged = await packageFunctions({
          options: opts,
          build: {
            format: request.output.format,
            outdir: request.output.outdir,
            files: request.output.files,
            ...(request.output.inputs ? { inputs: request.output.inputs } : {}),
            functions,
            lazy: session.decisions(),
            graph,
          },
          bundler: { name: host.name, version: host.version },
          ship: s.registry,
          watch: session.rebuild,
          onProgress: request.quiet ? undefined : terminalProgress(),
        });
        // 4. Write the bundler's files (the adapter kept them in memory to shim them first), only
        // now, with every zip made and verified: a build slimfn fails leaves nothing of it in outdir.
        if (request.write) await writeBundleFiles([...request.output.files.values()], root);
        // 5. The summary.
        if (!request.quiet) process.stderr.write(formatSummary(packaged.functions, root, { color: useColor(process.stderr) }, packaged.model.layer));
        return { diagnostics: [...lazy, ...packaged.diagnostics], packaged };
      } catch (thrown) {
        return { diagnostics: toDiagnostics(thrown, "ZIP_WRITE_FAILED") };
      }
    },
  };
  return session;
}

