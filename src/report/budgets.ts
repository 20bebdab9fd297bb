/**
 * Budgets: limits a team sets on a function's zipped and unzipped size, init time and
 * per-package bytes, plus Lambda's own limits, which are always checked. The same parser reads
 * `--budget KEY=VALUE` on the command line and `report.budgets: { KEY: VALUE }` in the plugin
 * options, and the same check runs at the end of a build and in `slimfn report`.
 *
 * A budget applies to every function unless its key names one (`thumbnail/zip=10MB`); a
 * function's own budget replaces the general one of the same key for that function, because
 * one build often holds a 300 kB API handler beside a 9 MB image function.
 *
 * A value with a leading `+` is relative to the base build (`slimfn report --base`): `zip=+10%`,
 * `zip=+50kB`, `init=+5ms`, `init=+10%`. It sits beside the absolute budget of the same metric
 * (its key is `zip+`), so `zip=5MB` and `zip=+10%` both apply.
 */
import { error, warning, type Diagnostic } from "../diagnostics.js";
import { LAMBDA_LIMITS } from "../runtime.js";
import { functionPackages } from "./compare.js";
import { readInit } from "./init.js";
import type { FunctionModel } from "./model.js";
import { formatBytes, formatDuration, formatShare, parseDurationLimit, parseSize, ParseError, type DurationLimit } from "./sizes.js";

export type BudgetMetric = "zip" | "unzipped" | "init" | "package";

export interface Budget {
  /** How the user wrote it (`zip=5MB`), or the name of Lambda's limit. */
  label: string;
  /** What it limits, without the function: `zip`, `pkg:@aws-sdk/*`. One per key and function. */
  key: string;
  /** The one function it applies to (`thumbnail/zip=10MB`); absent: every function. */
  function?: string;
  metric: BudgetMetric;
  /** Byte limit for `zip`, `unzipped` and `package`. */
  bytes?: number;
  /** Time limit for `init`. */
  init?: DurationLimit;
  /** Package name or `*` pattern for `package` (`aws-sdk`, `@aws-sdk/*`). */
  package?: string;
  /**
   * Growth allowed against the base build: a share (`+10%`: 0.1) or an amount in the metric's
   * unit (bytes, or ms for `init`). The other limit fields are then absent.
   */
  growth?: { kind: "share"; share: number } | { kind: "amount"; amount: number };
  /** Lambda's own limit rather than one the user set. */
  lambda: boolean;
}

export type BudgetStatus = "ok" | "exceeded" | "not-measured";

export interface BudgetCheck {
  function: string;
  budget: Budget;
  status: BudgetStatus;
  /** The figure compared (bytes or ms); `null` when it was not measured. */
  actual: number | null;
  /** The limit in the same unit; `null` when it depends on a figure that was not measured. */
  limit: number | null;
  /** `actual / limit`; `null` when not measured. A 0 B budget that is used is `Infinity`. */
  use: number | null;
  /**
   * Why a check is not measured: no init time in the model, the function is not in the base
   * (a growth budget), or the base has no init time.
   */
  why?: "no-init" | "no-base" | "no-base-init";
}

/** The keys `--budget` and `report.budgets` accept, for messages and docs. */
export const BUDGET_KEYS = "zip, unzipped, init, or pkg:NAME (pkg:@aws-sdk/* sums a scope), each optionally for one function: FUNCTION/zip";

/** `+10%` or `+` and a figure parsed by `amount`. Throws a `ParseError`. */
function parseGrowth(value: string, amount: (text: string) => number, example: string): NonNullable<Budget["growth"]> {
  const text = value.trim().slice(1).trim();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (pct) return { kind: "share", share: Number(pct[1]) / 100 };
  if (/%/.test(text)) throw new ParseError(`${JSON.stringify(value)} is not a growth: write a share such as +10% or an amount such as ${example}.`);
  return { kind: "amount", amount: amount(text) };
}

