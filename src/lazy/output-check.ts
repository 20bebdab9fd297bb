/**
 * Whether the output can keep the lazy decisions the transform made. Under rollup and Rolldown
 * a deferred module must sit in a chunk of its own (`import()` with real code splitting): they
 * hoist a `require()` of a bundled ES module to init, and with `inlineDynamicImports` (or one
 * output file) an `import()` target is evaluated at init too. CommonJS output renders
 * `import()` as `require` inside a promise, which the synchronous chunk load cannot read. Such a
 * build fails instead of silently loading everything at init.
 */
import { error, type Diagnostic } from "../diagnostics.js";
import type { LazyDecision } from "./types.js";

export interface LazyOutputShape {
  /** The bundler's name for the output format (`es`, `cjs`, ...). */
  format: string;
  /** False when every `import()` target is inlined into its importer's file. */
  codeSplitting: boolean;
  /** The bundler's option that turned code splitting off, named in the message. */
  inlinedBy?: string;
}

export function checkLazyOutput(decisions: readonly LazyDecision[], shape: LazyOutputShape): Diagnostic[] {
  const deferred = decisions.filter((d) => d.mode !== "eager");
  if (!deferred.length) return [];
  const why =
    shape.format !== "es" && shape.format !== "esm" && shape.format !== "module"
      ? `the output format is ${JSON.stringify(shape.format)}, and only ES output loads a deferred chunk on first use`
      : !shape.codeSplitting
        ? `${shape.inlinedBy ?? "inlineDynamicImports"} puts every import() target in its importer's file, where it is evaluated at init`
        : undefined;
  if (!why) return [];
  return deferred.map((d) =>
    error(
      "LAZY_NEEDS_SPLITTING",
      `"${d.module}" was chosen to load on first use, but ${why}. Build ES output with code splitting (format "es", an output dir, no inlineDynamicImports), or drop it from lazy / mark the import /* @eager */.`,
      { loc: { file: d.importer, line: d.line, column: d.column } },
    ),
  );
}
