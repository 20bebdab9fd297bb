/**
 * The lazy-import transform of one source file, bundler-neutral:
 * `transformLazy(code, file, options, context)` -> rewritten code + source map + decisions +
 * diagnostics, or undefined when the file has nothing to defer.
 *
 * Order of work, cheapest first: a text test, then oxc-parser, then scope analysis, then
 * magic-string. Every import that is chosen but cannot be deferred safely stays eager and gets
 * a LAZY_STAYS_EAGER warning naming the import, its location and the reason.
 */
import path from "node:path";
import MagicString from "magic-string";
import { parseSync } from "oxc-parser";
import { error, warning, type Diagnostic, type Location } from "../diagnostics.js";
import { attach, type Tag } from "./annotations.js";
import { compileAllowlist, isBuiltin, packageName, type Allowlist } from "./glob.js";
import { initialiserRoot, sideEffectIn, type InitialiserScope } from "./initialiser.js";
import { findReferences, isNode, type Node, type Reference } from "./scope.js";
import type { LazyDecision, LazyReason, LazyTransformContext, LazyTransformResult, ResolvedLazyOptions } from "./types.js";
import { isNodeEsm } from "./module-type.js";
import { VIRTUAL_EXPORT, virtualId } from "./virtual.js";

/** Cheap text test: could this file need the transform at all? */
export function mayNeedLazy(code: string, allowlist: Allowlist): boolean {
  return code.includes("@lazy") || /\bimport\s+defer\b/.test(code) || allowlist.mentionedIn(code);
}

const allowlists = new WeakMap<ResolvedLazyOptions, Allowlist>();
export function allowlistOf(options: ResolvedLazyOptions): Allowlist {
  let a = allowlists.get(options);
  if (!a) allowlists.set(options, (a = compileAllowlist(options.modules)));
  return a;
}

interface ImportInfo {
  node: Node;
  spec: string;
  /** Value bindings: local name -> exported name ("*" for a namespace, "default"). */
  bindings: Map<string, string>;
  why?: LazyReason;
  entry?: string;
  tag?: Tag;
  /** Why it stays eager (set once). */
  eager?: string;
}

