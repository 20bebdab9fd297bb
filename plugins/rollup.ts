/**
 * slimfn for rollup, Rolldown and Vite: a thin adapter. It maps rollup's hooks, options and
 * output bundle onto the build session (src/session.ts), and the core's diagnostics onto rollup
 * logs, with `CODE: message` in the text because rollup's CLI prints no code.
 *
 * - default export: the preset, an array of plugins (slimfn, node-resolve, commonjs, json, a
 *   TypeScript transform, a minifier; see rollup/preset.ts). Rollup and Rolldown flatten it and
 *   call every plugin's `options` hook, which @rollup/plugin-commonjs needs.
 * - `slimfnRollup`: slimfn's plugin alone, for Vite, Rolldown, tsdown and configs that bring
 *   their own resolve, commonjs and TypeScript plugins.
 */
import path from "node:path";
import type { ExternalOption, InputOptions, NormalizedOutputOptions, OutputOptions, Plugin, PluginContext, RollupLog } from "rollup";
import { commonFolder } from "../src/build-checks.js";
import { SlimfnError, type Diagnostic } from "../src/diagnostics.js";
import { parseVirtualId, resolvedVirtualId, VIRTUAL_PREFIX } from "../src/lazy/virtual.js";
import type { LeanIntent } from "../src/lean-defaults.js";
import { normaliseModuleId } from "../src/module-ids.js";
import { resolveOptions, validateOptions, type Options } from "../src/options.js";
import { createSession, type BuildSession } from "../src/session.js";
import { shipAsked } from "../src/ship/externals.js";
import { isBareSpecifier, isBuiltin } from "../src/specifiers.js";
import { moduleNamer, toBundleOutput, toChunks, toGraph } from "./rollup/bundle.js";
import { presetPlugins } from "./rollup/preset.js";

export type { Options } from "../src/options.js";

/** A neutral diagnostic as a rollup log; the whole diagnostic rides in `meta.slimfn`. */
export function toLog(d: Diagnostic, root: string): RollupLog {
  const notes = (d.notes ?? []).map((n) => `\n  ${n}`).join("");
  const log: RollupLog = { code: d.code, message: `${d.code}: ${d.message}${notes}`, plugin: "slimfn", meta: { slimfn: d } };
  if (d.loc) {
    const file = path.resolve(root, d.loc.file);
    log.id = file;
    log.loc = { file, line: d.loc.line, column: d.loc.column };
    if (d.loc.lineText !== undefined) log.frame = `${d.loc.lineText}\n${" ".repeat(d.loc.column)}^`;
  }
  return log;
}

type LogContext = Pick<PluginContext, "warn" | "error" | "info">;

/** Warnings and notes as logs; errors as one thrown error (every error's text in its message). */
function report(ctx: LogContext, diagnostics: readonly Diagnostic[], root: string): void {
  for (const d of diagnostics) {
    if (d.severity === "warning") ctx.warn(toLog(d, root));
    else if (d.severity === "info") ctx.info(toLog(d, root));
  }
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (!errors.length) return;
  const log = toLog(errors[0]!, root);
  if (errors.length > 1) log.message = errors.map((d) => toLog(d, root).message).join("\n");
  log.meta = { slimfn: errors[0], all: errors };
  ctx.error(log);
}

/** Rollup's `external` as a predicate (a string matches the id exactly, as rollup matches it). */
function externalPredicate(option: ExternalOption | undefined): (id: string, importer: string | undefined, isResolved: boolean) => boolean {
  if (typeof option === "function") return (id, importer, isResolved) => Boolean(option(id, importer, isResolved));
  const list = option === undefined ? [] : Array.isArray(option) ? option : [option];
  return (id) => list.some((p) => (typeof p === "string" ? p === id : p.test(id)));
}

function inputPaths(input: InputOptions["input"]): string[] {
  if (input === undefined) return [];
  if (typeof input === "string") return [input];
  return Array.isArray(input) ? input : Object.values(input);
}

