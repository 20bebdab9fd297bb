/**
 * Which candidates can really be deferred, and how each deferred module loads on first use. A
 * pure function: everything it needs to know about other modules (top-level await, externals,
 * the project's deferred exports) comes in as answers gathered beforehand (answers.ts), so it
 * can be tested on parsed source alone.
 *
 * Rule 1 of DESIGN.md: a candidate that cannot be deferred without changing what the program
 * computes stays eager, with the reason. Consts and imports depend on each other (a deferred
 * client needs its import deferred; an import used in a const's initialiser is deferred only if
 * the const is), so the verdicts are found as a fixed point.
 */
import { isBuiltin } from "../specifiers.js";
import type { ProjectAnswers, TargetAnswers } from "./answers.js";
import { sideEffectIn } from "./initialiser.js";
import { at, type ImportStatement, type Inventory, type ModuleConst, type Uses } from "./inventory.js";
import type { Reference } from "./scope.js";
import type { Selection } from "./selection.js";
import type { LazyMode, LazyReason, ResolvedLazyOptions } from "./types.js";

/** What the analysis needs to know about the build. */
export interface BuildFacts {
  mode: ResolvedLazyOptions["mode"];
  /** The output can put `import()` targets in their own chunks (esm + outdir + splitting). */
  splitting: boolean;
  /** Sync loads may `require` an ES module chunk (types.ts `chunkRequire`). */
  chunkRequire: boolean;
  /** The module is an entry point: the runtime reads its exports by name. */
  entry: boolean;
}

export interface ImportVerdict {
  imp: ImportStatement;
  why: LazyReason;
  /** The allowlist entry it matched. */
  entry?: string;
  mode: LazyMode;
  /** Why it stays eager (mode "eager" only). */
  reason?: string;
  /** The consts deferred with it. */
  deferred: string[];
}

/** One loader per deferred module of the file (one module gets one loader per file). */
export interface Loader {
  spec: string;
  imports: ImportStatement[];
  /**
   * `async`: `import()`, awaited at first use. `external`: a target the bundler leaves out,
   * required at run time. `chunk`: its own chunk, required at first use. `require`: a virtual
   * module the bundler wraps so that it is evaluated when required.
   */
  load: "async" | "external" | "chunk" | "require";
  /** The exported names used (`*` when the namespace is used whole). */
  names: string[];
}

export interface ConstVerdict {
  c: ModuleConst;
  /** Why it cannot be deferred. */
  dead?: string;
  /** Built by an async accessor (awaited at first use). */
  async: boolean;
}

/** A use of a project module's deferred export that cannot go through its accessor. */
export interface Misuse {
  ref: Reference;
  what: string;
  spec: string;
}

export interface Analysis {
  /** The chosen imports used as values, in source order. */
  imports: ImportVerdict[];
  loaders: Loader[];
  /** Each deferred import binding: its loader and the name it imports. */
  deferredBindings: ReadonlyMap<string, { loader: Loader; exported: string }>;
  /** The candidate consts, in source order. */
  consts: ConstVerdict[];
  misuses: Misuse[];
}

/**
 * The chosen imports that are used as values. An import whose bindings are used only as types,
 * or not at all, is left as it is: TypeScript erases it, and a loader would only add the module
 * to the bundle. Only these need target answers.
 */
export function usedImports(sel: Selection, uses: Uses): ImportStatement[] {
  return sel.chosen.filter((imp) => imp.bindings.size === 0 || [...imp.bindings.keys()].some((l) => uses.of(l).length > 0));
}

/**
 * The names whose uses the analysis reads: the chosen imports' bindings, the candidate consts
 * and the imports of project modules' deferred exports.
 */
export function trackedNames(sel: Selection, project: ProjectAnswers): Set<string> {
  return new Set([...sel.scope.lazyBindings, ...sel.consts.map((c) => c.name), ...project.bindings.keys(), ...project.namespaces.keys()]);
}

interface ConstState extends ConstVerdict {
  /** Lazy import bindings used in the initialiser. */
  uses: Set<string>;
}