interface ConstInfo {
  name: string;
  /** The statement (VariableDeclaration, or the ExportNamedDeclaration around it). */
  node: Node;
  /** `export const`: importers reach it through `<name>$slimfn`, a sync accessor. */
  exported: boolean;
  init: Node;
  tag?: Tag;
  /** Lazy import bindings used in the initialiser. */
  uses: Set<string>;
  /** Why it cannot be deferred (set once). */
  dead?: string;
  async?: boolean;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
/** A static import of a path (`from "./x"`, `from "../x"`, `from "/x"`, `from "#x"`). */
const LOCAL_IMPORT = /\bfrom\s*["'][./#]/;
/** The name an exported deferred const's accessor is exported under. */
export const accessorExport = (name: string) => `${name}$slimfn`;
const access = (base: string, name: string) =>
  name === "*" ? base : IDENT.test(name) ? `${base}.${name}` : `${base}[${JSON.stringify(name)}]`;

export async function transformLazy(
  code: string,
  file: string,
  options: ResolvedLazyOptions,
  context: LazyTransformContext,
): Promise<LazyTransformResult | undefined> {
  const allowlist = allowlistOf(options);
  const remote = context.deferredExportsOf;
  const aliases = context.aliases ?? [];
  const ownModule = (spec: string) => packageName(spec) === undefined || aliases.some((a) => spec.startsWith(a));
  const importsOwn = () => LOCAL_IMPORT.test(code) || aliases.some((a) => code.includes(`"${a}`) || code.includes(`'${a}`));
  // A file that mentions nothing lazy is parsed only to rewire imports of the project's modules
  // that export deferred consts; the cheap look-ahead says whether any import may.
  if (!mayNeedLazy(code, allowlist) && !(remote && importsOwn() && (await (context.importsDeferred?.(code, file) ?? true)))) return undefined;
  const rel = path.relative(context.root, file).split(path.sep).join("/");
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const loc = (offset: number): Location => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = lineStarts[lo]!;
    const end = code.indexOf("\n", start);
    return { file: rel, line: lo + 1, column: offset - start, lineText: code.slice(start, end === -1 ? undefined : end).replace(/\r$/, "") };
  };
  const at = (offset: number) => {
    const l = loc(offset);
    return `${l.line}:${l.column}`;
  };

  const parsed = parseSync(file, code, { sourceType: "module" });
  const diagnostics: Diagnostic[] = [];
  const decisions: LazyDecision[] = [];
  const fatal = parsed.errors.find((e) => e.severity === "Error");
  if (fatal) {
    const label = fatal.labels[0];
    diagnostics.push(
      warning("LAZY_PARSE_ERROR", `Could not parse ${rel} to look for lazy imports: ${fatal.message}. The file is left as it is.`, {
        loc: loc(label ? label.start : 0),
      }),
    );
    return { code, map: new MagicString(code).generateMap({ hires: true }), decisions: [], diagnostics, matchedEntries: [], deferredExports: [] };
  }
  const program = parsed.program as unknown as Node;
  const body = program.body as Node[];
  const s = new MagicString(code);
  /** Exported names that re-export another module's deferred consts (barrel files). */
  const reexportedDeferred = new Set<string>();
  const constAccessor = new Map<string, string>();
  const analysis = context.analysisChain !== undefined;
  const chain = [...(context.analysisChain ?? []), file];

  // ---- what is declared at module scope, and the annotation targets
  const imports: ImportInfo[] = [];
  const consts = new Map<string, ConstInfo>();
  const constants = new Set<string>();
  const declared = new Set<string>();
  const targets: Node[] = [];
  const reexports: Node[] = [];
  for (const st of body) {
    if (st.type === "ImportDeclaration") {
      targets.push(st);
      if (st.importKind === "type") continue;
      const bindings = new Map<string, string>();
      for (const sp of st.specifiers as Node[]) {
        const local = (sp.local as Node).name as string;
        declared.add(local);
        constants.add(local);
        if (sp.importKind === "type") continue;
        if (sp.type === "ImportNamespaceSpecifier") bindings.set(local, "*");
        else if (sp.type === "ImportDefaultSpecifier") bindings.set(local, "default");
        else {
          const imported = sp.imported as Node;
          bindings.set(local, (imported.name ?? imported.value) as string);
        }
      }
      // All specifiers type-only: TypeScript erases the import; nothing to do.
      if (bindings.size === 0 && (st.specifiers as Node[]).length > 0) continue;
      imports.push({ node: st, spec: (st.source as Node).value as string, bindings });
      continue;
    }
    if ((st.type === "ExportNamedDeclaration" || st.type === "ExportAllDeclaration") && isNode(st.source)) {
      reexports.push(st);
      continue;
    }
    const decl = st.type === "ExportNamedDeclaration" && isNode(st.declaration) ? st.declaration : st;
    if (decl.type === "VariableDeclaration") {
      for (const d of decl.declarations as Node[]) {
        if (!isNode(d.id) || d.id.type !== "Identifier") continue;
        declared.add(d.id.name as string);
        if (decl.kind === "const") constants.add(d.id.name as string);
      }
      if (decl.kind === "const" && !decl.declare) {
        targets.push(st);
        const d = (decl.declarations as Node[])[0]!;
        if ((decl.declarations as Node[]).length === 1 && isNode(d.id) && d.id.type === "Identifier" && isNode(d.init)) {
          consts.set(d.id.name as string, { name: d.id.name as string, node: st, exported: st !== decl, init: d.init, uses: new Set() });
        }
      }
    } else if ((decl.type === "FunctionDeclaration" || decl.type === "ClassDeclaration") && isNode(decl.id)) {
      declared.add(decl.id.name as string);
    }
  }

  // ---- annotations
  const attached = attach(parsed.comments, targets, code);
  for (const m of attached.misplaced) {
    diagnostics.push(
      warning(
        "LAZY_ANNOTATION_MISPLACED",
        `The /* @${m.tag} */ annotation is not on an import or a module-scope const, so it does nothing. Put it inside the import (\`import /* @${m.tag} */ { X } from "x"\`) or right before the statement.`,
        { loc: loc(m.start) },
      ),
    );
  }
  const tagOfStatement = (n: Node) => attached.byStatement.get(n.start);
  const notConstruction = (c: ConstInfo) =>
    warning("LAZY_STAYS_EAGER", `\`${c.name}\` is marked /* @lazy */ but its initialiser is not a \`new\` or call of a lazy import's export, so it cannot be deferred.`, {
      loc: loc(c.node.start),
    });
  for (const c of consts.values()) {
    const t = tagOfStatement(c.node);
    if (t) c.tag = t;
  }

  // ---- selection: allowlist, annotations, import defer
  const matchedEntries = new Set<string>();
  for (const imp of imports) {
    const t = tagOfStatement(imp.node);
    if (t) imp.tag = t;
    const entry = allowlist.match(imp.spec);
    if (entry) {
      matchedEntries.add(entry);
      imp.entry = entry;
    }
    if (imp.tag === "eager") continue;
    if (imp.node.phase === "defer") imp.why = "import-defer";
    else if (imp.tag === "lazy") imp.why = "annotation";
    else if (entry) imp.why = "allowlist";
  }
  // `/* @lazy */ const s3 = new S3Client()` asks for the imports its initialiser constructs from.
  const bindingOwner = new Map<string, ImportInfo>();
  for (const imp of imports) for (const local of imp.bindings.keys()) bindingOwner.set(local, imp);
  for (const c of consts.values()) {
    if (c.tag !== "lazy") continue;
    const all: InitialiserScope = { lazyBindings: new Set(bindingOwner.keys()), constants, declared };
    const root = initialiserRoot(c.init, all);
    const imp = root ? bindingOwner.get(root) : undefined;
    if (imp && !imp.why && imp.tag !== "eager") imp.why = "client-annotation";
    if (!imp) {
      consts.delete(c.name);
      diagnostics.push(notConstruction(c));
    }
  }
  let selected = imports.filter((i) => i.why !== undefined);
  // Imports of this project's own modules that export deferred consts: renamed to their
  // accessors. Only the rewrite depends on them, never a decision, so analyses cannot cycle.
  const remoteBindings = new Map<string, { imp: ImportInfo; exported: string }>();
  const remoteNamespaces = new Map<string, { imp: ImportInfo; names: ReadonlySet<string> }>();
  if (remote && !analysis) {
    // Looked up side by side: each lookup may resolve, read and analyse another file.
    // Paths and aliases only: any other bare specifier names a package, never rewritten.
    const candidates = imports.filter((imp) => imp.why === undefined && ownModule(imp.spec) && imp.bindings.size > 0);
    const found = await Promise.all(candidates.map((imp) => remote(imp.spec, file, chain)));
    for (const [i, imp] of candidates.entries()) {
      const deferred = found[i];
      if (!deferred || deferred.size === 0) continue;
      for (const [local, exported] of imp.bindings) {
        if (exported === "*") remoteNamespaces.set(local, { imp, names: deferred });
        else if (deferred.has(exported)) remoteBindings.set(local, { imp, exported });
      }
    }
  }
  for (const r of reexports) {
    const spec = (r.source as Node).value as string;
    if (remote && ownModule(spec) && r.exportKind !== "type" && !isNode(r.exported)) {
      // A barrel re-exporting deferred consts re-exports their accessors under its own names.
      const deferred = await remote(spec, file, chain);
      for (const name of deferred ?? []) {
        if (r.type === "ExportAllDeclaration") reexportedDeferred.add(name);
      }
      if (r.type === "ExportNamedDeclaration" && deferred?.size) {
        for (const sp of r.specifiers as Node[]) {
          const local = ((sp.local as Node).name ?? (sp.local as Node).value) as string;
          const exported = ((sp.exported as Node).name ?? (sp.exported as Node).value) as string;
          if (!deferred.has(local)) continue;
          s.overwrite(sp.start, sp.end, `${accessorExport(local)} as ${accessorExport(exported)}`);
          reexportedDeferred.add(exported);
        }
      }
    }
    if (allowlist.match(spec) && r.exportKind !== "type") {
      matchedEntries.add(allowlist.match(spec)!);
      diagnostics.push(
        warning("LAZY_STAYS_EAGER", `The re-export from "${spec}" stays eager: a re-export is evaluated when this module is. Import it where it is used instead.`, {
          loc: loc(r.start),
        }),
      );
    }
  }
  if (selected.length === 0 && !imports.some((i) => i.node.phase === "defer") && remoteBindings.size === 0 && remoteNamespaces.size === 0) {
    return finish();
  }

  // ---- references
  const lazyBindings = new Set<string>();
  for (const imp of selected) for (const local of imp.bindings.keys()) lazyBindings.add(local);
  const scope: InitialiserScope = { lazyBindings, constants, declared };
  // Candidate consts: shaped like a client construction over a lazy import.
  for (const c of [...consts.values()]) {
    const root = initialiserRoot(c.init, scope);
    if (!root) {
      consts.delete(c.name);
      if (c.tag === "lazy") diagnostics.push(notConstruction(c));
      continue;
    }
    if (c.tag === "eager") c.dead = `\`${c.name}\` is marked /* @eager */`;
    // The runtime reads an entry's exports by name: they must stay what they are.
    else if (c.exported && context.entries?.has(file)) c.dead = `\`${c.name}\` is exported from an entry point, where the runtime reads it`;
    const hit = sideEffectIn(c.init, scope);
    if (hit && !c.dead) {
      c.dead = `the initialiser of \`${c.name}\` cannot be moved to first use: \`${code.slice(hit.start, Math.min(hit.end, hit.start + 60))}\` at ${at(hit.start)} may have side effects (only literals, module constants, process.env.X and nested constructions of lazy exports can be deferred)`;
    }
  }
  const tracked = new Set([...lazyBindings, ...consts.keys(), ...remoteBindings.keys(), ...remoteNamespaces.keys()]);
  const refs = tracked.size ? findReferences(program, tracked) : [];
  const refsOf = new Map<string, Reference[]>();
  for (const r of refs) {
    let list = refsOf.get(r.name);
    if (!list) refsOf.set(r.name, (list = []));
    list.push(r);
  }
  for (const c of consts.values()) {
    for (const r of refs) if (r.owner === c.name && lazyBindings.has(r.name)) c.uses.add(r.name);
  }
  // An import whose bindings are never used as values (only as types, or not at all) is left
  // as it is: TypeScript erases it, and a loader would only add the module to the bundle.
  selected = selected.filter((imp) => imp.bindings.size === 0 || [...imp.bindings.keys()].some((l) => (refsOf.get(l) ?? []).length > 0));

  // ---- top-level await of targets (only matters when loaded with require)
  // and whether the bundler leaves them external (then sync mode requires them at run time).
  const tla = new Map<string, boolean>();
  const external = new Map<string, boolean>();
  const targetSpecs = [...new Set(selected.map((i) => i.spec))];
  const [tlaAnswers, externalAnswers] = await Promise.all([
    Promise.all(targetSpecs.map((spec) => context.hasTopLevelAwait?.(spec, file))),
    Promise.all(targetSpecs.map((spec) => context.isExternal?.(spec, file))),
  ]);
  targetSpecs.forEach((spec, i) => {
    tla.set(spec, tlaAnswers[i] === true);
    external.set(spec, externalAnswers[i] === true);
  });
  const asyncAllowed = options.mode === "async" || (options.mode === "auto" && context.splitting);
  const needsAsync = (imp: ImportInfo) => options.mode === "async" || tla.get(imp.spec) === true;

  // ---- fixed point: consts die when used at init or when an import they need stays eager;
  // imports stay eager when referenced at init outside a live const.
  const live = (name: string | undefined) => name !== undefined && consts.has(name) && !consts.get(name)!.dead;
  const asyncConst = (name: string | undefined) => live(name) && consts.get(name!)!.async === true;
  const byBinding = new Map<string, ImportInfo>();
  for (const imp of selected) for (const local of imp.bindings.keys()) byBinding.set(local, imp);
  const computeAsyncConsts = () => {
    // Exported consts are sync: their importers' references are not known here.
    for (const c of consts.values()) c.async = !c.dead && asyncAllowed && !c.exported;
    for (let changed = true; changed; ) {
      changed = false;
      for (const c of consts.values()) {
        if (!c.async) continue;
        const ok = (refsOf.get(c.name) ?? []).every((r) => r.time === "async" || (r.owner !== undefined && asyncConst(r.owner)));
        if (!ok) {
          c.async = false;
          changed = true;
        }
      }
    }
  };
  const initUse = (r: Reference) => r.time === "init" && !live(r.owner);
  for (let changed = true; changed; ) {
    changed = false;
    computeAsyncConsts();
    for (const c of consts.values()) {
      if (c.dead) continue;
      const bad = (refsOf.get(c.name) ?? []).find((r) => initUse(r) || r.role === "export" || r.role === "jsx" || r.inDecorator || r.inExtends);
      if (bad) c.dead = `\`${c.name}\` is used at module init (${at(bad.start)})`;
      for (const u of c.uses) {
        const imp = byBinding.get(u)!;
        if (!c.dead && imp.eager) c.dead = `\`${u}\` from "${imp.spec}" stays eager`;
      }
      if (!c.dead && options.mode === "async" && !c.async) c.dead = `\`${c.name}\` is used outside an async function and mode is "async"`;
      if (c.dead) changed = true;
    }
    for (const imp of selected) {
      if (imp.eager) continue;
      const reason = eagerReason(imp);
      if (reason) {
        imp.eager = reason;
        changed = true;
      }
    }
  }

  function eagerReason(imp: ImportInfo): string | undefined {
    if (imp.bindings.size === 0) return "it is a side-effect-only import: its whole point is what it does when evaluated";
    if (isBuiltin(imp.spec)) return "it is a Node built-in, which the runtime has loaded already";
    // One eager import of the module loads it at init for every import of it.
    const other = imports.find((o) => o !== imp && o.spec === imp.spec && (o.eager !== undefined || o.why === undefined));
    if (other) return `"${imp.spec}" is also imported eagerly at ${at(other.node.start)}`;
    for (const [local, exported] of imp.bindings) {
      for (const r of refsOf.get(local) ?? []) {
        const where = `\`${local}\` at ${at(r.start)}`;
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
          const asyncOk = r.time === "async" || (r.owner !== undefined && asyncConst(r.owner));
          const why = tla.get(imp.spec) ? "its target has top-level await, so it can only be loaded with import()" : 'mode is "async"';
          if (!asyncAllowed) return `${why}, and this build cannot split code (it needs format esm with outdir)`;
          if (!asyncOk) return `${where} is not directly in an async function body, and ${why}`;
        }
      }
    }
    return undefined;
  }

