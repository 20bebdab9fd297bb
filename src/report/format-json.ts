/**
 * The comparison as JSON, for tools that post-process a report (dashboards, custom bots).
 * Figures are bytes and milliseconds; a figure that was not measured is `null`, never 0.
 */
import type { BudgetCheck } from "./budgets.js";
import type { FunctionModel, PackageModel } from "./model.js";
import { readInit } from "./init.js";
import type { ReportView } from "./view.js";

export const REPORT_SCHEMA_ID = "slimfn/size-report";
export const REPORT_SCHEMA_VERSION = 1;

const fnSide = (fn: FunctionModel | undefined) =>
  fn && {
    zipBytes: fn.zipBytes,
    unzippedBytes: fn.unzippedBytes,
    entryCount: fn.entryCount,
    initMs: readInit(fn)?.ms ?? null,
    bareNodeMs: readInit(fn)?.bareNodeMs ?? null,
  };

/** Head minus base median init, ms; `null` unless both sides measured it. */
const initDelta = (head: FunctionModel | undefined, base: FunctionModel | undefined) => {
  const h = head && readInit(head);
  const b = base && readInit(base);
  // Rounded to microseconds: a float difference of two medians carries noise digits.
  return h && b ? Math.round((h.ms - b.ms) * 1000) / 1000 : null;
};

const pkgSide = (p: PackageModel | undefined) => p && { version: p.version, bytes: p.bytes, zipBytes: p.zipBytes };

const budgetJson = (c: BudgetCheck) => ({
  function: c.function,
  budget: c.budget.label,
  metric: c.budget.metric,
  lambda: c.budget.lambda,
  status: c.status,
  actual: c.actual,
  limit: c.limit,
  // JSON has no Infinity: a used 0 B budget has no finite share; `status` says it is exceeded.
  use: c.use === null || !Number.isFinite(c.use) ? null : c.use,
});

export function formatJson(view: ReportView): string {
  const { comparison } = view;
  const doc = {
    schema: REPORT_SCHEMA_ID,
    schemaVersion: REPORT_SCHEMA_VERSION,
    ok: view.exceeded.length === 0,
    head: comparison.headFiles,
    base: comparison.hasBase ? comparison.baseFiles : null,
    functions: comparison.functions.map((row) => ({
      name: row.name,
      change: row.change,
      head: fnSide(row.head) ?? null,
      base: fnSide(row.base) ?? null,
      initDeltaMs: initDelta(row.head, row.base),
      renamed: row.renamed,
      packages: row.packages.map((p) => ({
        name: p.name,
        change: p.change,
        lazy: p.lazy,
        shipped: p.shipped,
        head: pkgSide(p.head) ?? null,
        base: pkgSide(p.base) ?? null,
      })),
    })),
    budgets: view.checks.map(budgetJson),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
