/**
 * Yes/no answers about a bundle's output that cost a parse (does this chunk have top-level
 * await?), kept between builds by the SHA-256 of the code asked about: an unchanged chunk is
 * not parsed again. Off with `cache: false` (answers are then kept for this process only).
 */
import type { ResolvedOptions } from "../options.js";
import { decisionRulesVersion } from "./build-cache.js";
import { CacheStore, sha256 } from "./store.js";

const seen = new Map<string, boolean>();

/** `ask(question, code, compute)`: the cached answer, or `compute()`'s, then kept. */
export function verdicts(cache: ResolvedOptions["cache"]): (question: string, code: string, compute: () => boolean) => boolean {
  const store = cache === false ? undefined : new CacheStore(cache.dir);
  return (question, code, compute) => {
    const key = sha256(`${question}\0${decisionRulesVersion()}\0${code}`);
    let answer = seen.get(key);
    if (answer === undefined) {
      const stored = store?.read("verdict", key);
      answer = stored?.length === 1 ? stored[0] === 1 : undefined;
    }
    if (answer === undefined) {
      answer = compute();
      store?.write("verdict", key, Buffer.from([answer ? 1 : 0]));
    }
    seen.set(key, answer);
    return answer;
  };
}
