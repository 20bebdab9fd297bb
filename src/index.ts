/**
 * slimfn's bundler-neutral API. The bundler plugins are `slimfn/esbuild` (and later
 * `slimfn/rollup`); this entry exposes the types and the pieces that work without a bundler.
 */
export type { Options, ReportOptions, ResolvedOptions } from "./options.js";
export { resolveOptions, validateOptions, DEFAULTS } from "./options.js";
export type { Diagnostic, DiagnosticCode, Location, Severity } from "./diagnostics.js";
export { SlimfnError, formatDiagnostic } from "./diagnostics.js";
export type { Runtime, RuntimeInfo } from "./runtime.js";
export { RUNTIMES, LAMBDA_LIMITS } from "./runtime.js";
export type { SizeModel, FunctionModel, PackageModel, FileModel } from "./report/model.js";
export { SCHEMA_ID, SCHEMA_VERSION } from "./report/model.js";
export { buildZip, type ZipArchive, type ZipEntryInput } from "./zip/write.js";
