/**
 * The lazy-import transform of one source file, bundler-neutral:
 * `transformLazy(code, file, options, context)` -> rewritten code + source map + decisions +
 * diagnostics, or undefined when the file has nothing to defer.
 *
 * Cheapest work first: a text test, then the parts, each in its own file:
 *   inventory (oxc-parser: what the module declares and where names are used) ->
 *   selection (the candidates: allowlist, annotations, `import defer`, clients) ->
 *   answers (the async questions about other modules, asked before the analysis) ->
 *   analysis (pure: what can be deferred, and how it loads) ->
 *   rewrite (magic-string) and decisions (records and diagnostics).
 */
import path from "node:path";
import MagicString from "magic-string";
import { analyse, trackedNames, usedImports } from "./analysis.js";
import { askAboutTargets, askProjectModules, type ProjectAnswers } from "./answers.js";
import { parseError, record } from "./decisions.js";
import { compileAllowlist, type Allowlist } from "./glob.js";
import { takeInventory, usesOf, type Inventory } from "./inventory.js";
import { moduleTypeReader } from "./module-type.js";
import { rewrite } from "./rewrite.js";
import { select, type Selection } from "./selection.js";
import type { LazyTransformContext, LazyTransformResult, ResolvedLazyOptions } from "./types.js";

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

/** A static import of a path (`from "./x"`, `from "../x"`, `from "/x"`, `from "#x"`). */
const LOCAL_IMPORT = /\bfrom\s*["'][./#]/;

export async function transformLazy(
  code: string,
  file: string,
  options: ResolvedLazyOptions,
  context: LazyTransformContext,
): Promise<LazyTransformResult | undefined> {
  const allowlist = allowlistOf(options);
  const remote = context.deferredExportsOf;
  const aliases = context.aliases ?? [];
  const importsOwn = () => LOCAL_IMPORT.test(code) || aliases.some((a) => code.includes(`"${a}`) || code.includes(`'${a}`));
  // A file that mentions nothing lazy is parsed only to rewire imports of the project's modules
  // that export deferred consts; the cheap look-ahead says whether any import may.
  if (!mayNeedLazy(code, allowlist) && !(remote && importsOwn() && (await (context.importsDeferred?.(code, file) ?? true)))) return undefined;

  const inv = takeInventory(code, file, context.root);
  if ("unparsed" in inv) {
    const { rel, message, loc } = inv.unparsed;
    return { code, map: new MagicString(code).generateMap({ hires: true }), decisions: [], diagnostics: [parseError(rel, message, loc)], matchedEntries: [], deferredExports: [] };
  }
  const sel = select(inv, allowlist);
  const project = await askProjectModules(inv, context);
  const analysed = needsAnalysis(inv, sel, project) ? await analyseWithAnswers(inv, sel, project, options, context) : undefined;
  // The virtual modules must see CommonJS as this file does (see virtualId).
  const nodeEsm = analysed !== undefined && analysed.verdicts.loaders.length > 0 && (await (context.isNodeEsm ?? moduleTypeReader())(file));
  const { out, deferredExports: exported } = rewrite({ inv, sel, project, analysis: analysed, nodeEsm, format: context.format });
  const { decisions, diagnostics } = record(inv, sel, analysed?.verdicts);
  if (!out.hasChanged() && diagnostics.length === 0 && sel.matchedEntries.size === 0 && exported.length === 0) return undefined;
  return {
    code: out.toString(),
    map: out.generateMap({ hires: true, source: path.basename(file), includeContent: true }),
    decisions,
    diagnostics,
    matchedEntries: [...sel.matchedEntries].sort(),
    deferredExports: exported,
  };
}

/**
 * Nothing chosen, no `import defer` to rewrite, no project module's deferred const imported:
 * then only barrel re-exports can change, and no reference needs finding.
 */
const needsAnalysis = (inv: Inventory, sel: Selection, project: ProjectAnswers) =>
  sel.chosen.length > 0 || inv.imports.some((i) => i.defer) || project.bindings.size > 0 || project.namespaces.size > 0;

/** Where the chosen names are used, then the answers about the used imports' targets, then the pure analysis. */
async function analyseWithAnswers(inv: Inventory, sel: Selection, project: ProjectAnswers, options: ResolvedLazyOptions, context: LazyTransformContext) {
  const uses = usesOf(inv, trackedNames(sel, project));
  const targets = await askAboutTargets([...new Set(usedImports(sel, uses).map((i) => i.spec))], inv.file, context);
  const build = { mode: options.mode, splitting: context.splitting, chunkRequire: context.chunkRequire === true, entry: context.entries?.has(inv.file) === true };
  return { verdicts: analyse(inv, sel, uses, project, targets, build), uses };
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
