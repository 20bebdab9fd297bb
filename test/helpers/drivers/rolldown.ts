/**
 * The Rolldown driver of the neutral test request (test/helpers/build.ts): the real Rolldown
 * with slimfn's core plugin alone (`slimfnRollup`), and Rolldown's own resolve, CommonJS,
 * TypeScript, JSON and minifier, as the README's Rolldown config. Options and messages are read
 * as the rollup driver reads them (Rolldown takes rollup's shapes).
 */
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { rolldown, watch, type InputOptions, type OutputOptions, type RolldownPlugin } from "rolldown";
import type { InputOptions as RollupInput, OutputOptions as RollupOutput, Plugin } from "rollup";
import { slimfnRollup } from "../../../plugins/rollup.js";
import type { BuildMessage, BuildRequest, Driver } from "../build.js";
import { failure, messages, rollupOptions, type DriverBuild } from "./rollup.js";

/** slimfn's core plugin, made in the project root (it takes its root from the working directory). */
function pluginIn(req: BuildRequest): Plugin {
  const cwd = process.cwd();
  process.chdir(req.root);
  try {
    return slimfnRollup(req.slimfn);
  } finally {
    process.chdir(cwd);
  }
}

/** The request as Rolldown options: the rollup driver's (Rolldown takes rollup's shapes). */
function rolldownOptions(req: BuildRequest, outdir: string, onLog: (messages: BuildMessage[]) => void, absolute = false): { input: InputOptions; output: OutputOptions } {
  const { input, output } = rollupOptions(req, outdir, [pluginIn(req)], (level, log) => {
    if (level === "warn" && log.plugin === "slimfn") onLog(messages(log, req.root));
  }, absolute);
  const { plugins, ...rest } = input as RollupInput;
  return { input: { ...(rest as InputOptions), plugins: plugins as RolldownPlugin[], cwd: req.root }, output: output as RollupOutput as OutputOptions };
}

/**
 * Rolldown throws one BundleError carrying every error of the build in `errors`, each as rollup's
 * log. Its own messages come coloured with a code frame below the first line: the text is that
 * line, as esbuild's text is (its frame is the location's lineText).
 */
function rolldownFailure(e: unknown, root: string, warnings: BuildMessage[]): DriverBuild {
  const all = (e as { errors?: unknown[] }).errors;
  const errors = all?.length ? all.flatMap((one) => failure(one, root, warnings).failure!.errors) : failure(e, root, warnings).failure!.errors;
  return { failure: { errors: errors.map((m) => (m.pluginName ? m : { ...m, text: stripVTControlCharacters(m.text).split("\n")[0]! })), warnings } };
}

export const rolldownDriver: Driver = {
  async build(req, outdir) {
    const cwd = process.cwd();
    process.chdir(req.root);
    const warnings: BuildMessage[] = [];
    try {
      const { input, output } = rolldownOptions(req, outdir, (m) => warnings.push(...m));
      const bundle = await rolldown(input);
      try {
        const out = req.write === false ? await bundle.generate(output) : await bundle.write(output);
        return { result: { warnings, outputFiles: out.output.map((o) => ({ path: path.join(outdir, o.fileName) })) } };
      } finally {
        await bundle.close();
      }
    } catch (e) {
      return rolldownFailure(e, req.root, warnings);
    } finally {
      process.chdir(cwd);
    }
  },

  /** Rolldown's watch(): it builds at once and after every edit; each `rebuild()` takes the next build's result. */
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
    const { input, output } = rolldownOptions(req, outdir, (m) => warnings.push(...m), true);
    const watcher = watch({ ...input, output, watch: { skipWrite: req.write === false, buildDelay: 100 } });
    watcher.on("event", (e) => {
      if (e.code === "BUNDLE_END") {
        void e.result.close();
        settle({ result: { warnings } });
      } else if (e.code === "ERROR") {
        void e.result?.close();
        settle(rolldownFailure(e.error, req.root, warnings));
      }
    });
    return {
      rebuild: () => (done.length ? Promise.resolve(done.shift()!) : new Promise<DriverBuild>((resolve) => waiting.push(resolve))),
      dispose: () => watcher.close(),
    };
  },
};
