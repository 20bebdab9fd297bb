/**
 * The lazy-import line of the end-of-build summary: what was deferred (and how much bundle it
 * took out of the init path) and what stayed eager.
 */
import { formatBytes } from "../report/sizes.js";
import type { LazyDecision } from "./types.js";

export function lazyLines(decisions: readonly LazyDecision[] | undefined, dim: (s: string) => string): string[] {
  if (!decisions?.length) return [];
  // One entry per module: its mode is the weakest of its imports (eager < sync < async).
  const rank = { eager: 0, sync: 1, async: 2 } as const;
  const byModule = new Map<string, LazyDecision>();
  for (const d of decisions) {
    const seen = byModule.get(d.module);
    const weaker = seen !== undefined && rank[d.mode] < rank[seen.mode];
    const sameButMore = seen !== undefined && rank[d.mode] === rank[seen.mode] && (d.bytesMoved ?? 0) > (seen.bytesMoved ?? 0);
    if (!seen || weaker || sameButMore) byModule.set(d.module, d);
  }
  const all = [...byModule.values()];
  const lazy = all.filter((d) => d.mode !== "eager").sort((a, b) => (b.bytesMoved ?? 0) - (a.bytesMoved ?? 0) || a.module.localeCompare(b.module));
  const eager = all.filter((d) => d.mode === "eager").map((d) => `${d.module} (${d.importer}:${d.line})`).sort();
  const parts = lazy.slice(0, 4).map((d) => `${d.module} ${dim(`${d.mode}${d.bytesMoved ? ` ${formatBytes(d.bytesMoved)}` : ""}`)}`);
  if (lazy.length > 4) parts.push(dim(`${lazy.length - 4} more`));
  const lines = [`    ${dim("lazy    ")}  ${lazy.length ? parts.join(dim(" · ")) : "nothing deferred"}`];
  if (eager.length) lines.push(`    ${dim("eager   ")}  ${eager.join(dim(" · "))} ${dim("(see the LAZY_* warnings)")}`);
  return lines;
}