  // ---- modes, grouped per module so one module gets one loader per file
  const groups = new Map<string, ImportInfo[]>();
  for (const imp of selected) {
    if (imp.eager) continue;
    let g = groups.get(imp.spec);
    if (!g) groups.set(imp.spec, (g = []));
    g.push(imp);
  }
  computeAsyncConsts();
  const groupAsync = new Map<string, boolean>();
  for (const [spec, g] of groups) {
    const ok =
      asyncAllowed &&
      g.every((imp) => [...imp.bindings.keys()].every((l) => (refsOf.get(l) ?? []).every((r) => r.time === "async" || (r.owner !== undefined && asyncConst(r.owner)))));
    groupAsync.set(spec, ok);
  }
  // A const built only from sync modules gains nothing from an await: make it sync. Consts
  // that an async module is used in must stay async, and so must consts they use.
  for (const c of consts.values()) {
    if (c.dead || !c.async) continue;
    if ([...c.uses].every((u) => !groupAsync.get(byBinding.get(u)!.spec))) {
      const usedByAsync = (refsOf.get(c.name) ?? []).some((r) => r.owner !== undefined && asyncConst(r.owner) && r.owner !== c.name);
      // Its initialiser awaits another async const: it must stay async itself.
      const usesAsync = refs.some((r) => r.owner === c.name && r.name !== c.name && consts.has(r.name) && asyncConst(r.name));
      if (!usedByAsync && !usesAsync) c.async = false;
    }
  }