function parseGrowthMs(text: string): number {
  const limit = parseDurationLimit(text);
  if (limit.kind !== "ms") throw new ParseError(`${JSON.stringify(`+${text}`)}: growth of init time is a duration (+5ms, +0.1s) or a share (+10%), not a multiple.`);
  return limit.ms;
}

const LAMBDA_BUDGETS: readonly Budget[] = Object.freeze([
  Object.freeze({ label: "Lambda zipped limit (50 MiB)", key: "lambda:zip", metric: "zip", bytes: LAMBDA_LIMITS.zipped, lambda: true } as Budget),
  Object.freeze({ label: "Lambda unzipped limit (250 MiB)", key: "lambda:unzipped", metric: "unzipped", bytes: LAMBDA_LIMITS.unzipped, lambda: true } as Budget),
]);

/**
 * Parse one budget, `key` and `value` apart. Throws a `ParseError` whose message names the
 * budget and what is accepted; callers add the diagnostic code that fits where it came from.
 */
export function parseBudget(key: string, value: string): Budget {
  const label = `${key}=${value}`;
  let k = key.trim();
  // Function names never hold a `/` (slimfn turns it into `-`); package keys hold one after `pkg:`.
  let scope: { function?: string } = {};
  const slash = k.indexOf("/");
  if (slash >= 0 && !k.startsWith("pkg:")) {
    const fn = k.slice(0, slash);
    if (!fn) throw new ParseError(`Budget ${label}: name the function before the "/", such as thumbnail/zip=10MB.`);
    scope = { function: fn };
    k = k.slice(slash + 1);
  }
  try {
    if (value.trim().startsWith("+")) {
      if (k === "zip" || k === "unzipped") return { label, key: `${k}+`, ...scope, metric: k, growth: parseGrowth(value, parseSize, "+50kB"), lambda: false };
      if (k === "init") return { label, key: "init+", ...scope, metric: "init", growth: parseGrowth(value, parseGrowthMs, "+5ms"), lambda: false };
      if (k.startsWith("pkg:")) throw new ParseError(`package budgets are absolute (pkg:NAME=500kB); growth against the base is for zip, unzipped and init.`);
    }
    if (k === "zip" || k === "unzipped") return { label, key: k, ...scope, metric: k, bytes: parseSize(value), lambda: false };
    if (k === "init") return { label, key: k, ...scope, metric: "init", init: parseDurationLimit(value), lambda: false };
    if (k.startsWith("pkg:")) {
      const name = k.slice(4);
      if (!/^(@[^/\s*]+\/)?[^/\s@]+$/.test(name.replace(/\*/g, "x"))) {
        throw new ParseError(`"${name}" is not a package name or pattern: write pkg:NAME, such as pkg:aws-sdk or pkg:@aws-sdk/*.`);
      }
      return { label, key: k, ...scope, metric: "package", package: name, bytes: parseSize(value), lambda: false };
    }
  } catch (e) {
    if (e instanceof ParseError) throw new ParseError(`Budget ${label}: ${e.message}`);
    throw e;
  }
  throw new ParseError(`Budget ${label}: unknown budget "${k}". Budgets are ${BUDGET_KEYS}.`);
}

/** Parse the command line form `KEY=VALUE`. */
export function parseBudgetArg(text: string): Budget {
  const at = text.indexOf("=");
  if (at <= 0) throw new ParseError(`Budget ${JSON.stringify(text)} must be KEY=VALUE, such as zip=5MB, init=1.5x or pkg:aws-sdk=0B. Keys: ${BUDGET_KEYS}.`);
  return parseBudget(text.slice(0, at), text.slice(at + 1));
}

/** `*` matches within one path segment, so `@aws-sdk/*` is one scope and `*` is every unscoped package. */
function packageMatcher(pattern: string): (name: string) => boolean {
  if (!pattern.includes("*")) return (name) => name === pattern;
  const re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);
  return (name) => re.test(name);
}

