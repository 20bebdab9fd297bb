/** A measurement as the size model records it: rounded to 0.01 ms, samples left out. */
import type { EventColdModel, InitModel } from "../report/model.js";
import type { ColdRun } from "./cold.js";
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
  if (m.cold) model.events = eventModels(m.cold);
  return model;
}

/** The cold run per event as the size model records it (medians, rounded). */
export function eventModels(cold: ColdRun): EventColdModel[] {
  return cold.events.map((e, i) => {
    const out: EventColdModel = {
      event: e.event,
      runs: cold.runs,
      initMs: round(e.init.median),
      firstInvocationMs: round(e.firstInvocation.median),
      coldMs: round(e.cold.median),
      minColdMs: round(e.cold.min),
      maxColdMs: round(e.cold.max),
      rssBytes: e.rssBytes,
      ok: e.ok,
      lazyLoaded: e.lazyLoaded,
    };
    const b = cold.base?.[i];
    const c = cold.comparisons?.[i];
    if (b && c) {
      out.base = {
        initMs: round(b.init.median),
        firstInvocationMs: round(b.firstInvocation.median),
        coldMs: round(b.cold.median),
        ratio: Math.round(c.ratio * 1000) / 1000,
        differenceMs: round(c.differenceMs),
        noiseMs: round(c.noiseMs),
        slowerRounds: c.slowerRounds,
        worse: c.worse,
      };
    }
    return out;
  });
}

const round = (ms: number) => Math.round(ms * 100) / 100;
