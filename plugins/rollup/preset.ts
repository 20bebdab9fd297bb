/**
 * The plugins of the `slimfn/rollup` preset besides slimfn's own: node-resolve, commonjs, json,
 * a TypeScript transform and a minifier, each stepping aside when the user's config lists a
 * plugin of the same kind (detected by name in slimfn's `options` hook).
 *
 * Chosen by measurement on the realistic fixture (bench/rollup.bench.mjs, the note of issue 10):
 * oxc-transform strips types per file in about a millisecond for the whole fixture (no type
 * checking, like esbuild); oxc-minify gives the smallest zip at a fraction of terser's time.
 */
import { createRequire } from "node:module";
import path from "node:path";
import type { InputOptions, Plugin } from "rollup";
import { presetPackageMissing } from "../../src/build-checks.js";
import { SlimfnError } from "../../src/diagnostics.js";
import { shiftSourceMap } from "../../src/esm-globals.js";

/** The packages the preset is made of: optional peers, so `slimfnRollup` alone needs none of them. */
const PRESET_PACKAGES = ["@rollup/plugin-node-resolve", "@rollup/plugin-commonjs", "@rollup/plugin-json", "oxc-transform", "oxc-minify"];

/** Load a preset package (synchronously: the preset is a plain array), or say what to install. */
function load<T>(name: string): T {
  try {
    const m = createRequire(import.meta.url)(name) as T | { default: T };
    return (m as { default?: T }).default ?? (m as T);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
    throw new SlimfnError(presetPackageMissing(name, PRESET_PACKAGES));
  }
}

/** Plugin names that mean the user brings their own of a kind. */
const OWN = {
  resolve: ["node-resolve"],
  commonjs: ["commonjs"],
  json: ["json"],
  typescript: ["typescript", "esbuild", "swc", "sucrase", "oxc-transform"],
  minify: ["terser", "swc-minify", "esbuild-minify", "minify", "oxc-minify"],
} as const;
type Kind = keyof typeof OWN;

const PRESET = Symbol.for("slimfn.preset");
const TS_FILE = /\.[cm]?tsx?$/;
const NODE_MODULES = /[\\/]node_modules[\\/]/;

/**
 * A preset plugin that steps aside when the user lists their own of its kind. It stays in the
 * array rollup flattened, so its own `options` hook is still called (plugins added inside an
 * `options` hook are not), and each hook checks whether it is on.
 */
function optional(kind: Kind, plugin: Plugin, enabled: Map<Kind, boolean>): Plugin {
  const wrapped: Record<string | symbol, unknown> = { [PRESET]: true };
  for (const [hook, value] of Object.entries(plugin)) {
    const handler = typeof value === "function" ? value : (value as { handler?: unknown } | null)?.handler;
    if (hook === "name" || typeof handler !== "function") {
      wrapped[hook] = value;
      continue;
    }
    const guarded = function (this: unknown, ...args: unknown[]) {
      return enabled.get(kind) === false ? null : (handler as (...a: unknown[]) => unknown).apply(this, args);
    };
    wrapped[hook] = typeof value === "function" ? guarded : { ...(value as object), handler: guarded };
  }
  return wrapped as unknown as Plugin;
}

/** The TypeScript transform: oxc-transform, per file, types stripped, no type checking. */
function typescript(target: string): Plugin {
  return {
    name: "slimfn:typescript",
    transform: {
      filter: { id: { include: TS_FILE, exclude: NODE_MODULES } },
      async handler(code, id) {
        if (!TS_FILE.test(id)) return null;
        const { transform } = await import("oxc-transform");
        const out = await transform(id, code, { sourcemap: true, target });
        const fatal = out.errors.find((e) => e.severity === "Error");
        if (fatal) this.error({ message: `${path.relative(process.cwd(), id)}: ${fatal.message}`, id });
        return { code: out.code, map: out.map ?? null };
      },
    },
  };
}

/**
 * The minifier: oxc-minify on each chunk, as slimfn's lean defaults ask of every bundler:
 * syntax and whitespace only. Names are kept (no mangling, `.name` of functions and classes
 * untouched), so the program computes what it computed before (a class name in a log line).
 */
function minify(target: string): Plugin {
  return {
    name: "slimfn:minify",
    async renderChunk(code, chunk, output) {
      const { minify: run } = await import("oxc-minify");
      // Rollup has put the user's banner on already: keep it as written, on top.
      const banner = typeof output.banner === "function" ? await output.banner(chunk) : "";
      const kept = banner && code.startsWith(banner) ? banner : "";
      const compress = { target, keepNames: { function: true, class: true } };
      const out = await run(chunk.fileName, code.slice(kept.length), { module: output.format === "es", compress, mangle: false, sourcemap: Boolean(output.sourcemap) });
      if (!kept) return { code: out.code, map: out.map ?? null };
      // The map was made for the code below the banner: shift it down by the banner's lines.
      let map = out.map ? JSON.stringify(out.map) : undefined;
      for (let i = 0; map && i < kept.split("\n").length; i++) map = shiftSourceMap(map, 0);
      return { code: `${kept}\n${out.code}`, map: map ?? null };
    },
  };
}

/** Whether a plugin is one of the preset's own. */
const isPreset = (p: unknown) => typeof p === "object" && p !== null && (p as Record<symbol, unknown>)[PRESET] === true;

/**
 * The preset's plugins after `core`, and the `options` step that decides which of them are on:
 * a plugin of the user's with a name of that kind turns the preset's off.
 */
export function presetPlugins(target: string): { plugins: Plugin[]; detect(input: InputOptions, core: Plugin): void } {
  const enabled = new Map<Kind, boolean>();
  const { nodeResolve } = load<typeof import("@rollup/plugin-node-resolve")>("@rollup/plugin-node-resolve");
  const commonjs = load<typeof import("@rollup/plugin-commonjs").default>("@rollup/plugin-commonjs");
  const json = load<typeof import("@rollup/plugin-json").default>("@rollup/plugin-json");
  // Loaded now, so a missing one is said when the config is read rather than mid-build.
  load("oxc-transform");
  load("oxc-minify");
  return {
    plugins: [
      optional("resolve", nodeResolve({ exportConditions: ["node"], preferBuiltins: true, extensions: [".mjs", ".js", ".json", ".node", ".ts", ".tsx", ".mts", ".cts"] }), enabled),
      optional("commonjs", commonjs(), enabled),
      optional("json", json(), enabled),
      optional("typescript", typescript(target), enabled),
      optional("minify", minify(target), enabled),
    ],
    detect(input, core) {
      const listed = [input.plugins].flat(Infinity as 1) as unknown[];
      const theirs = listed.filter((p): p is Plugin => typeof p === "object" && p !== null && typeof (p as Plugin).name === "string" && p !== core && !isPreset(p));
      for (const [kind, names] of Object.entries(OWN) as [Kind, readonly string[]][]) enabled.set(kind, !theirs.some((p) => names.includes(p.name)));
    },
  };
}
