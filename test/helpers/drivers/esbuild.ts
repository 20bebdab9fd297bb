/** The esbuild driver of the neutral test request (test/helpers/build.ts). */
import * as esbuild from "esbuild";
import slimfn from "../../../plugins/esbuild.js";
import type { BuildMessage, BuildRequest, Driver } from "../build.js";

const message = (m: esbuild.Message): BuildMessage => ({
  text: m.text,
  pluginName: m.pluginName,
  location: m.location ? { file: m.location.file, line: m.location.line, column: m.location.column, lineText: m.location.lineText } : null,
  notes: m.notes.map((n) => ({ text: n.text })),
  ...(m.detail !== undefined ? { detail: m.detail } : {}),
});

/** The request as esbuild options, slimfn last among the plugins. */
export function esbuildOptions(req: BuildRequest, outdir: string): esbuild.BuildOptions {
  const extra = (req.esbuild ?? {}) as esbuild.BuildOptions;
  return {
    entryPoints: req.entries ?? req.entryPoints,
    absWorkingDir: req.root,
    logLevel: "silent",
    ...(extra.outfile ? {} : { outdir }),
    ...(req.format ? { format: req.format } : {}),
    ...(req.external ? { external: req.external } : {}),
    ...(req.outbase ? { outbase: req.outbase } : {}),
    ...(req.sourcemap !== undefined ? { sourcemap: req.sourcemap } : {}),
    ...(req.write !== undefined ? { write: req.write } : {}),
    ...(req.banner !== undefined ? { banner: { js: req.banner } } : {}),
    ...extra,
    // Tests stay hermetic: the build cache is on only where a test asks for it (test/cache.test.ts).
    plugins: [...(extra.plugins ?? []), slimfn({ cache: false, ...req.slimfn })],
  };
}

/** Run the request with esbuild; the raw result too, for esbuild-only tests (metafile). */
export async function runEsbuild(req: BuildRequest, outdir: string): Promise<{ result?: esbuild.BuildResult; failure?: esbuild.BuildFailure }> {
  try {
    return { result: await esbuild.build(esbuildOptions(req, outdir)) };
  } catch (e) {
    if ((e as esbuild.BuildFailure).errors) return { failure: e as esbuild.BuildFailure };
    throw e;
  }
}

const neutral = ({ result, failure }: { result?: esbuild.BuildResult; failure?: esbuild.BuildFailure }) =>
  failure
    ? { failure: { errors: failure.errors.map(message), warnings: failure.warnings.map(message) } }
    : { result: { warnings: result!.warnings.map(message), ...(result!.outputFiles ? { outputFiles: result!.outputFiles.map((f) => ({ path: f.path })) } : {}) } };

export const esbuildDriver: Driver = {
  build: async (req, outdir) => neutral(await runEsbuild(req, outdir)),
  async context(req, outdir) {
    const ctx = await esbuild.context(esbuildOptions(req, outdir));
    return {
      rebuild: () =>
        ctx.rebuild().then(
          (result) => neutral({ result }),
          (e: esbuild.BuildFailure) => {
            if (!e.errors) throw e;
            return neutral({ failure: e });
          },
        ),
      dispose: () => ctx.dispose(),
    };
  },
};
