/**
 * The rewrite (magic-string, so the source map stays true to the user's lines): each deferred
 * module's imports become one memoised loader function, each use of a deferred binding a call
 * of it, each deferred const an accessor; imports of the project's deferred consts go through
 * their accessors; `defer` is dropped from an `import defer` that stays eager.
 */
import MagicString from "magic-string";
import type { Analysis, Loader } from "./analysis.js";
import type { ProjectAnswers } from "./answers.js";
import type { Inventory, Uses } from "./inventory.js";
import type { Node, Reference } from "./scope.js";
import type { Selection } from "./selection.js";
import type { LazyTransformContext } from "./types.js";
import { VIRTUAL_EXPORT, virtualId } from "./virtual.js";

/** The name an exported deferred const's accessor is exported under. */
export const accessorExport = (name: string) => `${name}$slimfn`;

const IDENT = /^[A-Za-z_$][\w$]*$/;
const access = (base: string, name: string) =>
  name === "*" ? base : IDENT.test(name) ? `${base}.${name}` : `${base}[${JSON.stringify(name)}]`;
const expr = (acc: string, isAsync: boolean) => (isAsync ? `(${acc}.r ?? await ${acc}())` : `${acc}()`);

export interface RewriteInput {
  inv: Inventory;
  sel: Selection;
  project: ProjectAnswers;
  /** Undefined when nothing needed analysing: only barrel re-exports are rewritten. */
  analysis?: { verdicts: Analysis; uses: Uses };
  /** The file is an ES module in Node's sense (module-type.ts): virtual modules read CommonJS as it does. */
  nodeEsm: boolean;
  format: LazyTransformContext["format"];
}

export interface Rewritten {
  out: MagicString;
  /** Exported consts deferred here or re-exported from modules that defer them. */
  deferredExports: string[];
}

