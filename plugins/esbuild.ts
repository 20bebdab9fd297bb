/**
 * slimfn for esbuild: a thin adapter. It maps esbuild's options, hooks and metafile onto the
 * bundler-neutral core in src/, and the core's diagnostics back onto esbuild messages.
 *
 * It uses the esbuild instance its `setup` receives (`build.esbuild`), never a second copy.
 */
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { BuildOptions, BuildResult, Metafile, OutputFile, PartialMessage, Plugin, PluginBuild } from "esbuild";
import type { BuildOutput, ExternalImport, FunctionOutput, ModuleBytes } from "../src/build-output.js";
import { toDiagnostics, type Diagnostic } from "../src/diagnostics.js";
import { checkEntryExists, checkOutputShape, expectedFunctionNames, fileEntryPoints, startChecks, type EntryBeforeBuild } from "../src/build-checks.js";
import { exportsOfSource, isCommonJsEntry } from "../src/entry-exports.js";
import { addRequireShim, shiftSourceMap } from "../src/esm-shims.js";
import { leanDefaults, leanFormat, zipsSourceMapFiles } from "../src/lean-defaults.js";
import { resolveOptions, validateOptions, type Options, type ResolvedOptions } from "../src/options.js";
import { packageFunctions, type PackageResult } from "../src/package-functions.js";
import { terminalProgress } from "../src/progress.js";
import { formatSummary, useColor } from "../src/summary.js";
import { entryPaths, escapeRegex, setupLazy } from "./esbuild-lazy.js";
import { ShipRegistry } from "../src/ship/externals.js";
import { isBuiltin } from "../src/ship/resolve.js";

export type { Options } from "../src/options.js";

/** Map a neutral diagnostic onto an esbuild message; the whole diagnostic rides in `detail`. */
export function toMessage(d: Diagnostic): PartialMessage {
  return {
    pluginName: "slimfn",
    text: `${d.code}: ${d.message}`,
    location: d.loc ? { file: d.loc.file, line: d.loc.line, column: d.loc.column, lineText: d.loc.lineText ?? "" } : null,
    notes: (d.notes ?? []).map((text) => ({ text })),
    detail: d,
  };
}

function split(diagnostics: readonly Diagnostic[]): { errors: PartialMessage[]; warnings: PartialMessage[] } {
  return {
    errors: diagnostics.filter((d) => d.severity === "error").map(toMessage),
    warnings: diagnostics.filter((d) => d.severity === "warning").map(toMessage),
  };
}

/** Set slimfn's lean defaults on every option the user left unset: what the user set wins. */
function applyDefaults(initial: BuildOptions, options: ResolvedOptions, root: string): void {
  const lean = leanDefaults(options.runtime);
  const setDefault = <K extends keyof BuildOptions>(key: K, value: BuildOptions[K]) => {
    if (initial[key] === undefined) initial[key] = value;
  };
  setDefault("bundle", lean.bundle);
  setDefault("platform", lean.platform);
  setDefault("target", lean.target);
  if (initial.format === undefined) {
    const entries = fileEntryPoints(entryPaths(initial.entryPoints)).map((e) => isCommonJsEntry(path.resolve(root, e)));
    initial.format = leanFormat(entries);
  }
  // Without either, esbuild writes to stdout and there is no folder to mirror in the zip.
  if (initial.outfile === undefined) setDefault("outdir", lean.outdir);
  setDefault("mainFields", lean.mainFields);
  setDefault("minifySyntax", lean.minifySyntax);
  setDefault("minifyWhitespace", lean.minifyWhitespace);
  setDefault("sourcemap", lean.sourcemap);
  if (initial.format === "esm") {
    if (initial.outdir !== undefined) {
      setDefault("outExtension", lean.outExtension);
      setDefault("splitting", lean.splitting);
    }
    const define = { ...initial.define };
    for (const [name, value] of Object.entries(lean.esmDefine)) define[name] ??= value;
    initial.define = define;
  }
  // The core needs the metafile; it changes nothing in the output.
  initial.metafile = true;
}


