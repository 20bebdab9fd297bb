/** A measurement as the size model records it: rounded to 0.01 ms, samples left out. */
import type { InitModel } from "../report/model.js";
import type { Measurement } from "./measure.js";

export function initModel(m: Measurement): InitModel {
  const model: InitModel = {
    runs: m.runs,
    medianMs: round(m.init.median),
    minMs: round(m.init.min),
    maxMs: round(m.init.max),
    bareNodeMs: round(m.bare.median),
    ratio: Math.round(m.ratio * 100) / 100,
    rssBytes: m.rssBytes,
    node: m.node,
  };
  if (m.invocation) {
    const text = m.invocation.ok ? JSON.stringify(m.invocation.result) : (m.invocation.error ?? "");
    model.invocation = { ok: m.invocation.ok, ms: round(m.invocation.ms), preview: text.length > 300 ? `${text.slice(0, 300)}...` : text };
  }
  return model;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
