/**
 * One neutral message type for everything slimfn reports. Adapters map it onto their bundler:
 * esbuild `{ id, text, location, notes }`, rollup `this.warn` / `this.error`. Codes are stable:
 * users filter and search by them, tests assert them.
 */

export type Severity = "error" | "warning" | "info";

/** A place in a source file. `line` is 1-based, `column` 0-based (as esbuild reports them). */
export interface Location {
  /** Path relative to the project root, with `/` separators. */
  file: string;
  line: number;
  column: number;
  /** The whole source line, for a code frame. */
  lineText?: string;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** What happened and what to do about it. */
  message: string;
  loc?: Location;
  /** Extra lines shown under the message (for example an import chain). */
  notes?: string[];
}

/**
 * Every code slimfn can emit. Adding a code is fine; renaming or reusing one is a breaking change.
 */
export type DiagnosticCode =
  // options
  | "OPTION_UNKNOWN"
  | "OPTION_INVALID"
  // build shape
  | "ENTRY_NOT_FOUND"
  | "OUTPUT_FORMAT_UNSUPPORTED"
  | "ZIP_NAME_MISSING"
  | "ZIP_NAME_COLLISION"
  | "ZIP_WRITE_FAILED"
  | "REPORT_WRITE_FAILED"
  | "OUTPUT_IS_INPUT"
  | "OUTPUT_COLLISION"
  | "OUTPUT_NOT_OURS"
  | "OUTPUT_WRITE_FAILED"
  | "HANDLER_NAME_UNSUPPORTED"
  | "NO_HANDLER_EXPORT"
  | "OUTPUT_MISSING"
  // shipping unbundled packages
  | "EXTERNAL_UNRESOLVED"
  | "EXTERNAL_UNMATCHED"
  | "PACKAGE_UNREADABLE"
  | "SYMLINK_LOOP"
  | "PACKAGE_IS_PROJECT"
  | "SYMLINK_OUTSIDE"
  | "SECRET_IN_ZIP"
  | "SECRET_ALLOW_UNUSED"
  | "SHIP_VERSION_CONFLICT"
  | "NATIVE_AUTO_EXTERNAL"
  | "INCLUDE_EMPTY"
  | "FOREIGN_BINARY"
  | "NATIVE_MISSING_FOR_TARGET"
  | "STRIP_GLOB_UNMATCHED"
  | "SHIPPED_NOT_WRITTEN"
  // verification
  | "VERIFY_FAILED"
  | "VERIFY_SKIPPED"
  | "VERIFY_NODE_MISMATCH"
  | "ZIP_INVALID"
  | "ZIP_UNSAFE_ENTRY"
  | "ZIP_TOO_LARGE"
  | "HANDLER_OUTSIDE_ZIP"
  | "LAYER_UNREADABLE"
  | "LAYER_PACKAGE_MISSING"
  // lazy imports
  | "LAZY_UNMATCHED"
  | "LAZY_GLOB_INVALID"
  | "LAZY_STAYS_EAGER"
  | "LAZY_REQUIRE_ASYNC"
  | "LAZY_ANNOTATION_MISPLACED"
  | "LAZY_PARSE_ERROR"
  | "DECORATOR_METADATA_UNSUPPORTED"
  | "LAZY_STILL_EAGER"
  | "LAZY_DOES_NOT_PAY"
  | "LAZY_DEFERRED_EXPORT_USE"
  | "LAZY_NEEDS_SPLITTING"
  | "LAZY_RESTART_NEEDED"
  | "LAZY_FILE_UNSEEN"
  | "DECORATOR_METADATA_UNSEEN"
  | "PRESET_PACKAGE_MISSING"
  // reports and budgets
  | "BUDGET_EXCEEDED"
  | "BUDGET_INVALID"
  | "BUDGET_NOT_MEASURED"
  | "LAMBDA_LIMIT_EXCEEDED"
  | "REPORT_INVALID"
  // deploy tools
  | "CDK_FUNCTION_UNKNOWN"
  | "CDK_ZIP_MISSING"
  | "CDK_NOT_INSTALLED";

/**
 * The one severity of every code, as the README's table lists it (test/readme.test.ts checks
 * both). `error`, `warning` and `info` accept only codes of their severity, so a code cannot
 * drift. The one exception is asked for by the user: `verify.failOnError: false` turns a
 * VERIFY_FAILED of a failed invocation into a warning (`downgraded`).
 */
