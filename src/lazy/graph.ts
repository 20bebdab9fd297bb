/**
 * After the build: did laziness hold? A module chosen as lazy is still evaluated at init when
 * something imports it statically (issue 5, item 4). Also measures the bundle bytes each lazy
 * import moved out of the init path. Works on a neutral module graph the adapter fills from
 * its bundler's data (esbuild's metafile).
 */
import { warning, type Diagnostic } from "../diagnostics.js";
import type { LazyDecision } from "./types.js";

export type EdgeKind = "static" | "require" | "dynamic" | "lazy";

export interface GraphModule {
  /** Bytes this module has in the output (0 when tree-shaken away). */
  bytes: number;
  imports: { path: string; kind: EdgeKind; original?: string }[];
}

export interface ModuleGraph {
  /** Module id (bundler's input path, relative to the root) -> module. */
  modules: Map<string, GraphModule>;
  /** The user's entry modules. */
  entries: string[];
  /** Virtual lazy module ids as the bundler names them -> the specifier they load. */
  virtual: Map<string, string>;
  /** Imports the bundler left external, per importing module (for `slimfn why`). */
  externals?: Map<string, { path: string; kind: EdgeKind }[]>;
}

/**
 * Modules evaluated at init: reachable from the entries (all, or those given) over static and
 * (not lazy) require edges.
 */
export function initClosure(graph: ModuleGraph, entries: readonly string[] = graph.entries): Map<string, string | undefined> {
  const parent = new Map<string, string | undefined>();
  const queue = [...entries];
  for (const e of entries) parent.set(e, undefined);
  while (queue.length) {
    const id = queue.shift()!;
    for (const imp of graph.modules.get(id)?.imports ?? []) {
      if (imp.kind === "dynamic" || imp.kind === "lazy" || parent.has(imp.path)) continue;
      parent.set(imp.path, id);
      queue.push(imp.path);
    }
  }
  return parent;
}

function closure(graph: ModuleGraph, start: string): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length) {
    for (const imp of graph.modules.get(queue.shift()!)?.imports ?? []) {
      if (!seen.has(imp.path)) {
        seen.add(imp.path);
        queue.push(imp.path);
      }
    }
  }
  return seen;
}

/**
 * Check every non-eager decision against the graph: fill `bytesMoved`, and turn a decision whose
 * module is still reached at init into "eager" with a LAZY_STILL_EAGER warning and the chain.
 */
export function checkLaziness(graph: ModuleGraph, decisions: LazyDecision[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Per entry: each is its own function, whose init evaluates only what its entry reaches. A
  // module one function imports statically stays lazy in another that only defers it.
  const perEntry = graph.entries.map((e) => ({ init: initClosure(graph, [e]), reach: closure(graph, e) }));
  /** The init closure of the entries whose function holds `importer`. */
  const initOf = (importer: string) => {
    const mine = perEntry.filter((p) => p.reach.has(importer));
    if (mine.length <= 1) return mine[0]?.init ?? initClosure(graph);
    const merged = new Map<string, string | undefined>();
    for (const p of mine) for (const [k, v] of p.init) if (!merged.has(k)) merged.set(k, v);
    return merged;
  };
  // The lazy edges of each importer: importer -> specifier -> target modules (a virtual module
  // re-exports from the package, or from the files that define the names it needs).
  const targetOf = new Map<string, string[]>();
  for (const [id, m] of graph.modules) {
    for (const imp of m.imports) {
      if (imp.kind !== "lazy" && imp.kind !== "dynamic") continue;
      const spec = graph.virtual.get(imp.path) ?? imp.original;
      if (spec === undefined) continue;
      const targets = graph.virtual.has(imp.path) ? (graph.modules.get(imp.path)?.imports ?? []).map((i) => i.path) : [imp.path];
      targetOf.set(`${id}\n${spec}`, targets);
    }
  }
  const warned = new Set<string>();
  for (const d of decisions) {
    if (d.mode === "eager") continue;
    const targets = targetOf.get(`${d.importer}\n${d.module}`);
    if (targets === undefined || targets.length === 0) continue;
    const init = initOf(d.importer);
    const target = targets.find((t) => init.has(t));
    if (target !== undefined) {
      const chain: string[] = [];
      for (let at: string | undefined = target; at !== undefined; at = init.get(at)) chain.unshift(at);
      d.mode = "eager";
      d.reason = `still evaluated at init: ${chain.join(" -> ")}`;
      d.bytesMoved = 0;
      if (warned.has(target)) continue;
      warned.add(target);
      diagnostics.push(
        warning(
          "LAZY_STILL_EAGER",
          `"${d.module}" is lazy in ${d.importer}:${d.line}, but it is still evaluated at init because another module imports it statically. Make that import lazy too (add it to \`lazy\` or annotate it), or mark this one /* @eager */.`,
          { notes: ["import chain: " + chain.join(" -> ")] },
        ),
      );
      continue;
    }
    let bytes = 0;
    const reached = new Set(targets.flatMap((t) => [...closure(graph, t)]));
    for (const id of reached) if (!init.has(id)) bytes += graph.modules.get(id)?.bytes ?? 0;
    d.bytesMoved = bytes;
  }
  return diagnostics;
}
