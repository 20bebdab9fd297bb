/**
 * The whole cold start of a request, per kind of request: for each event, fresh processes that
 * import the handler and answer that one event, timed as init (process start to handler
 * imported) and first invocation (the call to the answer), interleaved round by round with bare
 * `node` starts and, with a base artifact, with the same event on the base. A sample's cold total
 * is its init plus its first invocation.
 *
 * Lazy imports move work from init to the first request that needs it; only this figure shows
 * whether that paid for a kind of request. The runner records which lazy imports an event loaded
 * (slimfn's accessors announce their first load), so a request that loses can be explained.
 */
import path from "node:path";
import fs from "node:fs";
import { stats, type Stats } from "./stats.js";
import type { RunResult } from "./runner.js";

export interface NamedEvent {
  /** Shown in reports: the file name without `.json`, or `event` for an inline object. */
  name: string;
  event: unknown;
}

export interface EventCold {
  event: string;
  /** Process start to handler imported, per sample. */
  init: Stats;
  /** The call to the answer, per sample. */
  firstInvocation: Stats;
  /** init + first invocation, per sample (same order as the others' samples). */
  cold: Stats;
  /** Median resident memory after the first invocation, bytes. */
  rssBytes: number;
  /** Every sample answered without throwing. */
  ok: boolean;
  /** The first sample's answer (JSON) or error. */
  result?: unknown;
  error?: string;
  /** Lazy imports loaded while answering (sorted, over all samples). */
  lazyLoaded: string[];
}

export interface EventComparison {
  event: string;
  /** Median cold total of the head over the base's. */
  ratio: number;
  /** Median of the paired (same round) differences head - base, ms. */
  differenceMs: number;
  /** What the run itself shows as noise: twice the median absolute deviation of the differences. */
  noiseMs: number;
  /** Rounds in which the head's cold total was the larger. */
  slowerRounds: number;
  /**
   * The head is slower beyond the noise: by more than `noiseMs`, or in so many rounds that a
   * one-sided sign test puts chance below 5% (a loaded machine widens the spread, but not the
   * order within a round).
   */
  worse: boolean;
}

export interface ColdRun {
  runs: number;
  /** The bare `node` starts of the same rounds. */
  bare: Stats;
  events: EventCold[];
  /** The base artifact's figures for the same events, with `--base`. */
  base?: EventCold[];
  comparisons?: EventComparison[];
}

/** One artifact as the rounds run it: a function that runs one invocation of an event file. */
export type InvokeOnce = (eventFile: string) => Promise<RunResult>;

function eventCold(name: string, runs: RunResult[]): EventCold {
  const init = runs.map((r) => r.ready.at);
  const first = runs.map((r) => r.answered!.ms);
  const failed = runs.find((r) => !r.answered!.ok);
  const lazy = new Set(runs.flatMap((r) => r.answered!.lazy ?? []));
  const firstAnswer = runs[0]!.answered!;
  return {
    event: name,
    init: stats(init),
    firstInvocation: stats(first),
    cold: stats(init.map((ms, i) => ms + first[i]!)),
    rssBytes: stats(runs.map((r) => r.answered!.rss)).median,
    ok: failed === undefined,
    ...(failed ? { error: failed.answered!.error ?? "" } : { result: firstAnswer.result }),
    lazyLoaded: [...lazy].sort(),
  };
}

/** Median absolute deviation from the median. */
function mad(samples: number[]): number {
  const m = stats(samples).median;
  return stats(samples.map((s) => Math.abs(s - m))).median;
}

/** P(at least k of n rounds slower) when neither side is faster: the sign test's tail. */
function signTail(k: number, n: number): number {
  let p = 0;
  let c = 1;
  for (let i = 0; i <= n; i++) {
    if (i >= k) p += c;
    c = (c * (n - i)) / (i + 1);
  }
  return p / 2 ** n;
}

export function compareEvents(head: EventCold, base: EventCold): EventComparison {
  const diffs = head.cold.samples.map((h, i) => h - base.cold.samples[i]!);
  const differenceMs = stats(diffs).median;
  const noiseMs = 2 * mad(diffs);
  const slowerRounds = diffs.filter((d) => d > 0).length;
  const worse = differenceMs > 0 && (differenceMs > noiseMs || signTail(slowerRounds, diffs.length) < 0.05);
  return { event: head.event, ratio: head.cold.median / base.cold.median, differenceMs, noiseMs, slowerRounds, worse };
}

/**
 * Run `runs` rounds; each round starts a bare node, then every event on the head and (when
 * given) the base, alternating which side goes first so drift hits both alike. One untimed
 * invocation of each event per side first warms the file cache.
 */
export async function runColdRounds(
  work: string,
  events: readonly NamedEvent[],
  runs: number,
  bare: () => Promise<RunResult>,
  head: InvokeOnce,
  base?: InvokeOnce,
): Promise<ColdRun> {
  const files = await Promise.all(
    events.map(async (e, i) => {
      const file = path.join(work, `event-${i}.json`);
      await fs.promises.writeFile(file, JSON.stringify(e.event));
      return file;
    }),
  );
  for (const f of files) {
    await head(f);
    if (base) await base(f);
  }
  const bares: number[] = [];
  const heads: RunResult[][] = events.map(() => []);
  const bases: RunResult[][] = events.map(() => []);
  for (let r = 0; r < runs; r++) {
    bares.push((await bare()).ready.at);
    for (const [i, f] of files.entries()) {
      if (base && r % 2 === 1) {
        bases[i]!.push(await base(f));
        heads[i]!.push(await head(f));
      } else {
        heads[i]!.push(await head(f));
        if (base) bases[i]!.push(await base(f));
      }
    }
  }
  const out: ColdRun = { runs, bare: stats(bares), events: events.map((e, i) => eventCold(e.name, heads[i]!)) };
  if (base) {
    out.base = events.map((e, i) => eventCold(e.name, bases[i]!));
    out.comparisons = out.events.map((h, i) => compareEvents(h, out.base![i]!));
  }
  return out;
}
