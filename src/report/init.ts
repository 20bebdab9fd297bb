/**
 * Init-time figures in a size model exist only when the build (or `slimfn measure`) measured
 * the artifact. This is the one place the report reads them, so a model without them is
 * "not measured" everywhere and never a zero.
 */
import type { FunctionModel } from "./model.js";

export interface InitFigures {
  /** Median init time of the artifact, ms. */
  ms: number;
  /** Median start of a bare `node` measured in the same run, ms. */
  bareNodeMs: number;
  /** Resident memory after init, bytes, when measured. */
  rssBytes?: number;
}

const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** The measured init figures of a function, or `undefined` when the model has none. */
export function readInit(fn: FunctionModel): InitFigures | undefined {
  const init = (fn as { init?: unknown }).init;
  if (typeof init !== "object" || init === null) return undefined;
  const { medianMs, bareNodeMs, rssBytes } = init as Record<string, unknown>;
  if (!isTime(medianMs) || !isTime(bareNodeMs)) return undefined;
  return { ms: medianMs, bareNodeMs, ...(isTime(rssBytes) ? { rssBytes } : {}) };
}
