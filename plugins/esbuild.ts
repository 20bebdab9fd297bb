/**
 * slimfn for esbuild: a thin adapter. It maps esbuild's options, hooks and metafile onto the
 * bundler-neutral core in src/, and the core's diagnostics back onto esbuild messages.
 *
 * It uses the esbuild instance its `setup` receives (`build.esbuild`), never a second copy.
 */
import path from "node:path";
import type { BuildOptions, BuildResult, OutputFile, PartialMessage, Plugin, PluginBuild } from "esbuild";
import type { EntryBeforeBuild } from "../src/build-checks.js";
import { formatDiagnostic, toDiagnostics, type Diagnostic } from "../src/diagnostics.js";
import { parseJsonc } from "../src/lazy/aliases.js";
import type { LeanIntent } from "../src/lean-defaults.js";
import { validateOptions, type Options } from "../src/options.js";
import { createSession, type BuildSession, type BundlerHost } from "../src/session.js";
import { matchesExternal } from "../src/ship/externals.js";
import { escapeRegex } from "../src/source-filter.js";
import { useColor } from "../src/summary.js";
import { setupLazy } from "./esbuild-lazy.js";
import { addRequireShim } from "./esbuild/esm-shims.js";
import { entryPaths, toBundleOutput, toChunks, toGraph } from "./esbuild/metafile.js";

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

/** What the build session asks of esbuild: its resolver, its `external`, its version. */
export function esbuildHost(build: PluginBuild): BundlerHost {
  const initial = build.initialOptions;
  return {
    name: "esbuild",
    version: build.esbuild.version,
    root: path.resolve(initial.absWorkingDir ?? process.cwd()),
    resolve: (specifier, importer) =>
      build.resolve(specifier, { kind: "import-statement", resolveDir: path.dirname(importer) }).then((r) =>
        r.errors.length ? undefined : { path: r.path, external: r.external, onDisk: r.namespace === "file" },
      ),
    leavesToRuntime: (specifier) => (initial.external ?? []).some((p) => matchesExternal(p, specifier)),
    // Told the target has no top-level await, esbuild fails on every form of it (await, for
    // await, await using, in blocks: test/chunk-tla.test.ts); its own output parses otherwise.
    mayHaveTopLevelAwait: (code) =>
      build.esbuild.transform(code, { format: "esm", supported: { "top-level-await": false }, logLevel: "silent" }).then(
        () => false,
        () => true,
      ),
  };
}

/** Map the session's lean defaults onto esbuild's option names, where the user left them unset. */
function applyDefaults(initial: BuildOptions, lean: LeanIntent): void {
  const setDefault = <K extends keyof BuildOptions>(key: K, value: BuildOptions[K]) => {
    if (initial[key] === undefined) initial[key] = value;
  };
  setDefault("bundle", lean.bundle);
  setDefault("platform", lean.platform);
  setDefault("target", lean.target);
  setDefault("format", lean.format);
  if (lean.outdir !== undefined) setDefault("outdir", lean.outdir);
  setDefault("mainFields", lean.mainFields);
  setDefault("minifySyntax", lean.minify.syntax);
  setDefault("minifyWhitespace", lean.minify.whitespace);
  setDefault("sourcemap", lean.sourcemap);
  if (lean.esmOutput) {
    setDefault("outExtension", { ".js": lean.esmOutput.extension });
    setDefault("splitting", lean.esmOutput.splitting);
  }
  if (lean.esmGlobals) {
    const define = { ...initial.define };
    for (const [name, value] of Object.entries(lean.esmGlobals)) define[name] ??= value;
    initial.define = define;
  }
  // The core needs the metafile; it changes nothing in the output.
  initial.metafile = true;
}

/** `compilerOptions.paths` of esbuild's inline `tsconfigRaw` (JSON with comments when a string). */
function tsconfigPaths(raw: BuildOptions["tsconfigRaw"]): Record<string, unknown> | undefined {
  const parsed = typeof raw === "string" ? (parseJsonc(raw) as { compilerOptions?: { paths?: Record<string, unknown> } }) : raw;
  return parsed?.compilerOptions?.paths;
}

/** esbuild's entry points as the core's start checks see them; none when entryNames renames them. */
function entriesBeforeBuild(initial: BuildOptions): EntryBeforeBuild[] {
  const entries = initial.entryPoints;
  if (!entries || initial.entryNames !== undefined) return [];
  if (!Array.isArray(entries)) return Object.entries(entries).map(([out, file]) => ({ path: file, out }));
  return entries.map((e) => (typeof e === "string" ? { path: e } : { path: e.in, out: e.out }));
}

