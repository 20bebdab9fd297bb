/**
 * Verification of every function of a build (issue 11): in parallel up to the cores, one timed
 * run each in large builds unless timing is asked for, and not at all for a zip whose SHA-256
 * and verification inputs match a passing verification in the build cache ("verified
 * (cached)"). The first failure in function order fails the build, as it would one by one.
 */
import os from "node:os";
import type { BuildCache } from "../cache/build-cache.js";
import { decisionRulesVersion } from "../cache/build-cache.js";
import { installFingerprint } from "../cache/native-index.js";
import { sha256 } from "../cache/store.js";
import type { ResolvedOptions } from "../options.js";
import type { Measurement } from "./measure.js";
import { layersFingerprint, type BuiltLayer } from "./layers.js";
import { currentHost, readEvent, verifyZip, type VerifyResult } from "./verify.js";

/** Builds of more functions than this time one run each by default. */
export const SMALL_BUILD = 4;

export interface VerifyJob {
  name: string;
  handler: string;
  zipBytes: Uint8Array;
  zipSha256: string;
  runtimeExternals: readonly string[];
  native: boolean;
  /** The layer zip the build made for it (`layer: true`). */
  builtLayers?: readonly BuiltLayer[];
}

export interface VerifyOutcome extends VerifyResult {
  /** The zip and its inputs match a passing verification in the cache: nothing was run. */
  cached?: boolean;
}

/** Timed runs per function: what the user set, else 5, or 1 in a large build without an init budget. */
export function verifyRuns(options: ResolvedOptions, functions: number): number {
  if (options.verify === false) return 0;
  if (options.verify.runsSet || functions <= SMALL_BUILD) return options.verify.runs;
  return options.report.budgets.some((b) => b.metric === "init") ? options.verify.runs : 1;
}

/** Everything a verification's outcome depends on besides slimfn itself; undefined: do not cache. */
function verifyKey(job: VerifyJob, options: ResolvedOptions, runs: number): string | undefined {
  const verify = options.verify;
  if (verify === false) return undefined;
  let event: unknown;
  try {
    event = typeof verify.event === "string" ? readEvent(verify.event) : verify.event;
  } catch {
    return undefined;
  }
  return sha256(
    JSON.stringify([
      decisionRulesVersion(), job.zipSha256, job.handler, job.runtimeExternals, job.native, runs, event ?? null, verify.env,
      verify.failOnError, options.runtime.name, options.arch, process.version, currentHost(),
      // The layers it runs with: the user's, by content, and the one this build made.
      layersFingerprint(options), (job.builtLayers ?? []).map((l) => sha256(l.bytes)),
      // Packages left to the runtime are linked from this install during verification.
      job.runtimeExternals.length ? installFingerprint(options.root) : "",
    ]),
  );
}

interface CachedVerify {
  measurement: Measurement;
  diagnostics: VerifyResult["diagnostics"];
}

export async function verifyAll(
  jobs: readonly VerifyJob[],
  options: ResolvedOptions,
  context: { watch: boolean; cache?: BuildCache; onDone?: (done: number, name: string) => void },
): Promise<VerifyOutcome[]> {
  const runs = verifyRuns(options, jobs.length);
  let finished = 0;
  return pool(jobs, os.availableParallelism(), async (job) => {
    const skipped = options.verify === false || (context.watch && !options.verify.watch);
    const key = skipped || !context.cache ? undefined : verifyKey(job, options, runs);
    const hit = key === undefined ? undefined : context.cache!.record<CachedVerify>("verify", key);
    let outcome: VerifyOutcome;
    if (hit?.measurement) {
      outcome = { measurement: hit.measurement, diagnostics: hit.diagnostics, cached: true };
    } else {
      outcome = await verifyZip(job.zipBytes, job.handler, job.name, options, {
        watch: context.watch,
        runtimeExternals: job.runtimeExternals,
        native: job.native,
        runs,
        ...(job.builtLayers ? { builtLayers: job.builtLayers } : {}),
      });
      if (key !== undefined && outcome.measurement) context.cache!.saveRecord("verify", key, { measurement: outcome.measurement, diagnostics: outcome.diagnostics });
    }
    context.onDone?.(++finished, job.name);
    return outcome;
  });
}

/**
 * Run `fn` over `items`, at most `limit` at a time. After a failure nothing new starts; the
 * running ones finish, and the failure of the earliest item is thrown (all earlier ones ran).
 */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const failures: { at: number; error: unknown }[] = [];
  const worker = async () => {
    while (next < items.length && !failures.length) {
      const at = next++;
      try {
        out[at] = await fn(items[at]!);
      } catch (error) {
        failures.push({ at, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failures.length) throw failures.sort((a, b) => a.at - b.at)[0]!.error;
  return out;
}