/** The file behind a module id (`\0/p/x.js?commonjs-proxy` is /p/x.js). */
function fileOf(id: string): string {
  const p = id.startsWith("\0") ? id.slice(1) : id;
  const q = p.indexOf("?");
  return q > 0 ? p.slice(0, q) : p;
}

const isEsFormat = (format: string | undefined) => format === "es" || format === "esm" || format === "module";

/**
 * Lean defaults as rollup output options, only where the user left them unset. Entries of an
 * `input` array keep their folders below `base` (their common folder), as esbuild lays them out.
 */
function leanOutput(output: OutputOptions, lean: LeanIntent, base: string | undefined): OutputOptions {
  const format = output.format ?? (lean.format === "cjs" ? "cjs" : "es");
  const out: OutputOptions = { ...output, format };
  if (output.dir === undefined && output.file === undefined) out.dir = lean.outdir ?? "dist";
  const ext = isEsFormat(format) && lean.esmOutput ? lean.esmOutput.extension : ".js";
  if (out.entryFileNames === undefined) {
    out.entryFileNames = (chunk) => {
      const dir = base && chunk.facadeModuleId && !chunk.facadeModuleId.startsWith("\0") ? path.relative(base, path.dirname(chunk.facadeModuleId)) : "";
      return `${dir && !dir.startsWith("..") ? `${dir.split(path.sep).join("/")}/` : ""}[name]${ext}`;
    };
  }
  out.chunkFileNames ??= `[name]-[hash]${ext}`;
  return out;
}

type RolldownInput = InputOptions & { platform?: string; resolve?: { mainFields?: string[] }; transform?: { target?: unknown } };

/** Rolldown's input options for the lean intent (it resolves and transforms without plugins). */
function rolldownInput(input: RolldownInput, lean: LeanIntent): Partial<RolldownInput> {
  return {
    platform: input.platform ?? lean.platform,
    resolve: { ...input.resolve, mainFields: input.resolve?.mainFields ?? [...lean.mainFields] },
    transform: { ...input.transform, target: input.transform?.target ?? lean.target },
  };
}

/** Rolldown and Vite add to rollup's plugin context. */
type Meta = PluginContext["meta"] & { rolldownVersion?: string };

type VitePluginHooks = {
  /** Vite: a Node handler is an SSR or library build with every package bundled. */
  config?(config: { logLevel?: string; build?: { ssr?: unknown; lib?: unknown; target?: unknown }; ssr?: { noExternal?: unknown; target?: unknown } }): unknown;
};

/**
 * slimfn's plugin alone: lazy imports, shipping unbundled packages, zips, verification and the
 * size model. Bring your own resolve, commonjs and TypeScript plugins (or use the preset).
 */
