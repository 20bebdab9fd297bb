/**
 * The figures a report shows, worked out once from a comparison and its budget checks, so the
 * text and Markdown formats differ only in layout.
 */
import type { BudgetCheck } from "./budgets.js";
import { formatFigure } from "./budgets.js";
import type { Comparison, FunctionRow, PackageRow } from "./compare.js";
import { readInit } from "./init.js";
import { formatByteDelta, formatBytes, formatDuration, formatPercentChange, formatShare } from "./sizes.js";

export type Status = "ok" | "exceeded" | "not-measured";

export interface FunctionView {
  row: FunctionRow;
  status: Status;
  zipped: string;
  zippedDelta: string;
  unzipped: string;
  unzippedDelta: string;
  /** `62.1 ms (1.4x node)`, `not measured`, or `""` when no function in the report has init figures. */
  init: string;
  /** `+3.20 ms (+5.4%)` when both sides measured init, `-` when one did not, `""` without a base or init figures. */
  initDelta: string;
  /** The most used budget: `48% of zip=250kB`. */
  budgetUse: string;
  checks: BudgetCheck[];
  /** Zipped delta in bytes, for ordering by impact. */
  impact: number;
}

export interface ReportView {
  comparison: Comparison;
  functions: FunctionView[];
  checks: BudgetCheck[];
  exceeded: BudgetCheck[];
  notMeasured: BudgetCheck[];
  showInit: boolean;
  counts: Record<"added" | "removed" | "changed" | "unchanged", number>;
}

/** `+2.10 kB (+1.8%)`, `+500 kB (new)`, `-1.00 kB (removed)`, `0 B`, or `""` without a base. */
export function deltaText(hasBase: boolean, base: number | undefined, head: number | undefined): string {
  if (!hasBase) return "";
  const b = base ?? 0;
  const h = head ?? 0;
  if (base === undefined) return `${formatByteDelta(h)} (new)`;
  if (head === undefined) return `${formatByteDelta(-b)} (removed)`;
  const pct = formatPercentChange(b, h);
  return h === b ? "0 B" : `${formatByteDelta(h - b)}${pct ? ` (${pct})` : ""}`;
}

/** `+3.20 ms (+5.4%)`, `0 ms`, or `-` when either side has no measured init time. */
export function initDeltaText(head: number | undefined, base: number | undefined): string {
  if (head === undefined || base === undefined) return "-";
  if (head === base) return "0 ms";
  const pct = formatPercentChange(base, head);
  return `${head > base ? "+" : "-"}${formatDuration(Math.abs(head - base))}${pct ? ` (${pct})` : ""}`;
}

/** ` (chunk renamed: chunk-A.mjs -> chunk-B.mjs)` for a list of unchanged functions, or `""`. */
export function renamesNote(rows: readonly FunctionRow[], name: (s: string) => string, arrow: string): string {
  const pairs = [...new Set(rows.flatMap((r) => r.renamed.map((x) => `${name(x.from)} ${arrow} ${name(x.to)}`)))];
  return pairs.length ? ` (chunk${pairs.length === 1 ? "" : "s"} renamed: ${pairs.join(", ")})` : "";
}

/** The package's bytes as a delta, for per-package tables. */
export function packageDelta(hasBase: boolean, p: PackageRow): string {
  return deltaText(hasBase, p.base?.bytes, p.head?.bytes);
}

/** `4.1.0`, `4.1.0 -> 4.2.0`; `(no version)` for a package.json without one. */
export function versionText(p: PackageRow, arrow: string): string {
  const v = (s: string | undefined) => (s === "" ? "(no version)" : (s ?? ""));
  if (p.head && p.base && p.head.version !== p.base.version) return `${v(p.base.version)} ${arrow} ${v(p.head.version)}`;
  return v((p.head ?? p.base)?.version);
}

function statusOf(checks: readonly BudgetCheck[]): Status {
  if (checks.some((c) => c.status === "exceeded")) return "exceeded";
  if (checks.some((c) => c.status === "not-measured")) return "not-measured";
  return "ok";
}

/**
 * The budget with the highest use. Lambda's limits count when one is exceeded or the user set
 * no budget of their own: a function over Lambda's limit must not show "48% of zip=5MB".
 */
function budgetUse(checks: readonly BudgetCheck[]): string {
  const measured = checks.filter((c) => c.use !== null);
  const exceeded = measured.filter((c) => c.status === "exceeded");
  const own = measured.filter((c) => !c.budget.lambda);
  const pool = exceeded.length ? exceeded : own.length ? own : measured;
  const top = [...pool].sort((a, b) => (a.use === b.use ? 0 : b.use! > a.use! ? 1 : -1))[0];
  const parts: string[] = [];
  if (top) parts.push(top.use === Infinity ? `over ${top.budget.label} (${formatFigure(top.budget, top.actual!)})` : `${formatShare(top.use!)} of ${top.budget.label}`);
  const missing = checks.filter((c) => c.status === "not-measured").map((c) => c.budget.label);
  if (missing.length) parts.push(`${missing.join(", ")} not measured`);
  return parts.join("; ");
}

export function buildView(comparison: Comparison, checks: readonly BudgetCheck[]): ReportView {
  const showInit = comparison.functions.some((f) => f.head && readInit(f.head));
  const { hasBase } = comparison;
  const byFunction = new Map<string, BudgetCheck[]>();
  for (const c of checks) byFunction.set(c.function, [...(byFunction.get(c.function) ?? []), c]);
  const functions = comparison.functions.map((row): FunctionView => {
    const own = row.head ? (byFunction.get(row.name) ?? []) : [];
    const init = row.head ? readInit(row.head) : undefined;
    return {
      row,
      status: statusOf(own),
      zipped: row.head ? formatBytes(row.head.zipBytes) : "-",
      zippedDelta: deltaText(hasBase, row.base?.zipBytes, row.head?.zipBytes),
      unzipped: row.head ? formatBytes(row.head.unzippedBytes) : "-",
      unzippedDelta: deltaText(hasBase, row.base?.unzippedBytes, row.head?.unzippedBytes),
      init: !showInit ? "" : init ? `${formatDuration(init.ms)} (${(init.ms / init.bareNodeMs).toFixed(1)}x node)` : row.head ? "not measured" : "-",
      initDelta: !showInit || !hasBase ? "" : initDeltaText(init?.ms, row.base ? readInit(row.base)?.ms : undefined),
      budgetUse: row.head ? budgetUse(own) : "-",
      checks: own,
      impact: Math.abs((row.head?.zipBytes ?? 0) - (row.base?.zipBytes ?? 0)),
    };
  });
  const counts = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const f of comparison.functions) if (f.change) counts[f.change]++;
  return {
    comparison,
    functions,
    checks: [...checks],
    exceeded: checks.filter((c) => c.status === "exceeded"),
    notMeasured: checks.filter((c) => c.status === "not-measured"),
    showInit,
    counts,
  };
}

/** `3 functions compared with the base: 1 changed, 1 added, 1 removed`, or `2 functions`. */
export function countsText(view: ReportView): string {
  const n = view.comparison.functions.length;
  const total = `${n} function${n === 1 ? "" : "s"}`;
  if (!view.comparison.hasBase) return total;
  const parts = (["changed", "added", "removed", "unchanged"] as const).filter((k) => view.counts[k] > 0).map((k) => `${view.counts[k]} ${k}`);
  return `${total} compared with the base: ${parts.join(", ")}`;
}