  // ---- rewrite
  let needsCjsHelper = false;
  let needsChunkHelper = false;
  let n = 0;
  const accessorOf = new Map<string, string>();
  // The virtual modules must see CommonJS as this file does (see virtualId).
  const nodeEsm = groups.size > 0 && (await isNodeEsm(file));
  for (const [spec, g] of groups) {
    const name = `__slimfn_${n++}`;
    accessorOf.set(spec, name);
    const isAsync = groupAsync.get(spec)!;
    // Only the names used: `export *` would keep every export of the package (no tree-shaking),
    // and a name used only as a type has no value to re-export.
    const used = new Set<string>();
    let everything = false;
    for (const imp of g) {
      for (const [local, exported] of imp.bindings) {
        for (const r of refsOf.get(local) ?? []) {
          if (exported !== "*") used.add(exported);
          else if (r.property) used.add(r.property.name);
          else everything = true;
        }
      }
    }
    // An external target in sync mode: a bundled virtual module would import it statically
    // (hoisted to init in esm output), so require it at run time, seen as `import` sees it.
    if (!isAsync && external.get(spec)) needsCjsHelper = true;
    const virtual = JSON.stringify(virtualId(spec, everything ? ["*"] : [...used], { nodeEsm, async: isAsync }));
    const chunked = !isAsync && !external.get(spec) && context.splitting && context.chunkRequire === true;
    if (chunked) needsChunkHelper = true;
    const load = isAsync
      ? `import(${virtual}).then((m) => (${name}.r = m.${VIRTUAL_EXPORT}))`
      : external.get(spec)
        ? `__slimfn_cjs(require(${JSON.stringify(spec)})${context.format === "cjs" && !nodeEsm ? ", true" : ""})`
        : chunked
          ? `__slimfn_chunk(() => import(${virtual})).${VIRTUAL_EXPORT}`
          : `require(${virtual}).${VIRTUAL_EXPORT}`;
    g.forEach((imp, i) => {
      // The specifier is told to a measuring runner (globalThis.__slimfnLazyLoad) on first load.
      s.overwrite(imp.node.start, imp.node.end, i === 0 ? `function ${name}() { return __slimfn_memo(${name}, () => ${load}, ${JSON.stringify(spec)}); }` : "");
    });
  }
  for (const c of consts.values()) if (!c.dead) constAccessor.set(c.name, c.exported ? accessorExport(c.name) : `__slimfn_${n++}`);
  const misuse = (r: Reference, what: string, spec: string) =>
    diagnostics.push(
      error(
        "LAZY_DEFERRED_EXPORT_USE",
        `${what} at ${at(r.start)} comes from "${spec}", which builds it on first use (slimfn deferred its module-scope initialiser), so it cannot be re-exported or used as a whole namespace value here. Use it by name inside functions, or mark its declaration /* @eager */.`,
        { loc: loc(r.start) },
      ),
    );
  const expr = (acc: string, isAsync: boolean) => (isAsync ? `(${acc}.r ?? await ${acc}())` : `${acc}()`);
  const replace = (r: Reference, value: string) => {
    if (r.role === "callee") s.overwrite(r.start, r.end, `(0, ${value})`);
    else if (r.role === "shorthand") s.overwrite(r.start, r.end, `${r.name}: (${value})`);
    else s.overwrite(r.start, r.end, `(${value})`);
  };
  for (const r of refs) {
    const imp = byBinding.get(r.name);
    if (imp && !imp.eager) {
      const acc = accessorOf.get(imp.spec)!;
      replace(r, access(expr(acc, groupAsync.get(imp.spec)!), imp.bindings.get(r.name)!));
      continue;
    }
    const cAcc = constAccessor.get(r.name);
    if (cAcc) {
      replace(r, expr(cAcc, consts.get(r.name)!.async === true));
      continue;
    }
    const rb = remoteBindings.get(r.name);
    if (rb) {
      if (r.role === "export" || r.role === "jsx" || r.inDecorator) misuse(r, `\`${r.name}\``, rb.imp.spec);
      else replace(r, `${r.name}()`);
      continue;
    }
    const rn = remoteNamespaces.get(r.name);
    if (rn) {
      if (r.property && rn.names.has(r.property.name)) s.overwrite(r.start, r.property.end, `(${r.name}.${accessorExport(r.property.name)}())`);
      else if (r.role !== "member-object" || !r.property) misuse(r, `the namespace \`${r.name}\``, rn.imp.spec);
    }
  }
  for (const [local, { imp, exported }] of remoteBindings) {
    const sp = (imp.node.specifiers as Node[]).find((x) => (x.local as Node).name === local)!;
    s.overwrite(sp.start, sp.end, `${accessorExport(exported)} as ${local}`);
  }
  for (const c of consts.values()) {
    if (c.dead) continue;
    const acc = constAccessor.get(c.name)!;
    const init = c.init;
    s.overwrite(c.node.start, init.start, `${c.exported ? "export " : ""}function ${acc}() { return __slimfn_memo(${acc}, ${c.async ? `async () => (${acc}.r = ` : "() => ("}`);
    if (init.end < c.node.end) s.overwrite(init.end, c.node.end, "));}");
    else s.appendLeft(init.end, "));}");
  }
  // `import defer` that stays eager: drop `defer`, which bundlers refuse or ignore.
  for (const imp of imports) {
    if (imp.node.phase !== "defer" || (!imp.eager && imp.why)) continue;
    const m = /^import\s+defer\s+/.exec(code.slice(imp.node.start, imp.node.end));
    if (m) s.overwrite(imp.node.start, imp.node.start + m[0].length, "import ");
  }
  if (needsChunkHelper) {
    // The bundler gives the `import()` its own chunk and writes that chunk's path into the
    // arrow function; loading it with `require` is synchronous (Node >= 22.12 requires ES
    // modules) and evaluates it once, like the import() would.
    s.prepend('import { createRequire as __slimfn_createRequire } from "node:module";\n');
    s.append(
      '\nfunction __slimfn_chunk(load) { const m = /import\\(\\s*(["\'`])(.+?)\\1\\s*\\)/.exec(String(load)); if (!m) throw new Error("slimfn: no chunk path in " + String(load)); return __slimfn_createRequire(import.meta.url)(m[2]); }\n',
    );
  }
  if (needsCjsHelper) {
    // Node's `import` of CommonJS: `default` is module.exports, names are its properties;
    // require() of an ES module (Node >= 20.19) already returns the namespace. `babel`: the
    // bundler's own interop in cjs output, where `__esModule` makes `default` exports.default.
    s.append(
      '\nfunction __slimfn_cjs(m, babel) { if (m && m[Symbol.toStringTag] === "Module") return m; if (babel && m && m.__esModule) return m; if ((typeof m !== "object" && typeof m !== "function") || m === null) return { default: m }; const ns = Object.create(m); Object.defineProperty(ns, "default", { value: m }); return ns; }\n',
    );
  }
  if (groups.size > 0 || constAccessor.size > 0) {
    s.append(
      "\nfunction __slimfn_memo(cell, load, spec) { if (cell.ok) return cell.v; if (cell.failed) throw cell.v; if (spec) globalThis.__slimfnLazyLoad?.(spec); try { cell.v = load(); cell.ok = true; return cell.v; } catch (error) { cell.v = error; cell.failed = true; throw error; } }\n",
    );
  }

  // ---- decisions and diagnostics
  for (const imp of selected) {
    const l = loc(imp.node.start);
    const deferred = [...consts.values()].filter((c) => !c.dead && [...c.uses].some((u) => imp.bindings.has(u))).map((c) => c.name);
    const d: LazyDecision = {
      module: imp.spec,
      mode: imp.eager ? "eager" : groupAsync.get(imp.spec) ? "async" : "sync",
      importer: rel,
      line: l.line,
      column: l.column,
      why: imp.why!,
      deferred,
    };
    if (imp.entry) d.entry = imp.entry;
    if (imp.eager) d.reason = imp.eager;
    decisions.push(d);
    if (imp.eager) {
      const names = [...imp.bindings.keys()].join(", ");
      diagnostics.push(
        warning(
          "LAZY_STAYS_EAGER",
          `The import of "${imp.spec}"${names ? ` (${names})` : ""} stays eager: ${imp.eager}. Move the use into a function, or mark the import /* @eager */ to silence this.`,
          { loc: l },
        ),
      );
    }
  }
  for (const c of consts.values()) {
    if (c.dead && c.tag === "lazy") {
      diagnostics.push(warning("LAZY_STAYS_EAGER", `\`${c.name}\` is marked /* @lazy */ but cannot be deferred: ${c.dead}.`, { loc: loc(c.node.start) }));
    }
  }
  return finish();

  function finish(): LazyTransformResult | undefined {
    const changed = s.hasChanged();
    if (!changed && diagnostics.length === 0 && matchedEntries.size === 0 && reexportedDeferred.size === 0) return undefined;
    const out = s;
    return {
      code: out.toString(),
      map: out.generateMap({ hires: true, source: path.basename(file), includeContent: true }),
      decisions,
      diagnostics,
      matchedEntries: [...matchedEntries].sort(),
      deferredExports: [...new Set([...reexportedDeferred, ...[...consts.values()].filter((c) => c.exported && !c.dead && constAccessor.has(c.name)).map((c) => c.name)])].sort(),
    };
  }
}

/**
 * The exported consts of a module that slimfn defers (importers use `<name>$slimfn()`), with
 * those it re-exports from other modules. Runs the module's own analysis, which never looks at
 * what its imports export, so the module and all its importers reach the same answer. `chain`
 * holds the modules whose analysis is under way: a re-export cycle ends there. Only finished
 * answers are cached (in the build's `exportCache`), so concurrent analyses never wait on each other.
 */
export async function deferredExports(
  code: string,
  file: string,
  options: ResolvedLazyOptions,
  context: LazyTransformContext,
  chain: readonly string[] = [],
): Promise<ReadonlySet<string>> {
  if (chain.includes(file)) return new Set();
  const cache = context.exportCache;
  const hit = cache?.get(file);
  if (hit && hit.code === code) return hit.names;
  const result = await transformLazy(code, file, options, { ...context, analysisChain: chain });
  const names: ReadonlySet<string> = new Set(result?.deferredExports ?? []);
  cache?.set(file, { code, names });
  return names;
}
