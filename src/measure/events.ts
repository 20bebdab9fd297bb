/**
 * The events a cold-start run replays: `--event FILE` (repeatable) or `verify.events`, a list of
 * JSON files (or inline objects) or one folder of `.json` files (sorted by name). Each is named
 * by its file name without `.json`, so reports say `create-order`, not a path.
 */
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError, warning, type Diagnostic } from "../diagnostics.js";
import { formatDuration } from "../report/sizes.js";
import type { ColdRun } from "./cold.js";
import type { NamedEvent } from "./cold.js";
import { readEvent } from "./verify.js";

/** Resolve a list of event files / objects, or one folder, against `root`. */
export function loadEvents(spec: string | readonly (string | object)[], root: string): NamedEvent[] {
  const items: (string | object)[] = typeof spec === "string" ? folderEvents(path.resolve(root, spec)) : [...spec];
  const named = items.map((item, i): NamedEvent => {
    if (typeof item !== "string") return { name: items.length > 1 ? `event-${i + 1}` : "event", event: item };
    const file = path.resolve(root, item);
    return { name: path.basename(file).replace(/\.json$/i, ""), event: readEvent(file) };
  });
  // Two files of one name in different folders: tell them apart by position.
  for (const e of named) if (named.filter((o) => o.name === e.name).length > 1) e.name = `${e.name}-${named.indexOf(e) + 1}`;
  return named;
}

function folderEvents(dir: string): string[] {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith(".json")).sort();
  } catch (e) {
    throw new SlimfnError(error("VERIFY_FAILED", `Cannot read the events folder ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)}). Point "verify.events" at a folder of JSON files or list the files.`));
  }
  if (!files.length) throw new SlimfnError(error("VERIFY_FAILED", `The events folder ${dir} holds no .json file. Put one JSON event per file there.`));
  return files.map((f) => path.join(dir, f));
}

/**
 * LAZY_DOES_NOT_PAY, once per event whose cold total with lazy imports is worse than the base's
 * (the same function built another way, usually without lazy) by more than the run's noise, and
 * that loaded deferred modules while answering: those modules are named.
 */
export function lazinessWarnings(cold: ColdRun, subject = "This build"): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [i, c] of (cold.comparisons ?? []).entries()) {
    const head = cold.events[i]!;
    const base = cold.base![i]!;
    if (!c.worse || !head.lazyLoaded.length) continue;
    const list = shortList(head.lazyLoaded);
    out.push(
      warning(
        "LAZY_DOES_NOT_PAY",
        `Event "${c.event}": ${subject}'s cold total (init + first invocation) is ${formatDuration(head.cold.median)}, ${c.ratio.toFixed(2)}x the base's ${formatDuration(base.cold.median)}: ${formatDuration(c.differenceMs)} slower (median of the paired rounds; slower in ${c.slowerRounds} of ${head.cold.samples.length}, this run's noise ${formatDuration(c.noiseMs)}). This request loaded the deferred ${head.lazyLoaded.length === 1 ? "module" : "modules"} ${list} on first use. If requests like it are the common case, mark ${head.lazyLoaded.length === 1 ? "that import" : "those imports"} /* @eager */ or remove ${head.lazyLoaded.length === 1 ? "it" : "them"} from lazy.`,
      ),
    );
  }
  return out;
}

/** `a, b, c` or, past ten names, the first ten and how many more. */
export function shortList(names: readonly string[], max = 10): string {
  return names.length > max ? `${names.slice(0, max).join(", ")} and ${names.length - max} more` : names.join(", ");
}
