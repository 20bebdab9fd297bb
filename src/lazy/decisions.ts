/**
 * What the build is told about one module's imports: a decision record per chosen import (the
 * summary and the size model list them) and the diagnostics, each naming the import or const,
 * its location and what to do. Every candidate that stays eager says why (rule 1 of DESIGN.md).
 */
import { error, warning, type Diagnostic, type Location } from "../diagnostics.js";
import type { Analysis } from "./analysis.js";
import { at, type Inventory, type ModuleConst } from "./inventory.js";
import type { Node } from "./scope.js";
import type { Selection } from "./selection.js";
import type { LazyDecision } from "./types.js";

export function parseError(rel: string, message: string, loc: Location): Diagnostic {
  return warning("LAZY_PARSE_ERROR", `Could not parse ${rel} to look for lazy imports: ${message}. The file is left as it is.`, { loc });
}

const notConstruction = (inv: Inventory, c: ModuleConst) =>
  warning("LAZY_STAYS_EAGER", `\`${c.name}\` is marked /* @lazy */ but its initialiser is not a \`new\` or call of a lazy import's export, so it cannot be deferred.`, {
    loc: inv.loc(c.node.start),
  });

/**
 * The decisions and diagnostics of one module. `analysis` is undefined when nothing was
 * chosen (then only the annotations and re-exports have something to say).
 */
export function record(inv: Inventory, sel: Selection, analysis: Analysis | undefined): { decisions: LazyDecision[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  for (const m of inv.misplaced) {
    diagnostics.push(
      warning(
        "LAZY_ANNOTATION_MISPLACED",
        `The /* @${m.tag} */ annotation is not on an import or a module-scope const, so it does nothing. Put it inside the import (\`import /* @${m.tag} */ { X } from "x"\`) or right before the statement.`,
        { loc: inv.loc(m.start) },
      ),
    );
  }
  for (const c of sel.notConstructions) diagnostics.push(notConstruction(inv, c));
  for (const { c, binding } of sel.overEagerImports) {
    diagnostics.push(
      warning("LAZY_STAYS_EAGER", `\`${c.name}\` is marked /* @lazy */ but it constructs from \`${binding}\`, whose import is marked /* @eager */, so it is built at init with its module. Drop one of the two annotations.`, {
        loc: inv.loc(c.node.start),
      }),
    );
  }
  for (const r of sel.eagerReexports) {
    const spec = (r.source as Node).value as string;
    diagnostics.push(
      warning("LAZY_STAYS_EAGER", `The re-export from "${spec}" stays eager: a re-export is evaluated when this module is. Import it where it is used instead.`, {
        loc: inv.loc(r.start),
      }),
    );
  }
  if (!analysis) return { decisions: [], diagnostics };
  for (const { ref, what, spec } of analysis.misuses) {
    diagnostics.push(
      error(
        "LAZY_DEFERRED_EXPORT_USE",
        `${what} at ${at(inv, ref.start)} comes from "${spec}", which builds it on first use (slimfn deferred its module-scope initialiser), so it cannot be re-exported or used as a whole namespace value here. Use it by name inside functions, or mark its declaration /* @eager */.`,
        { loc: inv.loc(ref.start) },
      ),
    );
  }
  const decisions: LazyDecision[] = [];
  for (const v of analysis.imports) {
    const l = inv.loc(v.imp.node.start);
    const d: LazyDecision = { module: v.imp.spec, mode: v.mode, importer: inv.rel, line: l.line, column: l.column, why: v.why, deferred: v.deferred };
    if (v.entry) d.entry = v.entry;
    if (v.reason !== undefined) d.reason = v.reason;
    decisions.push(d);
    if (v.reason !== undefined) {
      const names = [...v.imp.bindings.keys()].join(", ");
      diagnostics.push(
        warning(
          "LAZY_STAYS_EAGER",
          `The import of "${v.imp.spec}"${names ? ` (${names})` : ""} stays eager: ${v.reason}. Move the use into a function, or mark the import /* @eager */ to silence this.`,
          { loc: l },
        ),
      );
    }
  }
  for (const { c, dead } of analysis.consts) {
    if (dead !== undefined && c.tag === "lazy") {
      diagnostics.push(warning("LAZY_STAYS_EAGER", `\`${c.name}\` is marked /* @lazy */ but cannot be deferred: ${dead}.`, { loc: inv.loc(c.node.start) }));
    }
  }
  return { decisions, diagnostics };
}
