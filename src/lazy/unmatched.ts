import { warning, type Diagnostic } from "../diagnostics.js";

/** LAZY_UNMATCHED for every allowlist entry no import of the build matched. */
export function unmatchedEntries(entries: readonly string[], matched: ReadonlySet<string>): Diagnostic[] {
  return entries
    .filter((e) => !matched.has(e))
    .map((e) =>
      warning(
        "LAZY_UNMATCHED",
        `The lazy entry ${JSON.stringify(e)} matches no import in this build's own source files. Check its spelling, or remove it (imports inside node_modules and require() calls are never rewritten).`,
      ),
    );
}