/** The figure a budget looks at, in its unit; `null` when the model has none (init not measured). */
function figure(fn: FunctionModel, metric: "zip" | "unzipped" | "init"): number | null {
  if (metric === "zip") return fn.zipBytes;
  if (metric === "unzipped") return fn.unzippedBytes;
  return readInit(fn)?.ms ?? null;
}

function measure(fn: FunctionModel, budget: Budget, base: FunctionModel | undefined): { actual: number | null; limit: number | null } {
  if (budget.growth) {
    const metric = budget.metric as "zip" | "unzipped" | "init";
    const actual = figure(fn, metric);
    const from = base ? figure(base, metric) : null;
    if (from === null) return { actual, limit: null };
    const g = budget.growth;
    return { actual, limit: g.kind === "share" ? from * (1 + g.share) : from + g.amount };
  }
  switch (budget.metric) {
    case "zip":
      return { actual: fn.zipBytes, limit: budget.bytes! };
    case "unzipped":
      return { actual: fn.unzippedBytes, limit: budget.bytes! };
    case "package": {
      const matches = packageMatcher(budget.package!);
      // Bundled bytes plus shipped bytes: where a package ends up must not dodge its budget.
      const actual = functionPackages(fn).filter((p) => matches(p.name)).reduce((sum, p) => sum + p.bytes, 0);
      return { actual, limit: budget.bytes! };
    }
    case "init": {
      const init = readInit(fn);
      const limit = budget.init!;
      if (!init) return { actual: null, limit: limit.kind === "ms" ? limit.ms : null };
      return { actual: init.ms, limit: limit.kind === "ms" ? limit.ms : limit.ratio * init.bareNodeMs };
    }
  }
}

/** The budgets that apply to one function: its own, and the general ones it does not replace. */
function budgetsFor(name: string, budgets: readonly Budget[]): Budget[] {
  const own = budgets.filter((b) => b.function === name);
  return budgets.filter((b) => b.function === name || (b.function === undefined && !own.some((o) => o.key === b.key)));
}

/**
 * Budgets that name a function none of `functions` has: a typo must not turn a budget off
 * silently. One `BUDGET_INVALID` error each.
 */
export function unknownFunctionBudgets(functions: readonly { name: string }[], budgets: readonly Budget[]): Diagnostic[] {
  const names = new Set(functions.map((f) => f.name));
  const known = [...names].sort().join(", ") || "none";
  return budgets
    .filter((b) => b.function !== undefined && !names.has(b.function))
    .map((b) => error("BUDGET_INVALID", `Budget ${b.label} names function "${b.function}", which is not in the build. Functions: ${known}.`));
}

/**
 * Check every function against the user's budgets and Lambda's limits, in that order. `base`
 * holds the base build's functions by name, for growth budgets (`zip=+10%`).
 */
export function checkBudgets(functions: readonly FunctionModel[], budgets: readonly Budget[], base?: ReadonlyMap<string, FunctionModel>): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  for (const fn of functions) {
    for (const budget of [...budgetsFor(fn.name, budgets), ...LAMBDA_BUDGETS]) {
      const before = base?.get(fn.name);
      const { actual, limit } = measure(fn, budget, before);
      if (actual === null || limit === null) {
        const why: BudgetCheck["why"] = !budget.growth ? "no-init" : !before ? "no-base" : actual === null ? "no-init" : "no-base-init";
        checks.push({ function: fn.name, budget, status: "not-measured", actual, limit, use: null, why });
        continue;
      }
      const use = limit === 0 ? (actual === 0 ? 0 : Infinity) : actual / limit;
      checks.push({ function: fn.name, budget, status: actual > limit ? "exceeded" : "ok", actual, limit, use });
    }
  }
  return checks;
}

/** What a budget measures, in words: `zipped size`, `init time`, `bytes of @aws-sdk/*`. */
export function budgetSubject(budget: Budget): string {
  switch (budget.metric) {
    case "zip":
      return "zipped size";
    case "unzipped":
      return "unzipped size";
    case "init":
      return "init time";
    case "package":
      return `bytes of ${budget.package}`;
  }
}