function checkEntriesExist(build: PluginBuild, session: BuildSession): void {
  const files = session.fileEntries;
  if (!files.length) return;
  const filter = new RegExp(`^(?:${files.map(escapeRegex).join("|")})$`);
  build.onResolve({ filter }, async (args) => {
    if (args.kind !== "entry-point") return undefined;
    const missing = await session.checkEntry(args.path, args.resolveDir);
    return missing ? { errors: [toMessage(missing)] } : undefined;
  });
}

/** Bare imports the session decides to ship unbundled (slimfn `external`, native code) become esbuild externals. */
function shipUnbundled(build: PluginBuild, session: BuildSession): void {
  build.onResolve({ filter: session.shipFilter() }, (args) => {
    if (args.kind === "entry-point") return undefined;
    const answer = session.resolveImport(args.path, args.resolveDir, args.importer || undefined);
    if (!answer) return undefined;
    return "ship" in answer ? { path: args.path, external: true } : { errors: answer.diagnostics.map(toMessage) };
  });
}

/** esbuild's output files with the session's shims in place (the `require` esbuild's `__require` helper needs). */
function shimOutputs(session: BuildSession, files: OutputFile[], banner: string | undefined): OutputFile[] {
  const replaced = session.shimOutputs(files, (code) => addRequireShim(code, banner));
  return files.map((f) => {
    const text = replaced.get(f.path);
    if (text === undefined) return f;
    const contents = Buffer.from(text);
    return { path: f.path, contents, hash: f.hash, get text() { return text; } };
  });
}

/** Print the summary unless the user explicitly quietened esbuild's log. */
const quiet = (logLevel: BuildOptions["logLevel"]) => logLevel === "warning" || logLevel === "error" || logLevel === "silent";

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
 * esbuild's messages are errors and warnings only: slimfn's `info` diagnostics (a package
 * shipped because of its native code) are printed as compilers print notes, where the summary
 * would be.
 */
function showInfos(diagnostics: readonly Diagnostic[], logLevel: BuildOptions["logLevel"]): void {
  if (quiet(logLevel)) return;
  for (const d of diagnostics) if (d.severity === "info") process.stderr.write(`${formatDiagnostic(d)}\n`);
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
      const session = createSession(options, esbuildHost(build));
      const root = path.resolve(initial.absWorkingDir ?? process.cwd());
      const configured = session.configure({
        entries: entryPaths(initial.entryPoints),
        platform: initial.platform,
        format: initial.format,
        outdir: initial.outdir,
        outfile: initial.outfile,
        splitting: initial.splitting,
        sourcemap: initial.sourcemap,
        tsconfig: initial.tsconfig,
        tsconfigPaths: tsconfigPaths(initial.tsconfigRaw),
      });
      if (configured.diagnostics.length) {
        build.onStart(() => split(configured.diagnostics));
        return;
      }
      const userWrite = initial.write ?? true;
      const userLogLevel = initial.logLevel;
      applyDefaults(initial, configured.defaults);
      // slimfn writes the files itself after adding shims, so it sees them first in memory.
      initial.write = false;
      build.onStart(async () => split(await session.buildStart()));
      checkEntriesExist(build, session);
      // Fails before anything is bundled; once bundled, every input and output is checked again.
      const early = session.startChecks(entriesBeforeBuild(initial), {
        ...(initial.outbase !== undefined ? { outbase: initial.outbase } : {}),
        outdir: initial.outdir ?? path.dirname(initial.outfile ?? "."),
      });
      if (early.length) build.onStart(() => split(early));
      await setupLazy(build, session, toMessage);
      shipUnbundled(build, session);

      build.onEnd(async (result: BuildResult) => {
        const esbuildLogs = esbuildLogsEndMessages();
        const done = (diagnostics: Diagnostic[]) => {
          showInfos(diagnostics, userLogLevel);
          return logEndMessages(build, split(diagnostics), userLogLevel, esbuildLogs);
        };
        if (result.errors.length || !result.metafile || !result.outputFiles) return undefined;
        const metafile = result.metafile;
        let diagnostics: Diagnostic[];
        try {
          const files = shimOutputs(session, result.outputFiles, initial.banner?.js);
          if (!userWrite) result.outputFiles.splice(0, result.outputFiles.length, ...files);
          const finished = await session.finish({
            output: toBundleOutput(initial, root, metafile, files),
            graph: toGraph(metafile),
            chunks: () => toChunks(metafile, root, files),
            write: userWrite,
            quiet: quiet(userLogLevel),
          });
          diagnostics = finished.diagnostics;
        } catch (thrown) {
          diagnostics = toDiagnostics(thrown, "ZIP_WRITE_FAILED");
        }
        return done(diagnostics);
      });
    },
  };
}

export { slimfn };
