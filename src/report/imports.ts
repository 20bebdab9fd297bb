/**
 * The import graph a size model keeps per function (`imports`), for `slimfn why`: the bundler's
 * module graph with every npm package folded into one node (its name), the function's own
 * modules kept by path, and lazy imports seen through slimfn's virtual modules as one `lazy`
 * edge from the importer to what it defers. Small enough to keep in every model (tens of own
 * modules, a node per package), exact where it matters: `atInit` is worked out on the full
 * module graph before folding.
 */
import { initClosure, type EdgeKind, type ModuleGraph } from "../lazy/graph.js";
import { isBuiltin, packageName } from "../specifiers.js";
import { packageOfModule } from "./attribute.js";
import type { ImportsModel } from "./model.js";

/** The function's node for a module id, each id worked out once (the walk meets one id per edge). */
function nodeNames(): (id: string) => string {
  const names = new Map<string, string>();
  return (id) => {
    let name = names.get(id);
    if (name === undefined) names.set(id, (name = packageOfModule(id)?.name ?? id));
    return name;
  };
}

/** The folded graph of the function whose bundle holds `modules` (module ids). */
export function importsModel(graph: ModuleGraph, modules: ReadonlySet<string>): ImportsModel | undefined {
  const entry = graph.entries.find((e) => modules.has(e));
  if (entry === undefined) return undefined;
  const nodeOf = nodeNames();
  const init = initClosure({ ...graph, entries: [entry] });
  const edges = new Map<string, { from: string; to: string; kind: EdgeKind }>();
  const add = (from: string, to: string, kind: EdgeKind) => {
    if (from === to) return;
    edges.set(`${from}\0${to}\0${kind}`, { from, to, kind });
  };
  // Only what the function reaches: walk from its entry, through virtual modules.
  const seen = new Set([entry]);
  // An index into the queue, not shift(): shift moves every element, quadratic over the SDK's modules.
  const queue = [entry];
  for (let next = 0; next < queue.length; next++) {
    const id = queue[next]!;
    const from = nodeOf(id);
    for (const imp of graph.modules.get(id)?.imports ?? []) {
      const targets = graph.virtual.has(imp.path) ? (graph.modules.get(imp.path)?.imports ?? []).map((i) => i.path) : [imp.path];
      for (const t of targets) {
        add(from, nodeOf(t), graph.virtual.has(imp.path) ? "lazy" : imp.kind);
        if (!seen.has(t)) {
          seen.add(t);
          queue.push(t);
        }
      }
    }
    for (const ext of graph.externals?.get(id) ?? []) {
      const pkg = isBuiltin(ext.path) ? undefined : packageName(ext.path);
      if (pkg) add(from, pkg, ext.kind);
    }
  }
  const atInit = new Set<string>();
  for (const id of init.keys()) if (!graph.virtual.has(id)) atInit.add(nodeOf(id));
  for (const id of init.keys()) for (const ext of graph.externals?.get(id) ?? []) if (ext.kind !== "dynamic" && !isBuiltin(ext.path)) {
    const pkg = packageName(ext.path);
    if (pkg) atInit.add(pkg);
  }
  const sorted = [...edges.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : a.kind < b.kind ? -1 : 1));
  return { entry: nodeOf(entry), edges: sorted, atInit: [...atInit].sort() };
}
