/**
 * The Rolldown driver of the neutral test request (test/helpers/build.ts): the real Rolldown
 * with slimfn's core plugin alone (`slimfnRollup`), and Rolldown's own resolve, CommonJS,
 * TypeScript, JSON and minifier, as the README's Rolldown config. Options and messages are read
 * as the rollup driver reads them (Rolldown takes rollup's shapes).
 */
import { stripVTControlCharacters } from "node:util";
import { rolldown, watch, type InputOptions, type RolldownPlugin } from "rolldown";
import { slimfnRollup } from "../../../plugins/rollup.js";
import type { BuildMessage, Driver } from "../build.js";
import { failure, pluginsIn, rollupLikeDriver, type DriverBuild, type RollupLike } from "./rollup.js";

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

export const rolldownDriver: Driver = rollupLikeDriver({
  plugins: (req) => pluginsIn(req, slimfnRollup),
  // Rolldown takes rollup's shapes of options, plugins and outputs (its types are its own).
  bundle: (input) => rolldown({ ...(input as InputOptions), plugins: input.plugins as RolldownPlugin[] }) as unknown as ReturnType<RollupLike["bundle"]>,
  watch: (options) => watch(options as unknown as Parameters<typeof watch>[0]) as unknown as ReturnType<RollupLike["watch"]>,
  failure: rolldownFailure,
  input: (req) => ({ cwd: req.root }),
});