/** A figure in the budget's unit. */
export function formatFigure(budget: Budget, n: number): string {
  return budget.metric === "init" ? formatDuration(n) : formatBytes(n);
}

/** The limit as shown in tables: `5.00 MB`, `150 ms`, `1.5x bare node (62.1 ms)`. */
export function formatLimit(check: BudgetCheck): string {
  const { budget, limit } = check;
  if (budget.growth) {
    const g = budget.growth;
    const allowed = g.kind === "share" ? `+${formatShare(g.share)}` : `+${formatFigure(budget, g.amount)}`;
    return limit === null ? `${allowed} on the base` : `${formatFigure(budget, limit)} (base ${allowed})`;
  }
  if (budget.metric === "init" && budget.init?.kind === "ratio") {
    return limit === null ? `${budget.init.ratio}x bare node` : `${budget.init.ratio}x bare node (${formatDuration(limit)})`;
  }
  return limit === null ? "?" : formatFigure(budget, limit);
}

/** Use of a budget as a share: `48%`, `not measured`; a used 0 B budget shows the figure. */
export function formatUse(check: BudgetCheck): string {
  if (check.use === null) return "not measured";
  if (check.use === Infinity) return `${formatFigure(check.budget, check.actual!)} where none is allowed`;
  return formatShare(check.use);
}

/**
 * One budget's state for a per-function list: `48% of 250 kB`, `3.47 kB where none is allowed`,
 * `not measured`. Lambda's labels already name their limit (in MiB, as AWS documents it).
 */
export function formatUseOf(check: BudgetCheck): string {
  if (check.use === 0 && check.limit === 0) return "none, as required";
  const use = formatUse(check);
  if (check.use === null || check.use === Infinity || check.budget.lambda) return use;
  return `${use} of ${formatLimit(check)}`;
}

/** One line per exceeded budget: the function, the budget and the figure. */
export function describeCheck(check: BudgetCheck): string {
  const { budget } = check;
  const fn = `Function "${check.function}"`;
  if (check.status === "not-measured") {
    if (check.why === "no-base") {
      return `${fn}: budget ${budget.label} was not checked: it allows growth against the base build, and the function is not in the base${budget.function ? "" : " (new, or no --base given)"}. Pass the base build's size model with --base.`;
    }
    const whose = check.why === "no-base-init" ? "the base's size model" : "the size model";
    return `${fn}: budget ${budget.label} was not checked: ${whose} has no init time. Build with verification on (the default; off with verify: false or when the host cannot run the target), or record one with slimfn measure <zip> --report <size model>.`;
  }
  const actual = formatFigure(budget, check.actual!);
  const limit = formatLimit(check);
  const over = formatFigure(budget, check.actual! - check.limit!);
  if (budget.lambda) {
    const advice =
      budget.metric === "zip"
        ? "Lambda rejects a direct upload this large: upload through S3 (the unzipped limit still applies) or make the function smaller."
        : "Lambda rejects a function this large even through S3: make it smaller (lazy imports do not shrink it; strip or drop packages).";
    return `${fn} exceeds the ${budget.label}: ${budgetSubject(budget)} ${actual}, ${over} over. ${advice}`;
  }
  if (check.status === "ok") return `${fn}: ${budgetSubject(budget)} ${actual} is within budget ${budget.label} (${formatUseOf(check)}).`;
  return `${fn} exceeds budget ${budget.label}: ${budgetSubject(budget)} is ${actual}, the budget is ${limit}, ${over} over.`;
}

/** Diagnostics for a build or a report: errors for exceeded budgets, warnings for unmeasured ones. */
export function budgetDiagnostics(checks: readonly BudgetCheck[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const check of checks) {
    if (check.status === "exceeded") {
      out.push(error(check.budget.lambda ? "LAMBDA_LIMIT_EXCEEDED" : "BUDGET_EXCEEDED", describeCheck(check)));
    } else if (check.status === "not-measured") {
      out.push(warning("BUDGET_NOT_MEASURED", describeCheck(check)));
    }
  }
  return out;
}