export function slimfnRollup(options: Options = {}): Plugin & VitePluginHooks {
  const root = process.cwd();
  const problems = validateOptions(options);
  let leftToRuntime: (id: string) => boolean = () => false;
  let ctx: PluginContext | undefined;
  let host = { name: "rollup", version: "" };
  let quiet = false;
  let viteQuiet: boolean | undefined;
  let lean: LeanIntent | undefined;
  let base: string | undefined;
  /** Virtual lazy module ids of this build -> the specifier each loads. */
  let lazyIds = new Map<string, string>();
  const session: BuildSession = createSession(options, {
    get name() {
      return host.name;
    },
    get version() {
      return host.version;
    },
    root,
    async resolve(specifier, importer) {
      // skipSelf: false, or this.resolve skips slimfn's resolveId and a shipped package looks bundled.
      const r = await ctx!.resolve(specifier, importer, { skipSelf: false });
      if (!r) return undefined;
      return { path: r.id, external: r.external !== false, onDisk: !r.id.startsWith("\0") && path.isAbsolute(r.id) && !r.id.includes("?") };
    },
    leavesToRuntime: (specifier) => leftToRuntime(specifier),
    requireDefers: false,
  });
  const fail = (diagnostics: readonly Diagnostic[]) => {
    throw new SlimfnError([...diagnostics]);
  };

  return {
    name: "slimfn",

    config(config) {
      host = { ...host, name: "vite" };
      // Vite's own log level, not the one it hands rollup, says whether the user wants the summary.
      viteQuiet = config.logLevel === "warn" || config.logLevel === "error" || config.logLevel === "silent";
      if (!config.build?.ssr && !config.build?.lib) return undefined;
      const target = problems.length ? undefined : resolveOptions(options, root).runtime.target;
      return {
        ssr: { noExternal: config.ssr?.noExternal ?? true, target: config.ssr?.target ?? "node" },
        ...(target && config.build?.target === undefined ? { build: { target } } : {}),
      };
    },

    options(input) {
      if (problems.length) fail(problems);
      quiet = viteQuiet ?? (input.logLevel === "silent" || input.logLevel === "warn");
      const configured = session.configure({ entries: inputPaths(input.input), platform: "node" });
      if (configured.diagnostics.length) fail(configured.diagnostics);
      lean = configured.defaults;
      // An `input` object names its functions itself; an array's entries keep their folders.
      const named = input.input !== undefined && typeof input.input === "object" && !Array.isArray(input.input);
      const files = inputPaths(input.input).map((e) => path.resolve(root, e));
      base = !named && files.length ? commonFolder(files.map((f) => path.dirname(f))) : undefined;
      // Budgets naming no function and an unreadable verify.event fail before anything is bundled.
      const entries = named ? Object.entries(input.input as Record<string, string>).map(([out, p]) => ({ path: p, out })) : inputPaths(input.input).map((p) => ({ path: p }));
      const early = session.startChecks(entries, {});
      if (early.length) fail(early);
      const user = externalPredicate(input.external);
      const opts = session.options!;
      leftToRuntime = (id) => user(id, undefined, false);
      // Rolldown resolves and targets by itself: the lean intent, where the user left it unset.
      const own = (this.meta as Meta).rolldownVersion && host.name !== "vite" ? rolldownInput(input as RolldownInput, lean) : {};
      // The user's `external` short-circuits every plugin's resolveId: a package slimfn's own
      // `external` names must still reach slimfn's resolveId to be shipped.
      return { ...input, ...own, external: (id, importer, isResolved) => (!isResolved && shipAsked(opts, id) ? false : user(id, importer, isResolved)) };
    },

    outputOptions(output) {
      if (!lean) return null;
      const out = leanOutput(output, lean, base);
      // Rolldown minifies itself (oxc): syntax and whitespace, names kept, as the preset's minifier.
      const rolldown = out as OutputOptions & { minify?: unknown; postBanner?: unknown };
      if ((this.meta as Meta).rolldownVersion && host.name !== "vite" && rolldown.minify === undefined) {
        rolldown.minify = { compress: { target: lean.target, keepNames: { function: true, class: true } }, mangle: false };
        // Its minifier drops a banner's comments: the user's banner goes on top of the minified
        // code as written (Rolldown's postBanner), as the preset's minifier keeps it under rollup.
        if (out.banner !== undefined && rolldown.postBanner === undefined) {
          rolldown.postBanner = out.banner;
          delete out.banner;
        }
      }
      return out;
    },

    async buildStart() {
      ctx = this;
      const meta = this.meta as Meta;
      if (host.name !== "vite") host = { name: meta.rolldownVersion ? "rolldown" : "rollup", version: meta.rolldownVersion ?? meta.rollupVersion };
      else host = { name: "vite", version: meta.rolldownVersion ?? meta.rollupVersion };
      lazyIds = new Map();
      // Rollup runs every plugin's transform in JavaScript: no filter is fixed, nothing to re-check.
      await session.buildStart();
    },

    async resolveId(source, importer, opts) {
      if (source.startsWith(VIRTUAL_PREFIX)) {
        const v = session.resolveVirtual(source, importer ? path.dirname(fileOf(importer)) : root);
        if (!v) return null;
        // The virtual module re-exports from the target's resolved id: it has no folder of its own.
        const target = await this.resolve(v.target, importer, { skipSelf: true });
        if (!target || target.external) return null;
        // Its name gives it the importer's CommonJS interop (see virtualExtension).
        const id = resolvedVirtualId(target.id, v.names, v);
        lazyIds.set(id, parseVirtualId(source)!.specifier);
        return id;
      }
      if (opts.isEntry) {
        // Written without an extension, the entry is node-resolve's to find.
        const missing = path.extname(source) ? await session.checkEntry(source, importer ? path.dirname(importer) : root) : undefined;
        if (missing) report(this, [missing], root);
        return null;
      }
      if (!importer || !isBareSpecifier(source) || isBuiltin(source)) return null;
      const from = fileOf(importer);
      const answer = session.resolveImport(source, path.dirname(from), from);
      if (!answer) return null;
      if ("diagnostics" in answer) report(this, answer.diagnostics, root);
      return { id: source, external: true };
    },

    async load(id) {
      // Its target is a resolved id already; it is loaded with import(), as its own chunk.
      const v = id.startsWith(VIRTUAL_PREFIX) ? session.resolveVirtual(id, root) : undefined;
      return v ? session.loadVirtual(v, root, false) : null;
    },

    transform: {
      // Rolldown and rollup 4.38+ run the filter before calling JavaScript: node_modules never reaches it.
      filter: { id: { include: session.sourceFilter, exclude: [/[\\/]node_modules[\\/]/, /^\0/] } },
      async handler(code, id) {
        const answer = await session.transform(code, id);
        if (!answer) return null;
        // Rollup's watch mode reuses a transform until the file changes; these change it too.
        for (const dep of answer.dependencies ?? []) this.addWatchFile(dep);
        report(this, answer.diagnostics, root);
        return answer.code === undefined ? null : { code: answer.code, map: answer.map!.toString() };
      },
    },

    renderStart(output: NormalizedOutputOptions) {
      const inlined = output.inlineDynamicImports || output.file !== undefined;
      report(this, session.checkOutput({ format: output.format, codeSplitting: !inlined, inlinedBy: output.file !== undefined ? "output.file" : "inlineDynamicImports" }), root);
    },

    renderChunk: {
      // After the minifier: the shim stays on a line of its own, above the user's banner.
      order: "post",
      handler(code, chunk, output) {
        if (output.format !== "es" && output.format !== "cjs") return null;
        const entry = chunk.isEntry && chunk.facadeModuleId ? path.resolve(root, normaliseModuleId(chunk.facadeModuleId, root)) : undefined;
        const out = session.outputChunk(code, chunk.fileName, { format: output.format === "es" ? "esm" : "cjs", ...(entry ? { entry } : {}) });
        // A line appended at the end leaves every mapping in place.
        return out ? { code: out.code, map: out.map?.toString() ?? null } : null;
      },
    },

    generateBundle: {
      // After every other plugin's generateBundle: the zip holds the files as they are written.
      order: "post",
      async handler(output, bundle, isWrite) {
        const name = moduleNamer(root, lazyIds);
        const finished = await session.finish({
          output: toBundleOutput(bundle, output, root, name),
          graph: toGraph(this, name, lazyIds),
          chunks: () => toChunks(bundle, lazyIds, output, root),
          // write(): the session writes the files once every zip is made and verified (a build it
          // fails writes none; one over budget keeps them to inspect), and rollup writes them again.
          write: isWrite,
          quiet,
        });
        report(this, finished.diagnostics, root);
      },
    },
  };
}

/**
 * `slimfn/rollup`: what a rollup config needs for a Node handler, as an array of plugins.
 * `plugins: [slimfn({ runtime: "nodejs22.x", zip: "dist/[name].zip" })]`
 */
export default function slimfn(options: Options = {}): Plugin[] {
  const core = slimfnRollup(options);
  const target = validateOptions(options).length ? "node22" : resolveOptions(options, process.cwd()).runtime.target;
  const preset = presetPlugins(target);
  const coreOptions = core.options as (this: unknown, input: InputOptions) => InputOptions;
  core.options = function (input) {
    preset.detect(input, core);
    return coreOptions.call(this, input);
  };
  return [core, ...preset.plugins];
}
