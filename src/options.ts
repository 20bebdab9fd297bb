/**
 * The one options type of slimfn, its defaults and its run-time validation.
 *
 * Options are resolved once into a frozen, fully-defaulted `ResolvedOptions` and only that is
 * passed around. Validation works like esbuild's: an unknown key or a wrong type fails with the
 * key's name and what was expected, because a typo in a config must never be silently ignored.
 * The README's option table is checked against `OPTION_DOCS` by a test.
 */
import path from "node:path";
import { error, SlimfnError, type Diagnostic } from "./diagnostics.js";
import { RUNTIMES, type Runtime, type RuntimeInfo } from "./runtime.js";

export interface ReportOptions {
  /**
   * Write the size model (one schema-versioned JSON file for the whole build) to this path,
   * relative to the project root.
   * @default undefined (no file)
   */
  json?: string;
}

export interface Options {
  /**
   * The Lambda runtime the function runs on. Picks esbuild's `target` and the Node major that
   * verification compares against.
   * @default "nodejs22.x"
   */
  runtime?: Runtime;
  /**
   * Where to write each function's zip, relative to the project root. `[name]` stands for the
   * function's name and is required when a build has several entry points. `true` means
   * `<outdir>/[name].zip`; `false` writes no zip (the size model still describes the files).
   * @default true
   */
  zip?: string | boolean;
  /**
   * Size report outputs.
   * @default {}
   */
  report?: ReportOptions;
}

export interface ResolvedOptions {
  readonly runtime: RuntimeInfo;
  /** Absolute zip path template with `[name]`, or `false`. `[outdir]` is filled in by the core. */
  readonly zip: string | false;
  readonly report: { readonly json: string | undefined };
  /** Absolute project root that relative paths were resolved against. */
  readonly root: string;
}

export const DEFAULTS = Object.freeze({
  runtime: "nodejs22.x",
  zip: true,
  report: Object.freeze({}) as ReportOptions,
} satisfies Options);

/** One line of documentation per option key, used by the README table test and `--help`. */
export const OPTION_DOCS = Object.freeze({
  runtime: 'Lambda runtime: "nodejs20.x", "nodejs22.x" or "nodejs24.x". Sets target and checks.',
  zip: "Zip path template with [name]; true = <outdir>/[name].zip; false = no zip.",
  report: "{ json?: path } writes the size model (schema-versioned JSON) for the whole build.",
} satisfies Record<keyof Options, string>);

/**
 * A check returns what was expected when `value` is wrong. Nested checks push their own
 * diagnostics (with full key paths) into `out` instead.
 */
export type Check = (value: unknown, key: string, out: Diagnostic[]) => string | undefined;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Describe a value the way an error message should show it. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

export const checks = {
  string: ((v) => (typeof v === "string" && v !== "" ? undefined : "a non-empty string")) as Check,
  boolean: ((v) => (typeof v === "boolean" ? undefined : "true or false")) as Check,
  oneOf:
    (values: readonly string[]): Check =>
    (v) =>
      typeof v === "string" && values.includes(v) ? undefined : `one of ${values.map((x) => JSON.stringify(x)).join(", ")}`,
  either:
    (...alternatives: Check[]): Check =>
    (v, key) => {
      const failures = alternatives.map((c) => c(v, key, []));
      return failures.some((f) => f === undefined) ? undefined : failures.join(" or ");
    },
  stringArray: ((v) =>
    Array.isArray(v) && v.every((x) => typeof x === "string" && x !== "")
      ? undefined
      : "an array of non-empty strings") as Check,
  object:
    (table: Record<string, Check>): Check =>
    (v, key, out) => {
      if (!isPlainObject(v)) return "an object";
      checkObject(v, table, key, out);
      return undefined;
    },
};

/**
 * Check an object against a table of per-key checks: unknown keys and wrong types become
 * diagnostics naming the full key path (`report.json`).
 */
export function checkObject(
  value: unknown,
  table: Record<string, Check>,
  prefix: string,
  diagnostics: Diagnostic[],
): value is Record<string, unknown> {
  if (!isPlainObject(value)) {
    diagnostics.push(
      error("OPTION_INVALID", `slimfn option "${prefix || "options"}" must be an object, got ${describe(value)}.`),
    );
    return false;
  }
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    const check = table[key];
    if (!check) {
      const known = Object.keys(table).sort().join(", ");
      diagnostics.push(
        error("OPTION_UNKNOWN", `Unknown slimfn option "${name}". Known options${prefix ? ` of "${prefix}"` : ""}: ${known}.`),
      );
      continue;
    }
    if (v === undefined) continue;
    const expected = check(v, name, diagnostics);
    if (expected) {
      diagnostics.push(error("OPTION_INVALID", `slimfn option "${name}" must be ${expected}, got ${describe(v)}.`));
    }
  }
  return true;
}

const reportChecks: Record<keyof ReportOptions, Check> = {
  json: checks.string,
};

const optionChecks: Record<keyof Options, Check> = {
  runtime: checks.oneOf(Object.keys(RUNTIMES)),
  zip: checks.either(checks.string, checks.boolean),
  report: checks.object(reportChecks),
};

/** Validate without resolving paths: the plugin factory calls this so typos fail early. */
export function validateOptions(raw: unknown): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (raw !== undefined) checkObject(raw, optionChecks, "", diagnostics);
  return diagnostics;
}

/**
 * Validate and resolve user options against a project root. Throws a `SlimfnError` holding every
 * problem found (not only the first), so one build shows them all.
 */
export function resolveOptions(raw: Options | undefined, root: string): ResolvedOptions {
  const diagnostics = validateOptions(raw);
  if (diagnostics.length) throw new SlimfnError(diagnostics);
  // `{ zip: undefined }` means "not set": it must not override a default.
  const set = Object.fromEntries(Object.entries(raw ?? {}).filter(([, v]) => v !== undefined));
  const options: Required<Options> = { ...DEFAULTS, ...set };
  const abs = (p: string) => path.resolve(root, p);
  const runtime = RUNTIMES[options.runtime];
  const zip = options.zip === true ? "[outdir]/[name].zip" : options.zip === false ? false : abs(options.zip);
  return Object.freeze({
    runtime,
    zip,
    report: Object.freeze({ json: options.report.json === undefined ? undefined : abs(options.report.json) }),
    root,
  });
}