export function rewrite({ inv, sel, project, analysis: analysed, nodeEsm, format }: RewriteInput): Rewritten {
  const s = new MagicString(inv.code);
  const exported = new Set<string>();
  // A barrel re-exporting deferred consts re-exports their accessors under its own names.
  for (const [r, deferred] of project.reexports) {
    if (r.type === "ExportAllDeclaration") {
      for (const name of deferred) exported.add(name);
      continue;
    }
    for (const sp of r.specifiers as Node[]) {
      const local = ((sp.local as Node).name ?? (sp.local as Node).value) as string;
      const name = ((sp.exported as Node).name ?? (sp.exported as Node).value) as string;
      if (!deferred.has(local)) continue;
      s.overwrite(sp.start, sp.end, `${accessorExport(local)} as ${accessorExport(name)}`);
      exported.add(name);
    }
  }
  if (!analysed) return { out: s, deferredExports: [...exported].sort() };
  const { verdicts: analysis, uses } = analysed;

  let n = 0;
  const accessorOf = new Map<Loader, string>();
  let needsCjsHelper = false;
  let needsChunkHelper = false;
  for (const loader of analysis.loaders) {
    const name = `__slimfn_${n++}`;
    accessorOf.set(loader, name);
    const { spec } = loader;
    const virtual = () => JSON.stringify(virtualId(spec, loader.names, { nodeEsm, async: loader.load === "async" }));
    let load: string;
    if (loader.load === "async") load = `import(${virtual()}).then((m) => (${name}.r = m.${VIRTUAL_EXPORT}))`;
    else if (loader.load === "external") {
      // Required at run time, seen as `import` sees it (see __slimfn_cjs below).
      needsCjsHelper = true;
      load = `__slimfn_cjs(require(${JSON.stringify(spec)})${format === "cjs" && !nodeEsm ? ", true" : ""})`;
    } else if (loader.load === "chunk") {
      needsChunkHelper = true;
      load = `__slimfn_chunk(() => import(${virtual()})).${VIRTUAL_EXPORT}`;
    } else load = `require(${virtual()}).${VIRTUAL_EXPORT}`;
    loader.imports.forEach((imp, i) => {
      // The specifier is told to a measuring runner (globalThis.__slimfnLazyLoad) on first load.
      s.overwrite(imp.node.start, imp.node.end, i === 0 ? `function ${name}() { return __slimfn_memo(${name}, () => ${load}, ${JSON.stringify(spec)}); }` : "");
    });
  }
  const live = analysis.consts.filter((c) => c.dead === undefined);
  const constAccessor = new Map<string, { acc: string; async: boolean }>();
  for (const { c, async } of live) constAccessor.set(c.name, { acc: c.exported ? accessorExport(c.name) : `__slimfn_${n++}`, async });
  const replace = (r: Reference, value: string) => {
    if (r.role === "callee") s.overwrite(r.start, r.end, `(0, ${value})`);
    else if (r.role === "shorthand") s.overwrite(r.start, r.end, `${r.name}: (${value})`);
    else s.overwrite(r.start, r.end, `(${value})`);
  };
  const misused = new Set(analysis.misuses.map((m) => m.ref));
  for (const r of uses.refs) {
    const b = analysis.deferredBindings.get(r.name);
    if (b) {
      replace(r, access(expr(accessorOf.get(b.loader)!, b.loader.load === "async"), b.exported));
      continue;
    }
    const c = constAccessor.get(r.name);
    if (c) {
      replace(r, expr(c.acc, c.async));
      continue;
    }
    if (project.bindings.has(r.name)) {
      if (!misused.has(r)) replace(r, `${r.name}()`);
      continue;
    }
    const rn = project.namespaces.get(r.name);
    if (rn && r.property && rn.names.has(r.property.name)) s.overwrite(r.start, r.property.end, `(${r.name}.${accessorExport(r.property.name)}())`);
  }
  for (const [local, { imp, exported: name }] of project.bindings) {
    const sp = (imp.node.specifiers as Node[]).find((x) => (x.local as Node).name === local)!;
    s.overwrite(sp.start, sp.end, `${accessorExport(name)} as ${local}`);
  }
  for (const { c, async } of live) {
    const { acc } = constAccessor.get(c.name)!;
    const init = c.init;
    s.overwrite(c.node.start, init.start, `${c.exported ? "export " : ""}function ${acc}() { return __slimfn_memo(${acc}, ${async ? `async () => (${acc}.r = ` : "() => ("}`);
    if (init.end < c.node.end) s.overwrite(init.end, c.node.end, "));}");
    else s.appendLeft(init.end, "));}");
    if (c.exported) exported.add(c.name);
  }
  // `import defer` that stays eager: drop `defer`, which bundlers refuse or ignore. One whose
  // namespace is never read has no loader: under the proposal its module is never evaluated, so
  // the statement goes (left in place, esbuild refused the whole build).
  const eager = new Set(analysis.imports.filter((v) => v.mode === "eager").map((v) => v.imp));
  const loaded = new Set(analysis.loaders.flatMap((l) => l.imports));
  for (const imp of inv.imports) {
    if (!imp.defer) continue;
    if (sel.why.has(imp) && !eager.has(imp)) {
      if (!loaded.has(imp)) s.remove(imp.node.start, imp.node.end);
      continue;
    }
    const m = /^import\s+defer\s+/.exec(inv.code.slice(imp.node.start, imp.node.end));
    if (m) s.overwrite(imp.node.start, imp.node.start + m[0].length, "import ");
  }
  if (needsChunkHelper) {
    // The bundler gives the `import()` its own chunk and writes that chunk's path into the
    // arrow function; loading it with `require` is synchronous (Node >= 22.12 requires ES
    // modules) and evaluates it once, like the import() would.
    // A `.cts`/`.cjs` file is a CommonJS module to rollup's and Rolldown's parsers, which refuse
    // import.meta there; its `__filename` names the same output chunk once bundled (slimfn
    // rewrites free `__filename` in ES output, esm-globals.ts).
    const here = /\.c[jt]s$/.test(inv.file) ? "__filename" : "import.meta.url";
    s.prepend('import { createRequire as __slimfn_createRequire } from "node:module";\n');
    s.append(
      `\nfunction __slimfn_chunk(load) { const m = /import\\(\\s*(["'\`])(.+?)\\1\\s*\\)/.exec(String(load)); if (!m) throw new Error("slimfn: no chunk path in " + String(load)); return __slimfn_createRequire(${here})(m[2]); }\n`,
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
  if (analysis.loaders.length > 0 || constAccessor.size > 0) {
    s.append(
      "\nfunction __slimfn_memo(cell, load, spec) { if (cell.ok) return cell.v; if (cell.failed) throw cell.v; if (spec) globalThis.__slimfnLazyLoad?.(spec); try { cell.v = load(); cell.ok = true; return cell.v; } catch (error) { cell.v = error; cell.failed = true; throw error; } }\n",
    );
  }
  return { out: s, deferredExports: [...exported].sort() };
}
