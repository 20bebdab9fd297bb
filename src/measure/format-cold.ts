/** The per-event lines of `slimfn measure --event ...` (and `--base`). */
import { formatBytes, formatDuration } from "../report/sizes.js";
import type { ColdRun } from "./cold.js";
import { shortList } from "./events.js";

export function formatCold(cold: ColdRun, baseLabel?: string): string[] {
  const width = Math.max(...cold.events.map((e) => e.event.length));
  const lines = [`  events     median of ${cold.runs} fresh processes per event; cold total = init + first invocation`];
  for (const e of cold.events) {
    const lazy = e.lazyLoaded.length ? `  lazy loaded: ${shortList(e.lazyLoaded)}` : "";
    lines.push(
      `    ${e.event.padEnd(width)}  init ${formatDuration(e.init.median)}  first invocation ${formatDuration(e.firstInvocation.median)}  cold total ${formatDuration(e.cold.median)}  ${formatBytes(e.rssBytes)} after${e.ok ? "" : "  (threw)"}${lazy}`,
    );
  }
  if (cold.base && cold.comparisons) {
    lines.push(`  base       ${baseLabel ?? "base"}, the same events in the same rounds`);
    for (const [i, c] of cold.comparisons.entries()) {
      const b = cold.base[i]!;
      const h = cold.events[i]!;
      const sign = c.differenceMs >= 0 ? "+" : "-";
      lines.push(
        `    ${c.event.padEnd(width)}  cold total ${formatDuration(h.cold.median)} vs ${formatDuration(b.cold.median)} (init ${formatDuration(b.init.median)}, first invocation ${formatDuration(b.firstInvocation.median)}): ${c.ratio.toFixed(2)}x, ${sign}${formatDuration(Math.abs(c.differenceMs))} (noise ${formatDuration(c.noiseMs)})`,
      );
    }
  }
  return lines;
}
