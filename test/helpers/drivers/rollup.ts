/**
 * The rollup driver of the neutral test request (test/helpers/build.ts): the real rollup with
 * the real `slimfn/rollup` preset. Rollup takes the project root from the working directory,
 * so the driver builds from the request's root (vitest runs each test file in its own process).
 */
import path from "node:path";
import { rollup, watch, type InputOptions, type OutputOptions, type Plugin, type RollupLog } from "rollup";
import slimfn from "../../../plugins/rollup.js";
import type { Diagnostic } from "../../../src/diagnostics.js";
import type { BuildMessage, BuildRequest, Driver } from "../build.js";

export type DriverBuild = Awaited<ReturnType<Driver["build"]>>;

/** slimfn's logs carry the neutral diagnostic: read it back as the esbuild driver's messages read. */
export function messages(log: RollupLog & { meta?: { slimfn?: Diagnostic; all?: Diagnostic[] } }, root: string): BuildMessage[] {
  const all = log.meta?.all ?? (log.meta?.slimfn ? [log.meta.slimfn] : undefined);
  if (!all) {
    const loc = log.loc ? { file: path.relative(root, log.loc.file ?? log.id ?? ""), line: log.loc.line, column: log.loc.column } : null;
    return [{ text: log.message, pluginName: log.plugin ?? "", location: loc, notes: [] }];
  }
  return all.map((d) => ({
    text: `${d.code}: ${d.message}`,
    pluginName: "slimfn",
    location: d.loc ? { file: d.loc.file, line: d.loc.line, column: d.loc.column, ...(d.loc.lineText !== undefined ? { lineText: d.loc.lineText } : {}) } : null,
    notes: (d.notes ?? []).map((text) => ({ text })),
    detail: d,
  }));
}

/** A failed build's messages: slimfn's own (a SlimfnError from `options`, or a logged error) or rollup's. */
export function failure(e: unknown, root: string, warnings: BuildMessage[]): DriverBuild {
  const log = e as RollupLog & { diagnostics?: Diagnostic[] };
  if (typeof log.message !== "string") throw e;
  const errors = log.diagnostics
    ? log.diagnostics.map((d) => ({ text: `${d.code}: ${d.message}`, pluginName: "slimfn", location: null, notes: [], detail: d }))
    : messages(log, root);
  return { failure: { errors, warnings } };
}

/** An esbuild-style external pattern (one `*`; a name covers its subpaths) as a rollup user writes it. */
function rollupExternal(pattern: string): RegExp {
  const esc = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  return pattern.includes("*") ? new RegExp(`^${pattern.split("*").map(esc).join(".*")}$`) : new RegExp(`^${esc(pattern)}(?:/|$)`);
}

const SOURCEMAP: Record<string, OutputOptions["sourcemap"]> = { true: true, false: false, linked: true, external: "hidden", inline: "inline" };

/** The request as rollup options. `absolute`: entries as absolute paths (a watcher outlives the working directory). */
export function rollupOptions(req: BuildRequest, outdir: string, plugins: Plugin[], onLog: InputOptions["onLog"], absolute = false): { input: InputOptions; output: OutputOptions } {
  const at = (e: string) => (absolute ? path.resolve(req.root, e) : e);
  // esbuild's outbase, as a rollup user writes it: the input names the output paths.
  const input = req.outbase && Array.isArray(req.entries)
    ? Object.fromEntries(req.entries.map((e) => [path.relative(req.outbase!, e).replace(/\.[^./]+$/, "").split(path.sep).join("/"), at(e)]))
    : Array.isArray(req.entries) ? req.entries.map(at) : Object.fromEntries(Object.entries(req.entries).map(([k, e]) => [k, at(e)]));
  return {
    input: {
      input,
      ...(req.external ? { external: req.external.map(rollupExternal) } : {}),
      plugins,
      // "warn": slimfn prints no summary (as esbuild's "silent" in the esbuild driver), logs still arrive.
      logLevel: "warn",
      onLog,
      ...req.rollup?.input,
    },
    output: {
      dir: outdir,
      ...(req.format ? { format: req.format === "cjs" ? "cjs" : "es" } : {}),
      ...(req.sourcemap !== undefined ? { sourcemap: SOURCEMAP[String(req.sourcemap)] } : {}),
      ...(req.banner !== undefined ? { banner: req.banner } : {}),
      ...req.rollup?.output,
    },
  };
}