/** esbuild's entry points as the core's start checks see them; none when entryNames renames them. */
function entriesBeforeBuild(initial: BuildOptions): EntryBeforeBuild[] {
  const entries = initial.entryPoints;
  if (!entries || initial.entryNames !== undefined) return [];
  if (!Array.isArray(entries)) return Object.entries(entries).map(([out, file]) => ({ path: file, out }));
  return entries.map((e) => (typeof e === "string" ? { path: e } : { path: e.in, out: e.out }));
}

function checkEntriesExist(build: PluginBuild, root: string): void {
  const files = fileEntryPoints(entryPaths(build.initialOptions.entryPoints));
  if (!files.length) return;
  const filter = new RegExp(`^(?:${files.map(escapeRegex).join("|")})$`);
  build.onResolve({ filter }, async (args) => {
    if (args.kind !== "entry-point") return undefined;
    const missing = await checkEntryExists(args.path, args.resolveDir || root);
    return missing ? { errors: [toMessage(missing)] } : undefined;
  });
}

/**
 * Bare imports the core decides to ship unbundled (slimfn `external`, native code in the
 * closure) become esbuild externals. Everything is decided in `ShipRegistry`; a fresh one per
 * build, so a watch rebuild sees packages installed in between. A second build of the same
 * context is a rebuild (watch, serve or `rebuild()`).
 */
function shipUnbundled(build: PluginBuild, options: ResolvedOptions): { registry(): ShipRegistry; rebuild(): boolean } {
  let registry = new ShipRegistry(options, build.initialOptions.external ?? []);
  let builds = 0;
  build.onStart(() => {
    builds++;
    registry = new ShipRegistry(options, build.initialOptions.external ?? []);
  });
  build.onResolve({ filter: /^[^./]/ }, (args) => {
    if (args.kind === "entry-point") return undefined;
    try {
      const decision = registry.decide(args.path, args.resolveDir, args.importer || undefined);
      return decision.kind === "ship" ? { path: args.path, external: true } : undefined;
    } catch (thrown) {
      return { errors: toDiagnostics(thrown, "PACKAGE_UNREADABLE").map(toMessage) };
    }
  });
  return { registry: () => registry, rebuild: () => builds > 1 };
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
function toBuildOutput(initial: BuildOptions, root: string, metafile: Metafile, files: OutputFile[]): BuildOutput {
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
    functions,
  };
}

/** Add the `require` shim where ESM output needs it; keep each `.map` file in step. */
function shimOutputs(files: OutputFile[], format: BuildOptions["format"], banner: string | undefined): OutputFile[] {
  if (format !== "esm") return files;
  const byPath = new Map(files.map((f) => [f.path, f]));
  const replaced = new Map<string, Uint8Array>();
  for (const f of files) {
    if (!/\.[cm]?js$/.test(f.path)) continue;
    const shimmed = addRequireShim(f.text, banner);
    if (!shimmed) continue;
    replaced.set(f.path, Buffer.from(shimmed.code));
    const map = byPath.get(`${f.path}.map`);
    if (map) replaced.set(map.path, Buffer.from(shiftSourceMap(map.text, shimmed.line)));
  }
  return files.map((f) => {
    const contents = replaced.get(f.path);
    if (!contents) return f;
    return { path: f.path, contents, hash: f.hash, get text() { return Buffer.from(contents).toString("utf8"); } };
  });
}

async function writeOutputs(files: readonly OutputFile[]): Promise<void> {
  await Promise.all(
    files.map(async (f) => {
      await fs.mkdir(path.dirname(f.path), { recursive: true });
      await fs.writeFile(f.path, f.contents);
    }),
  );
}

/** Print the summary unless the user explicitly quietened esbuild's log. */
const quiet = (logLevel: BuildOptions["logLevel"]) => logLevel === "warning" || logLevel === "error" || logLevel === "silent";

function printSummary(result: PackageResult, root: string, logLevel: BuildOptions["logLevel"]): void {
  if (quiet(logLevel)) return;
  process.stderr.write(formatSummary(result.functions, root, { color: useColor(process.stderr) }));
}

/**
 * Whether esbuild itself logs what this `onEnd` callback returns. Call it synchronously at the
 * start of the callback. esbuild 0.28 logs onEnd messages of a context's builds (rebuild, watch,
 * serve: they run from its "on-end" request) but not of `build()` (verified), and tells a
 * plugin neither way, so the call stack says which it is. test/esbuild-log-once.test.ts checks
 * both against the real esbuild.
 */
