/**
 * The run-time checks of slimfn's options, as esbuild checks its own: a table of per-key checks
 * per object, unknown keys and wrong types reported with the full key path and what was
 * expected. One framework for every option, `lazy` included (src/lazy/options.ts).
 */
import { error, type Diagnostic } from "./diagnostics.js";

/**
 * A check returns what was expected when `value` is wrong. Nested checks push their own
 * diagnostics (with full key paths) into `out` instead.
 */
export type Check = (value: unknown, key: string, out: Diagnostic[]) => string | undefined;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
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
    (v, key, out) => {
      const failures: string[] = [];
      for (const check of alternatives) {
        // The first alternative whose shape fits owns the value, nested messages included.
        const nested: Diagnostic[] = [];
        const failure = check(v, key, nested);
        if (failure === undefined) {
          out.push(...nested);
          return undefined;
        }
        failures.push(failure);
      }
      return failures.join(" or ");
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
