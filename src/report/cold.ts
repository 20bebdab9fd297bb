/**
 * Cold totals per event in a size model (`init.events`, written when verification or
 * `slimfn measure` ran events): init, the first invocation and their sum. The one place the
 * report reads them, so a model without them shows none rather than zeros.
 */
import type { FunctionModel } from "./model.js";

export interface ColdRow {
  event: string;
  initMs: number;
  firstInvocationMs: number;
  coldMs: number;
  /** Cold total against the base artifact measured in the same run, when there was one. */
  ratio?: number;
}

const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

export function coldRows(fn: FunctionModel): ColdRow[] {
  const events = (fn.init as { events?: unknown } | undefined)?.events;
  if (!Array.isArray(events)) return [];
  const rows: ColdRow[] = [];
  for (const e of events as Record<string, unknown>[]) {
    if (typeof e !== "object" || e === null || typeof e.event !== "string") continue;
    if (!isTime(e.initMs) || !isTime(e.firstInvocationMs) || !isTime(e.coldMs)) continue;
    const base = e.base as Record<string, unknown> | undefined;
    const ratio = base && typeof base.ratio === "number" && Number.isFinite(base.ratio) ? base.ratio : undefined;
    rows.push({ event: e.event, initMs: e.initMs, firstInvocationMs: e.firstInvocationMs, coldMs: e.coldMs, ...(ratio === undefined ? {} : { ratio }) });
  }
  return rows;
}