/** slimfn's plugins, made in the project root (slimfn resolves its paths against the working directory). */
export function pluginsIn(req: BuildRequest, make: (options: BuildRequest["slimfn"]) => Plugin | Plugin[]): Plugin[] {
  const cwd = process.cwd();
  process.chdir(req.root);
  try {
    return [make(req.slimfn)].flat();
  } finally {
    process.chdir(cwd);
  }
}

interface Bundle {
  generate(output: OutputOptions): Promise<{ output: { fileName: string }[] }>;
  write(output: OutputOptions): Promise<{ output: { fileName: string }[] }>;
  close(): Promise<void>;
}
type WatchEvent = { code: string; result?: { close(): Promise<void> } | null; error?: unknown };

/** What a driver of rollup's shape needs: its plugins, its bundle and watch APIs, its failures read as messages. */
export interface RollupLike {
  plugins(req: BuildRequest): Plugin[];
  bundle(input: InputOptions): Promise<Bundle>;
  watch(options: InputOptions & { output: OutputOptions; watch: { skipWrite: boolean; buildDelay: number } }): { on(event: "event", listener: (e: WatchEvent) => void): unknown; close(): Promise<void> };
  failure(e: unknown, root: string, warnings: BuildMessage[]): DriverBuild;
  /** Input options of its own, beside rollup's. */
  input?(req: BuildRequest): Record<string, unknown>;
}

/** A driver for rollup or a bundler that takes rollup's options, plugins and logs (Rolldown). */
export function rollupLikeDriver(api: RollupLike): Driver {
  const options = (req: BuildRequest, outdir: string, onWarn: (m: BuildMessage[]) => void, absolute = false) => {
    const { input, output } = rollupOptions(req, outdir, api.plugins(req), (level, log) => {
      if (level === "warn" && log.plugin === "slimfn") onWarn(messages(log, req.root));
    }, absolute);
    return { input: { ...input, ...api.input?.(req) }, output };
  };
  return {
    async build(req, outdir) {
      const cwd = process.cwd();
      process.chdir(req.root);
      const warnings: BuildMessage[] = [];
      try {
        const { input, output } = options(req, outdir, (m) => warnings.push(...m));
        const bundle = await api.bundle(input);
        try {
          const out = req.write === false ? await bundle.generate(output) : await bundle.write(output);
          return { result: { warnings, outputFiles: out.output.map((o) => ({ path: path.join(outdir, o.fileName) })) } };
        } finally {
          await bundle.close();
        }
      } catch (e) {
        return api.failure(e, req.root, warnings);
      } finally {
        process.chdir(cwd);
      }
    },

    /** The bundler's watch(): it builds at once and after every edit; each `rebuild()` takes the next build's result. */
    async context(req, outdir) {
      let warnings: BuildMessage[] = [];
      const done: DriverBuild[] = [];
      const waiting: ((b: DriverBuild) => void)[] = [];
      const settle = (b: DriverBuild) => {
        warnings = [];
        const next = waiting.shift();
        if (next) next(b);
        else done.push(b);
      };
      const { input, output } = options(req, outdir, (m) => warnings.push(...m), true);
      const watcher = api.watch({ ...input, output, watch: { skipWrite: req.write === false, buildDelay: 100 } });
      watcher.on("event", (e) => {
        if (e.code === "BUNDLE_END") {
          void e.result!.close();
          settle({ result: { warnings } });
        } else if (e.code === "ERROR") {
          void e.result?.close();
          settle(api.failure(e.error, req.root, warnings));
        }
      });
      return {
        rebuild: () => (done.length ? Promise.resolve(done.shift()!) : new Promise<DriverBuild>((resolve) => waiting.push(resolve))),
        dispose: () => watcher.close(),
      };
    },
  };
}

export const rollupDriver: Driver = rollupLikeDriver({
  plugins: (req) => pluginsIn(req, slimfn),
  bundle: rollup,
  watch: (options) => watch(options),
  failure,
});
