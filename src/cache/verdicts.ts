/**
 * Yes/no answers about a bundle's output that cost a parse (does this chunk have top-level
 * await?), kept between builds by the SHA-256 of the code asked about: an unchanged chunk is
 * not parsed again. Off with `cache: false` (answers are then kept for this process only).
 */
import type { ResolvedOptions } from "../options.js";
import { decisionRulesVersion } from "./build-cache.js";
import { CacheStore, sha256 } from "./store.js";

const seen = new Map<string, boolean>();

/** `ask(question, code, compute)`: the cached answer, or `compute()`'s, then kept; `known` only peeks. */
export interface Verdicts {
  (question: string, code: string, compute: () => boolean): boolean;
  /** The answer this process or the cache folder holds, without computing it. */
  known(question: string, code: string): boolean | undefined;
}

export function verdicts(cache: ResolvedOptions["cache"]): Verdicts {
  const store = cache === false ? undefined : new CacheStore(cache.dir);
  const keyOf = (question: string, code: string) => sha256(`${question}\0${decisionRulesVersion()}\0${code}`);
  const lookup = (key: string): boolean | undefined => {
    const answer = seen.get(key);
    if (answer !== undefined) return answer;
    const stored = store?.read("verdict", key);
    return stored?.length === 1 ? stored[0] === 1 : undefined;
  };
  const ask = (question: string, code: string, compute: () => boolean): boolean => {
    const key = keyOf(question, code);
    let answer = lookup(key);
    if (answer === undefined) {
      answer = compute();
      store?.write("verdict", key, Buffer.from([answer ? 1 : 0]));
    }
    seen.set(key, answer);
    return answer;
  };
  return Object.assign(ask, {
    known: (question: string, code: string) => {
      const key = keyOf(question, code);
      const answer = lookup(key);
      if (answer !== undefined) seen.set(key, answer);
      return answer;
    },
  });
}
