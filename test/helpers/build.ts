/**
 * The neutral test driver: one build request, run by each bundler's driver with the real
 * bundler and the real slimfn plugin. Integration tests run under `describe.each(BUNDLERS)`;
 * nothing here knows a bundler's types. A bundler joins by adding its driver to `DRIVERS`.
 */
import fs from "node:fs";
import path from "node:path";
import type { Options } from "../../src/options.js";
import type { SizeModel } from "../../src/report/model.js";
import { esbuildDriver } from "./drivers/esbuild.js";
import { rolldownDriver } from "./drivers/rolldown.js";
import { rollupDriver } from "./drivers/rollup.js";

export interface BuildRequest {
  /** Project root (the bundler's working directory). */
  root: string;
  /** Entry files relative to root, or function names -> entry files. */
  entries?: string[] | Record<string, string>;
  /** @deprecated the old name of `entries`, kept while branches written against it land. */
  entryPoints?: string[] | Record<string, string>;
  /** Output folder, relative to root. @default "dist" */
  outdir?: string;
  /** Output format; unset: slimfn's lean default. */
  format?: "esm" | "cjs";
  /** The bundler's own `external`: left to the runtime. */
  external?: string[];
  /** The folder output paths are taken relative to (esbuild `outbase`, rollup `preserveModulesRoot`-like). */
  outbase?: string;
  sourcemap?: boolean | "linked" | "external" | "inline" | "both";
  /** Write the bundler's output files (false: in memory only). @default true */
  write?: boolean;
  /** Text put at the top of every output file. */
  banner?: string;
  slimfn?: Options;
  /** Options only esbuild knows: a test that sets them is about esbuild. */
  esbuild?: Record<string, unknown>;
  /** Rollup's own input and output options (Rolldown takes them too), for what only those drivers can say. */
  rollup?: { input?: Record<string, unknown>; output?: Record<string, unknown> };
}

/** A message as the bundler reports it: slimfn's code rides in the text (`CODE: message`). */
export interface BuildMessage {
  text: string;
  pluginName: string;
  location: { file: string; line: number; column: number; lineText?: string } | null;
  notes: { text: string }[];
  /** The whole diagnostic, when the bundler keeps it. */
  detail?: unknown;
}

export interface FixtureBuild {
  /** The finished build (absent when it failed). */
  result?: { warnings: BuildMessage[]; outputFiles?: { path: string }[] };
  /** The failed build's messages. */
  failure?: { errors: BuildMessage[]; warnings: BuildMessage[] };
  outdir: string;
  /** The size model when `report.json` was set and the build wrote it. */
  model?: SizeModel;
}

type DriverBuild = Omit<FixtureBuild, "model" | "outdir">;

export interface Driver {
  build(request: BuildRequest, outdir: string): Promise<DriverBuild>;
  /** A long-lived build (esbuild `context()`, rollup watch) the test rebuilds after edits. */
  context(request: BuildRequest, outdir: string): Promise<{ rebuild(): Promise<DriverBuild>; dispose(): Promise<void> }>;
}

export type Bundler = "esbuild" | "rollup" | "rolldown";
export const BUNDLERS: Bundler[] = ["esbuild", "rollup", "rolldown"];
const DRIVERS: Record<Bundler, Driver> = { esbuild: esbuildDriver, rollup: rollupDriver, rolldown: rolldownDriver };

export async function buildFixture(bundler: Bundler, req: BuildRequest): Promise<FixtureBuild> {
  const outdir = path.resolve(req.root, req.outdir ?? "dist");
  return withModel(req, outdir, await DRIVERS[bundler].build(req, outdir));
}

/** The request as a long-lived build: each `rebuild()` is one build of the same context. */
export async function contextFixture(bundler: Bundler, req: BuildRequest): Promise<{ rebuild(): Promise<FixtureBuild>; dispose(): Promise<void> }> {
  const outdir = path.resolve(req.root, req.outdir ?? "dist");
  const ctx = await DRIVERS[bundler].context(req, outdir);
  return { rebuild: async () => withModel(req, outdir, await ctx.rebuild()), dispose: () => ctx.dispose() };
}

function withModel(req: BuildRequest, outdir: string, built: DriverBuild): FixtureBuild {
  const json = req.slimfn?.report?.json;
  const file = json ? path.resolve(req.root, json) : undefined;
  const model = built.result && file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as SizeModel) : undefined;
  return { ...built, outdir, ...(model ? { model } : {}) };
}
