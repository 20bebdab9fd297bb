/**
 * The questions the lazy analysis has about other modules, asked before it runs so that the
 * analysis itself stays a pure function of what it is given: which of the project's own modules
 * export deferred consts, and, for the imports that may be deferred, whether their targets have
 * top-level await and whether the bundler leaves them external. The session answers them once
 * per build (types.ts `LazyTransformContext`).
 */
import { packageName } from "../specifiers.js";
import type { ImportStatement, Inventory } from "./inventory.js";
import { isNode, type Node } from "./scope.js";
import type { LazyTransformContext } from "./types.js";

/** What the project's own modules this module imports export as deferred consts. */
export interface ProjectAnswers {
  /** Bindings of such exports: local name -> the import and the exported name. */
  bindings: ReadonlyMap<string, { imp: ImportStatement; exported: string }>;
  /** Namespace imports of such modules: local name -> the import and the deferred names. */
  namespaces: ReadonlyMap<string, { imp: ImportStatement; names: ReadonlySet<string> }>;
  /** Re-exports of such modules, with the deferred names their target exports. */
  reexports: ReadonlyMap<Node, ReadonlySet<string>>;
}

/** Per target specifier of an import that may be deferred. */
export interface TargetAnswers {
  /** Its module has top-level await (it can then only be loaded with `import()`). */
  topLevelAwait: ReadonlyMap<string, boolean>;
  /** The bundler leaves it external (a sync load then requires it at run time). */
  external: ReadonlyMap<string, boolean>;
}

export const NO_PROJECT_ANSWERS: ProjectAnswers = { bindings: new Map(), namespaces: new Map(), reexports: new Map() };

/**
 * Imports of this project's modules that export deferred consts are renamed to their accessors.
 * Only the rewrite depends on them, never a decision, so analyses cannot cycle.
 */
export async function askProjectModules(inv: Inventory, context: LazyTransformContext): Promise<ProjectAnswers> {
  const remote = context.deferredExportsOf;
  if (!remote) return NO_PROJECT_ANSWERS;
  const aliases = context.aliases ?? [];
  // Paths and aliases only: any other bare specifier names a package, never rewritten.
  const ownModule = (spec: string) => packageName(spec) === undefined || aliases.some((a) => spec.startsWith(a));
  const chain = [...(context.analysisChain ?? []), inv.file];
  const bindings = new Map<string, { imp: ImportStatement; exported: string }>();
  const namespaces = new Map<string, { imp: ImportStatement; names: ReadonlySet<string> }>();
  const reexports = new Map<Node, ReadonlySet<string>>();
  // An analysis for an importer (analysisChain set) needs only what this module exports.
  if (context.analysisChain === undefined) {
    // Looked up side by side: each lookup may resolve, read and analyse another file.
    // Chosen imports too: one of a deferred export must go through its accessor (the analysis
    // keeps it eager), or its virtual module would ask the target for a name it no longer exports.
    const candidates = inv.imports.filter((imp) => ownModule(imp.spec) && imp.bindings.size > 0);
    const found = await Promise.all(candidates.map((imp) => remote(imp.spec, inv.file, chain)));
    for (const [i, imp] of candidates.entries()) {
      const deferred = found[i];
      if (!deferred || deferred.size === 0) continue;
      for (const [local, exported] of imp.bindings) {
        if (exported === "*") namespaces.set(local, { imp, names: deferred });
        else if (deferred.has(exported)) bindings.set(local, { imp, exported });
      }
    }
  }
  // A barrel re-exporting deferred consts re-exports their accessors under its own names. One
  // after the other: a later lookup may reuse what an earlier one learnt (the build's exportCache).
  for (const r of inv.reexports) {
    if (!ownModule((r.source as Node).value as string) || r.exportKind === "type" || isNode(r.exported)) continue;
    const deferred = await remote((r.source as Node).value as string, inv.file, chain);
    if (deferred?.size) reexports.set(r, deferred);
  }
  return { bindings, namespaces, reexports };
}

/** The target answers for `specs`, imported from `file`. */
export async function askAboutTargets(specs: readonly string[], file: string, context: LazyTransformContext): Promise<TargetAnswers> {
  const [tla, external] = await Promise.all([
    Promise.all(specs.map((spec) => context.hasTopLevelAwait?.(spec, file))),
    Promise.all(specs.map((spec) => context.isExternal?.(spec, file))),
  ]);
  return {
    topLevelAwait: new Map(specs.map((spec, i) => [spec, tla[i] === true])),
    external: new Map(specs.map((spec, i) => [spec, external[i] === true])),
  };
}
