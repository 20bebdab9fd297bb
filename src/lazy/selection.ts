/**
 * Which imports and module-scope consts of a module are candidates to defer: the allowlist,
 * /* @lazy *\/ and /* @eager *\/ annotations, `import defer`, and /* @lazy *\/ clients (a const
 * constructed from an import's export asks for that import). A pure function of the inventory
 * and the allowlist; whether a candidate can really be deferred is the analysis's question.
 */
import type { Allowlist } from "./glob.js";
import { initialiserRoot, type InitialiserScope } from "./initialiser.js";
import type { ImportStatement, Inventory, ModuleConst } from "./inventory.js";
import type { Node } from "./scope.js";
import type { LazyReason } from "./types.js";

export interface Selection {
  /** Why each chosen import is considered for deferral. */
  why: ReadonlyMap<ImportStatement, LazyReason>;
  /** The allowlist entry an import matched (chosen or not). */
  entry: ReadonlyMap<ImportStatement, string>;
  /** The chosen imports, in source order. */
  chosen: ImportStatement[];
  /** Module-scope names: the chosen imports' bindings, constants, everything declared. */
  scope: InitialiserScope;
  /** Consts whose initialiser constructs from a chosen import's export: deferred with it if they can be. */
  consts: ModuleConst[];
  /** /* @lazy *\/ consts that construct nothing an import exports. */
  notConstructions: ModuleConst[];
  /** /* @lazy *\/ consts that construct from an import marked /* @eager *\/, with the binding they construct from. */
  overEagerImports: { c: ModuleConst; binding: string }[];
  /** Re-exports of allowlisted packages: evaluated with this module, so they stay eager. */
  eagerReexports: Node[];
  /** Allowlist entries matched by an import or re-export of this module. */
  matchedEntries: ReadonlySet<string>;
}

export function select(inv: Inventory, allowlist: Allowlist): Selection {
  const why = new Map<ImportStatement, LazyReason>();
  const entry = new Map<ImportStatement, string>();
  const matchedEntries = new Set<string>();
  for (const imp of inv.imports) {
    const e = allowlist.match(imp.spec);
    if (e) {
      matchedEntries.add(e);
      entry.set(imp, e);
    }
    if (imp.tag === "eager") continue;
    if (imp.defer) why.set(imp, "import-defer");
    else if (imp.tag === "lazy") why.set(imp, "annotation");
    else if (e) why.set(imp, "allowlist");
  }
  // `/* @lazy */ const s3 = new S3Client()` asks for the import its initialiser constructs from.
  const bindingOwner = new Map<string, ImportStatement>();
  for (const imp of inv.imports) for (const local of imp.bindings.keys()) bindingOwner.set(local, imp);
  const all: InitialiserScope = { lazyBindings: new Set(bindingOwner.keys()), constants: inv.constants, declared: inv.declared };
  const notConstructions: ModuleConst[] = [];
  const asked: ModuleConst[] = [];
  const roots = new Map<ModuleConst, string>();
  for (const c of inv.consts) {
    if (c.tag !== "lazy") {
      asked.push(c);
      continue;
    }
    const root = initialiserRoot(c.init, all);
    const imp = root ? bindingOwner.get(root) : undefined;
    if (!imp) {
      notConstructions.push(c);
      continue;
    }
    asked.push(c);
    roots.set(c, root!);
    if (!why.has(imp) && imp.tag !== "eager") why.set(imp, "client-annotation");
  }
  const chosen = inv.imports.filter((imp) => why.has(imp));
  const lazyBindings = new Set<string>();
  for (const imp of chosen) for (const local of imp.bindings.keys()) lazyBindings.add(local);
  const scope: InitialiserScope = { lazyBindings, constants: inv.constants, declared: inv.declared };
  // Candidate consts: shaped like a client construction over a chosen import.
  const consts: ModuleConst[] = [];
  const overEagerImports: Selection["overEagerImports"] = [];
  for (const c of asked) {
    if (initialiserRoot(c.init, scope)) consts.push(c);
    else if (c.tag === "lazy") overEagerImports.push({ c, binding: roots.get(c)! });
  }
  const eagerReexports: Node[] = [];
  for (const r of inv.reexports) {
    const e = allowlist.match((r.source as Node).value as string);
    if (e && r.exportKind !== "type") {
      matchedEntries.add(e);
      eagerReexports.push(r);
    }
  }
  return { why, entry, chosen, scope, consts, notConstructions, overEagerImports, eagerReexports, matchedEntries };
}