export function analyse(inv: Inventory, sel: Selection, uses: Uses, project: ProjectAnswers, targets: TargetAnswers, build: BuildFacts): Analysis {
  const { code } = inv;
  const consts = new Map<string, ConstState>();
  for (const c of sel.consts) {
    const st: ConstState = { c, async: false, uses: new Set() };
    if (c.tag === "eager") st.dead = `\`${c.name}\` is marked /* @eager */`;
    // The runtime reads an entry's exports by name: they must stay what they are.
    else if (c.exported && build.entry) st.dead = `\`${c.name}\` is exported from an entry point, where the runtime reads it`;
    const hit = sideEffectIn(c.init, sel.scope);
    if (hit && !st.dead) {
      st.dead = `the initialiser of \`${c.name}\` cannot be moved to first use: \`${code.slice(hit.start, Math.min(hit.end, hit.start + 60))}\` at ${at(inv, hit.start)} may have side effects (only literals, module constants, process.env.X and nested constructions of lazy exports can be deferred)`;
    }
    consts.set(c.name, st);
  }
  for (const st of consts.values()) {
    for (const r of uses.refs) if (r.owner === st.c.name && sel.scope.lazyBindings.has(r.name)) st.uses.add(r.name);
  }
  const selected = usedImports(sel, uses);
  const tla = (spec: string) => targets.topLevelAwait.get(spec) === true;
  const external = (spec: string) => targets.external.get(spec) === true;
  const asyncAllowed = build.mode === "async" || (build.mode === "auto" && build.splitting);
  const needsAsync = (imp: ImportStatement) => build.mode === "async" || tla(imp.spec);
  /** Why each import stays eager (set once). */
  const eager = new Map<ImportStatement, string>();

  // ---- fixed point: consts die when used at init or when an import they need stays eager;
  // imports stay eager when referenced at init outside a live const.
  const live = (name: string | undefined) => name !== undefined && consts.has(name) && !consts.get(name)!.dead;
  const asyncConst = (name: string | undefined) => live(name) && consts.get(name!)!.async;
  const byBinding = new Map<string, ImportStatement>();
  for (const imp of selected) for (const local of imp.bindings.keys()) byBinding.set(local, imp);
  const inAsync = (r: Reference) => r.time === "async" || (r.owner !== undefined && asyncConst(r.owner));
  const computeAsyncConsts = () => {
    // Exported consts are sync: their importers' references are not known here.
    for (const c of consts.values()) c.async = !c.dead && asyncAllowed && !c.c.exported;
    for (let changed = true; changed; ) {
      changed = false;
      for (const c of consts.values()) {
        if (!c.async) continue;
        if (!uses.of(c.c.name).every(inAsync)) {
          c.async = false;
          changed = true;
        }
      }
    }
  };
  const initUse = (r: Reference) => r.time === "init" && !live(r.owner);
  const eagerReason = (imp: ImportStatement): string | undefined => {
    if (imp.bindings.size === 0) return "it is a side-effect-only import: its whole point is what it does when evaluated";
    if (isBuiltin(imp.spec)) return "it is a Node built-in, which the runtime has loaded already";
    for (const local of imp.bindings.keys()) {
      const deferred = project.bindings.get(local);
      if (deferred?.imp === imp) return `\`${deferred.exported}\` is a deferred export of "${imp.spec}" (built on first use there already), so it is imported through its accessor`;
    }
    // One eager import of the module loads it at init for every import of it.
    const other = inv.imports.find((o) => o !== imp && o.spec === imp.spec && (eager.has(o) || !sel.why.has(o)));
    if (other) return `"${imp.spec}" is also imported eagerly at ${at(inv, other.node.start)}`;
    for (const [local, exported] of imp.bindings) {
      for (const r of uses.of(local)) {
        const where = `\`${local}\` at ${at(inv, r.start)}`;
        if (r.role === "export") return `${where} is re-exported; exports are evaluated with this module`;
        if (r.role === "jsx") return `${where} is used as a JSX tag`;
        if (r.inDecorator) return `${where} is used in a decorator, which runs when the class is defined`;
        if (r.inExtends) return `${where} is a class's \`extends\`, which is evaluated when the class is defined`;
        if (exported === "*" && r.role !== "member-object") return `the namespace ${where} is used as a value, not only through its properties`;
        if (initUse(r)) {
          const c = r.owner !== undefined ? consts.get(r.owner) : undefined;
          if (c?.dead) return `${where} is used at module init: ${c.dead}`;
          return `${where} is used at module init`;
        }
        if (needsAsync(imp)) {
          const why = tla(imp.spec) ? "its target has top-level await, so it can only be loaded with import()" : 'mode is "async"';
          if (!asyncAllowed) return build.mode === "sync" ? `${why}, and mode is "sync"` : `${why}, and this build cannot split code (it needs format esm with outdir)`;
          if (!inAsync(r)) return `${where} is not directly in an async function body, and ${why}`;
        }
      }
    }
    return undefined;
  };
  for (let changed = true; changed; ) {
    changed = false;
    computeAsyncConsts();
    for (const c of consts.values()) {
      if (c.dead) continue;
      const bad = uses.of(c.c.name).find((r) => initUse(r) || r.role === "export" || r.role === "jsx" || r.inDecorator || r.inExtends);
      if (bad) c.dead = `\`${c.c.name}\` is used at module init (${at(inv, bad.start)})`;
      for (const u of c.uses) {
        const imp = byBinding.get(u)!;
        if (!c.dead && eager.has(imp)) c.dead = `\`${u}\` from "${imp.spec}" stays eager`;
      }
      if (!c.dead && build.mode === "async" && !c.async) c.dead = `\`${c.c.name}\` is used outside an async function and mode is "async"`;
      if (c.dead) changed = true;
    }
    for (const imp of selected) {
      if (eager.has(imp)) continue;
      const reason = eagerReason(imp);
      if (reason) {
        eager.set(imp, reason);
        changed = true;
      }
    }
  }

  // ---- modes, grouped per module so one module gets one loader per file
  const groups = new Map<string, ImportStatement[]>();
  for (const imp of selected) {
    if (eager.has(imp)) continue;
    let g = groups.get(imp.spec);
    if (!g) groups.set(imp.spec, (g = []));
    g.push(imp);
  }
  computeAsyncConsts();
  const groupAsync = new Map<string, boolean>();
  for (const [spec, g] of groups) {
    groupAsync.set(spec, asyncAllowed && g.every((imp) => [...imp.bindings.keys()].every((l) => uses.of(l).every(inAsync))));
  }
  // A const built only from sync modules gains nothing from an await: make it sync. Consts
  // that an async module is used in must stay async, and so must consts they use.
  for (const c of consts.values()) {
    if (c.dead || !c.async) continue;
    if ([...c.uses].every((u) => !groupAsync.get(byBinding.get(u)!.spec))) {
      const usedByAsync = uses.of(c.c.name).some((r) => r.owner !== undefined && asyncConst(r.owner) && r.owner !== c.c.name);
      // Its initialiser awaits another async const: it must stay async itself.
      const usesAsync = uses.refs.some((r) => r.owner === c.c.name && r.name !== c.c.name && consts.has(r.name) && asyncConst(r.name));
      if (!usedByAsync && !usesAsync) c.async = false;
    }
  }

  const loaders: Loader[] = [];
  const deferredBindings = new Map<string, { loader: Loader; exported: string }>();
  for (const [spec, g] of groups) {
    // Only the names used: `export *` would keep every export of the package (no tree-shaking),
    // and a name used only as a type has no value to re-export.
    const used = new Set<string>();
    let everything = false;
    for (const imp of g) {
      for (const [local, exported] of imp.bindings) {
        for (const r of uses.of(local)) {
          if (exported !== "*") used.add(exported);
          else if (r.property) used.add(r.property.name);
          else everything = true;
        }
      }
    }
    // An external target in sync mode: a bundled virtual module would import it statically
    // (hoisted to init in esm output), so it is required at run time.
    const load = groupAsync.get(spec) ? "async" : external(spec) ? "external" : build.splitting && build.chunkRequire ? "chunk" : "require";
    const loader: Loader = { spec, imports: g, load, names: everything ? ["*"] : [...used] };
    loaders.push(loader);
    for (const imp of g) for (const [local, exported] of imp.bindings) deferredBindings.set(local, { loader, exported });
  }

  const misuses: Misuse[] = [];
  for (const r of uses.refs) {
    const rb = project.bindings.get(r.name);
    if (rb && (r.role === "export" || r.role === "jsx" || r.inDecorator)) misuses.push({ ref: r, what: `\`${r.name}\``, spec: rb.imp.spec });
    const rn = project.namespaces.get(r.name);
    if (rn && !(r.property && rn.names.has(r.property.name)) && (r.role !== "member-object" || !r.property)) {
      misuses.push({ ref: r, what: `the namespace \`${r.name}\``, spec: rn.imp.spec });
    }
  }

  const imports = selected.map((imp): ImportVerdict => {
    const reason = eager.get(imp);
    const deferred = [...consts.values()].filter((c) => !c.dead && [...c.uses].some((u) => imp.bindings.has(u))).map((c) => c.c.name);
    const v: ImportVerdict = { imp, why: sel.why.get(imp)!, mode: reason !== undefined ? "eager" : groupAsync.get(imp.spec) ? "async" : "sync", deferred };
    const entry = sel.entry.get(imp);
    if (entry) v.entry = entry;
    if (reason !== undefined) v.reason = reason;
    return v;
  });
  return { imports, loaders, deferredBindings, consts: [...consts.values()].map(({ c, dead, async }) => (dead === undefined ? { c, async } : { c, dead, async })), misuses };
}
