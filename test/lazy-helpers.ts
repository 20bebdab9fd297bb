/**
 * Shared by the lazy-import tests: build one entry of fixtures/lazy-order with the real esbuild
 * and the real slimfn plugin, then run it in a fresh node.
 */
import path from "node:path";
import * as esbuild from "esbuild";
import type { Diagnostic } from "../src/diagnostics.js";
import type { Options } from "../src/options.js";
import { runEsbuild } from "./helpers/drivers/esbuild.js";
import { invokeHandler, type Answer } from "./helpers/invoke.js";
import { fixture } from "./helpers/paths.js";
import { repoTempDir } from "./helpers/tmp.js";

export const ORDER = fixture("lazy-order");

export interface LazyBuild {
  file: string;
  outdir: string;
  warnings: Diagnostic[];
  errors: string[];
  metafile?: esbuild.Metafile;
}

export type Shape = "esm-split" | "esm" | "cjs" | "esm-outfile";

export const shapeOptions = (shape: Shape): esbuild.BuildOptions =>
  shape === "esm-split"
    ? { format: "esm", splitting: true }
    : shape === "esm"
      ? { format: "esm", splitting: false }
      : shape === "cjs"
        ? { format: "cjs", outExtension: { ".js": ".cjs" } }
        : { format: "esm" };

/**
 * Build `entry` with slimfn and `lazy` (undefined: slimfn without the option, where annotations
 * and `import defer` still apply), or with `lazy` null: plain esbuild, the same settings, no
 * slimfn at all (the baseline of the differential tests).
 */
export async function buildEntry(
  entry: string,
  lazy: Options["lazy"] | undefined | null,
  shape: Shape = "esm-split",
  extra: esbuild.BuildOptions = {},
  more: Options = {},
): Promise<LazyBuild> {
  const outdir = repoTempDir("lazy-");
  const name = path.basename(entry).replace(/\.[jt]sx?$/, "");
  const ext = shape === "cjs" ? ".cjs" : ".mjs";
  const outfile = shape === "esm-outfile" ? path.join(outdir, `${name}.mjs`) : undefined;
  if (lazy === null) {
    const result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: ORDER,
      bundle: true,
      platform: "node",
      logLevel: "silent",
      metafile: true,
      nodePaths: [path.join(ORDER, "packages")],
      ...(outfile ? { outfile } : { outdir, outExtension: { ".js": ext } }),
      ...shapeOptions(shape),
      ...extra,
    });
    return { file: outfile ?? path.join(outdir, name + ext), outdir, warnings: [], errors: [], metafile: result.metafile };
  }
  const built = await runEsbuild({
    root: ORDER,
    entries: [entry],
    outdir,
    slimfn: { zip: false, verify: false, ...more, ...(lazy === undefined ? {} : { lazy }) },
    esbuild: {
      nodePaths: [path.join(ORDER, "packages")],
      ...shapeOptions(shape),
      ...(outfile ? { outfile } : {}),
      ...extra,
    },
  }, outdir);
  const messages = built.result?.warnings ?? [];
  return {
    file: outfile ?? path.join(outdir, name + ext),
    outdir,
    warnings: messages.map(toDiagnostic).filter((d) => d.code.startsWith("LAZY_")),
    errors: (built.failure?.errors ?? []).map((e) => e.text),
    ...(built.result?.metafile ? { metafile: built.result.metafile } : {}),
  };
}

/**
 * esbuild keeps `detail` for messages from onLoad but not from onEnd (it becomes -1): rebuild
 * the diagnostic from the text (`CODE: message`) and location then.
 */
export function toDiagnostic(m: esbuild.Message): Diagnostic {
  if (m.detail && typeof m.detail === "object" && typeof (m.detail as Diagnostic).code === "string") return m.detail as Diagnostic;
  const colon = m.text.indexOf(": ");
  const d = { code: m.text.slice(0, colon), severity: "warning", message: m.text.slice(colon + 2) } as Diagnostic;
  if (m.notes.length) d.notes = m.notes.map((n) => n.text);
  return d;
}

export function run(b: LazyBuild, events: unknown[], nodeArgs: string[] = [], env: Record<string, string> = {}): Answer[] {
  return invokeHandler(b.file, "handler", events, { nodeArgs, env });
}
