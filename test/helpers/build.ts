/**
 * Build a fixture with the real esbuild and the real slimfn plugin. Integration tests take the
 * bundler as a parameter (`BUNDLERS`); rollup joins when its adapter lands.
 */
import path from "node:path";
import * as esbuild from "esbuild";
import slimfn, { type Options } from "../../plugins/esbuild.js";
import type { SizeModel } from "../../src/report/model.js";
import fs from "node:fs";

export interface FixtureBuild {
  /** esbuild's result (rejections are returned as `failure`). */
  result?: esbuild.BuildResult;
  failure?: esbuild.BuildFailure;
  outdir: string;
  /** The size model when `report.json` was set. */
  model?: SizeModel;
}

export interface BuildRequest {
  /** Project root (absWorkingDir). */
  root: string;
  entryPoints: esbuild.BuildOptions["entryPoints"];
  /** Output folder, relative to root. @default "dist" */
  outdir?: string;
  slimfn?: Options;
  esbuild?: esbuild.BuildOptions;
}

export type Bundler = "esbuild";
export const BUNDLERS: Bundler[] = ["esbuild"];

export async function buildFixture(_bundler: Bundler, req: BuildRequest): Promise<FixtureBuild> {
  const outdir = path.resolve(req.root, req.outdir ?? "dist");
  const options: esbuild.BuildOptions = {
    entryPoints: req.entryPoints,
    absWorkingDir: req.root,
    logLevel: "silent",
    ...(req.esbuild?.outfile ? {} : { outdir }),
    ...req.esbuild,
    // Tests stay hermetic: the build cache is on only where a test asks for it (test/cache.test.ts).
    plugins: [...(req.esbuild?.plugins ?? []), slimfn({ cache: false, ...req.slimfn })],
  };
  try {
    const result = await esbuild.build(options);
    const json = req.slimfn?.report?.json;
    const model = json ? (JSON.parse(fs.readFileSync(path.resolve(req.root, json), "utf8")) as SizeModel) : undefined;
    return { result, outdir, model };
  } catch (e) {
    if ((e as esbuild.BuildFailure).errors) return { failure: e as esbuild.BuildFailure, outdir };
    throw e;
  }
}