export const SEVERITY = Object.freeze({
  // options
  OPTION_UNKNOWN: "error",
  OPTION_INVALID: "error",
  // build shape
  ENTRY_NOT_FOUND: "error",
  OUTPUT_FORMAT_UNSUPPORTED: "error",
  ZIP_NAME_MISSING: "error",
  ZIP_NAME_COLLISION: "error",
  ZIP_WRITE_FAILED: "error",
  REPORT_WRITE_FAILED: "error",
  OUTPUT_IS_INPUT: "error",
  OUTPUT_COLLISION: "error",
  OUTPUT_NOT_OURS: "error",
  OUTPUT_WRITE_FAILED: "error",
  HANDLER_NAME_UNSUPPORTED: "warning",
  NO_HANDLER_EXPORT: "error",
  OUTPUT_MISSING: "error",
  // shipping unbundled packages
  EXTERNAL_UNRESOLVED: "error",
  EXTERNAL_UNMATCHED: "warning",
  PACKAGE_UNREADABLE: "error",
  SYMLINK_LOOP: "error",
  PACKAGE_IS_PROJECT: "error",
  SYMLINK_OUTSIDE: "error",
  SECRET_IN_ZIP: "error",
  SECRET_ALLOW_UNUSED: "warning",
  SHIP_VERSION_CONFLICT: "error",
  NATIVE_AUTO_EXTERNAL: "info",
  INCLUDE_EMPTY: "warning",
  FOREIGN_BINARY: "error",
  NATIVE_MISSING_FOR_TARGET: "error",
  STRIP_GLOB_UNMATCHED: "warning",
  SHIPPED_NOT_WRITTEN: "warning",
  // verification
  VERIFY_FAILED: "error",
  VERIFY_SKIPPED: "warning",
  VERIFY_NODE_MISMATCH: "warning",
  ZIP_INVALID: "error",
  ZIP_UNSAFE_ENTRY: "error",
  ZIP_TOO_LARGE: "error",
  HANDLER_OUTSIDE_ZIP: "error",
  LAYER_UNREADABLE: "error",
  LAYER_PACKAGE_MISSING: "warning",
  // lazy imports
  LAZY_UNMATCHED: "warning",
  LAZY_GLOB_INVALID: "error",
  LAZY_STAYS_EAGER: "warning",
  LAZY_REQUIRE_ASYNC: "error",
  LAZY_ANNOTATION_MISPLACED: "warning",
  LAZY_PARSE_ERROR: "warning",
  DECORATOR_METADATA_UNSUPPORTED: "error",
  LAZY_STILL_EAGER: "warning",
  LAZY_DOES_NOT_PAY: "warning",
  LAZY_DEFERRED_EXPORT_USE: "error",
  LAZY_NEEDS_SPLITTING: "error",
  LAZY_RESTART_NEEDED: "error",
  LAZY_FILE_UNSEEN: "warning",
  DECORATOR_METADATA_UNSEEN: "error",
  PRESET_PACKAGE_MISSING: "error",
  // reports and budgets
  BUDGET_EXCEEDED: "error",
  BUDGET_INVALID: "error",
  BUDGET_NOT_MEASURED: "warning",
  LAMBDA_LIMIT_EXCEEDED: "error",
  REPORT_INVALID: "error",
  // deploy tools
  CDK_FUNCTION_UNKNOWN: "error",
  CDK_ZIP_MISSING: "error",
  CDK_NOT_INSTALLED: "error",
} as const satisfies Record<DiagnosticCode, Severity>);

type CodeOf<S extends Severity> = { [C in DiagnosticCode]: (typeof SEVERITY)[C] extends S ? C : never }[DiagnosticCode];

/** An Error that carries diagnostics, so callers can turn a failure into bundler messages. */
export class SlimfnError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => `${d.code}: ${d.message}`).join("\n"));
    this.name = "SlimfnError";
    this.diagnostics = list;
  }
}

export function error(code: CodeOf<"error">, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: "error", message, ...extra };
}

export function warning(code: CodeOf<"warning">, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: "warning", message, ...extra };
}

export function info(code: CodeOf<"info">, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: "info", message, ...extra };
}

/** An error the user's options ask to only warn about (`verify.failOnError: false`). */
export function downgraded(d: Diagnostic): Diagnostic {
  return { ...d, severity: "warning" };
}

/** Turn anything thrown into diagnostics: ours keep their codes, others are wrapped. */
export function toDiagnostics(thrown: unknown, fallback: CodeOf<"error">): Diagnostic[] {
  if (thrown instanceof SlimfnError) return thrown.diagnostics;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return [error(fallback, message)];
}

/** One line per diagnostic, in the `file:line:column: severity: [CODE] message` form of compilers. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.column}: ` : "";
  const lines = [`${where}${d.severity}: [${d.code}] ${d.message}`];
  if (d.loc?.lineText !== undefined) {
    lines.push(`    ${d.loc.lineText}`, `    ${" ".repeat(d.loc.column)}^`);
  }
  for (const note of d.notes ?? []) lines.push(`  ${note}`);
  return lines.join("\n");
}