function esbuildLogsEndMessages(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  try {
    return /requestCallbacks\.on-end/.test(new Error().stack ?? "");
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * esbuild 0.28 does not log the messages an `onEnd` callback of `build()` returns (verified): it
 * only puts them on the result or the thrown failure. Print them as esbuild prints its own,
 * honoring the user's log level, so a failed verification or a warning is seen in the terminal;
 * in a context's builds esbuild prints them itself, and they are said once.
 */
function logEndMessages(
  build: PluginBuild,
  messages: { errors: PartialMessage[]; warnings: PartialMessage[] },
  logLevel: BuildOptions["logLevel"],
  esbuildLogs: boolean,
): typeof messages {
  if (esbuildLogs) return messages;
  const show = (kind: "error" | "warning", list: PartialMessage[]) => {
    if (!list.length || logLevel === "silent" || (kind === "warning" && logLevel === "error")) return;
    const color = useColor(process.stderr);
    for (const text of build.esbuild.formatMessagesSync(list, { kind, color })) process.stderr.write(text);
  };
  show("warning", messages.warnings);
  show("error", messages.errors);
  return messages;
}

/**
 * The esbuild plugin. Add it to the build you already have:
 * `plugins: [slimfn({ runtime: "nodejs22.x", zip: "dist/[name].zip" })]`.
 */
export default function slimfn(options: Options = {}): Plugin {
  // Validate now so a typo is reported once, as a build error, before anything is built.
  const problems = validateOptions(options);
  return {
    name: "slimfn",
    async setup(build) {
      if (problems.length) {
        build.onStart(() => split(problems));
        return;
      }
      const initial = build.initialOptions;
      const root = path.resolve(initial.absWorkingDir ?? process.cwd());
      const resolved = resolveOptions(options, root);
      const shape = checkOutputShape(initial.platform, initial.format);
      if (shape) {
        build.onStart(() => split([shape]));
        return;
      }
      const userWrite = initial.write ?? true;
      const userLogLevel = initial.logLevel;
      applyDefaults(initial, resolved, root);
      // slimfn writes the files itself after adding shims, so it sees them first in memory.
      initial.write = false;
      checkEntriesExist(build, root);
      const early = startChecks(resolved, expectedFunctionNames(entriesBeforeBuild(initial), root, initial.outbase));
      if (early.length) build.onStart(() => split(early));
      // After the defaults: whether async mode can split code depends on format and splitting.
      const lazy = setupLazy(build, resolved.lazy, root, toMessage, resolved.runtime.nodeMajor, resolved.cache);
      const ship = shipUnbundled(build, resolved);

      build.onEnd(async (result: BuildResult) => {
        const esbuildLogs = esbuildLogsEndMessages();
        if (result.errors.length || !result.metafile || !result.outputFiles) return undefined;
        try {
          const files = shimOutputs(result.outputFiles, initial.format, initial.banner?.js);
          const lazyWarnings = lazy.afterBuild(result.metafile, files);
          // A lazy load that cannot work at run time fails the build before anything is written.
          if (lazyWarnings.some((d) => d.severity === "error")) return logEndMessages(build, split(lazyWarnings), userLogLevel, esbuildLogs);
          if (!userWrite) result.outputFiles.splice(0, result.outputFiles.length, ...files);
          const packaged = await packageFunctions({
            options: resolved,
            build: { ...toBuildOutput(initial, root, result.metafile, files), lazy: lazy.decisions() },
            bundler: { name: "esbuild", version: build.esbuild.version },
            ship: ship.registry(),
            watch: ship.rebuild(),
            onProgress: quiet(userLogLevel) ? undefined : terminalProgress(),
          });
          // Only now, with every zip made and verified: a build slimfn fails leaves nothing of it in outdir.
          if (userWrite) await writeOutputs(files);
          printSummary(packaged, root, userLogLevel);
          return logEndMessages(build, split([...lazyWarnings, ...packaged.diagnostics]), userLogLevel, esbuildLogs);
        } catch (thrown) {
          return logEndMessages(build, split(toDiagnostics(thrown, "ZIP_WRITE_FAILED")), userLogLevel, esbuildLogs);
        }
      });
    },
  };
}

export { slimfn };
