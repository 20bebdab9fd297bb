/**
 * The esbuild hooks of lazy imports: hook mapping only, every decision is in src/lazy/.
 *
 * - `onLoad` over the project's own source files. Its filter is built so files under a
 *   `node_modules` segment never reach JavaScript (esbuild's filter is a Go regex without
 *   lookahead, so "a segment other than node_modules" is spelled out). Then a cheap text test,
 *   only then the parser. esbuild has no transform chain, so the returned contents keep the
 *   loader the user's `loader` option gives the extension, and the file's own folder.
 * - `onResolve`/`onLoad` in the `slimfn-lazy` namespace for the virtual modules sync mode requires.
 * - After the build: the metafile says whether laziness held.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { BuildOptions, Loader, Metafile, PartialMessage, PluginBuild, ResolveResult } from "esbuild";
import { addDecoratorMetadata, TsconfigCache } from "../src/decorators.js";
import type { Diagnostic } from "../src/diagnostics.js";
import { aliasPrefixes, parseJsonc, tsconfigAliases } from "../src/lazy/aliases.js";
import { checkRequiredChunks } from "../src/lazy/chunk-tla.js";
import { verdicts } from "../src/cache/verdicts.js";
import type { ResolvedOptions } from "../src/options.js";
import { checkLaziness, type EdgeKind, type ModuleGraph } from "../src/lazy/graph.js";
import { originBody, withLocalResolve, type OriginIO } from "../src/lazy/origins.js";
import { fileHasTopLevelAwait } from "../src/lazy/tla.js";
import { allowlistOf, deferredExports, mayNeedLazy, transformLazy } from "../src/lazy/transform.js";
import type { LazyDecision, ResolvedLazyOptions } from "../src/lazy/types.js";
import { unmatchedEntries } from "../src/lazy/unmatched.js";
import { workspaceRoot } from "../src/lazy/workspace.js";
import { parseVirtualId, virtualBody, VIRTUAL_PREFIX } from "../src/lazy/virtual.js";

const NAMESPACE = "slimfn-lazy";
const EXTENSIONS = ["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];
const DEFAULT_LOADERS: Record<string, Loader> = { ts: "ts", mts: "ts", cts: "ts", tsx: "tsx", js: "js", mjs: "js", cjs: "js", jsx: "jsx" };

/** Entry points as written in esbuild's `entryPoints` (array, `{ in, out }` items or object). */
export function entryPaths(entryPoints: BuildOptions["entryPoints"]): string[] {
  if (!entryPoints) return [];
  if (Array.isArray(entryPoints)) return entryPoints.map((e) => (typeof e === "string" ? e : e.in));
  return Object.values(entryPoints);
}

/** Escape text for a regex (esbuild filters are Go regexes; the syntax escaped here is shared). */
export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A Go-regex path segment that is anything but `node_modules`. */
function notNodeModulesSegment(): string {
  const word = "node_modules";
  const any = "[^/]";
  const alternatives = [`${any}{1,${word.length - 1}}`, `${any}{${word.length + 1},}`];
  for (let i = 0; i < word.length; i++) {
    alternatives.push(`${any}{${i}}[^/${escapeRegex(word[i]!)}]${any}{${word.length - 1 - i}}`);
  }
  return `(?:${alternatives.join("|")})`;
}

/** Source files under `root`, never under a `node_modules` segment. */
export function sourceFilter(root: string): RegExp {
  const base = escapeRegex(root.split(path.sep).join("/").replace(/\/$/, ""));
  return new RegExp(`^${base}/(?:${notNodeModulesSegment()}/)*[^/]+\\.(?:${EXTENSIONS.join("|")})$`);
}

const exists = (file: string) => fs.stat(file).then((s) => s.isFile(), () => false);

/**
 * esbuild's resolution of a relative import, done in JavaScript: the file itself, its
 * TypeScript twin (`./x.js` -> `./x.ts`), the path with each resolve extension, or a folder's
 * index. Spares a round trip to esbuild on the importing file's critical path; anything else
 * (or nothing found) goes to `build.resolve`.
 */
async function resolveRelativeWith(extensions: readonly string[], specifier: string, resolveDir: string): Promise<string | undefined> {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const base = path.resolve(resolveDir, specifier);
  const twins: Record<string, string[]> = { ".js": [".ts", ".tsx"], ".jsx": [".ts", ".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };
  const ext = path.extname(base);
  const candidates = [base, ...(twins[ext] ?? []).map((t) => base.slice(0, -ext.length) + t), ...extensions.map((e) => base + e), ...extensions.map((e) => path.join(base, `index${e}`))];
  for (const c of candidates) if (await exists(c)) return c;
  return undefined;
}

export interface LazyHooks {
  /** Decisions of the last build, sorted by importer, line and module. */
  decisions(): LazyDecision[];
  /** Check the metafile after a build: LAZY_STILL_EAGER and LAZY_UNMATCHED warnings. */
  afterBuild(metafile: Metafile, outputs: readonly { path: string; text: string }[]): Diagnostic[];
}

export function setupLazy(
  build: PluginBuild,
  lazy: ResolvedLazyOptions,
  root: string,
  toMessage: (d: Diagnostic) => PartialMessage,
  nodeMajor = 20,
  cache: ResolvedOptions["cache"] = false,
): LazyHooks {
  const initial = build.initialOptions;
  const splitting = initial.format === "esm" && initial.outdir !== undefined && initial.splitting === true;
  // Node 22.12+ loads ES modules with require(): sync loads can then use their own chunk.
  const chunkRequire = nodeMajor >= 22;
  const allowlist = allowlistOf(lazy);
  let decisions: LazyDecision[] = [];
  let matched = new Set<string>();
  const entries = new Set(entryPaths(initial.entryPoints).map((e) => path.resolve(initial.absWorkingDir ?? root, e)));

  // Files slimfn's parser could not read. A file esbuild cannot parse either fails the build
  // with esbuild's own error, which says it all; only a file esbuild did bundle gets
  // LAZY_PARSE_ERROR (its imports stayed eager), after the build.
  let unparsed: Diagnostic[] = [];
  // tsconfig `paths` aliases name the project's own modules (esbuild's tsconfig, else the root's).
  let aliases: readonly string[] = [];
  build.onStart(async () => {
    decisions = [];
    matched = new Set();
    unparsed = [];
    const raw = initial.tsconfigRaw;
    const paths = typeof raw === "string" ? (parseJsonc(raw) as { compilerOptions?: { paths?: Record<string, unknown> } }).compilerOptions?.paths : raw?.compilerOptions?.paths;
    aliases = paths ? aliasPrefixes(paths) : await tsconfigAliases(path.resolve(initial.absWorkingDir ?? root, initial.tsconfig ?? "tsconfig.json"));
  });

  const targets = new Map<string, Promise<ResolveResult | undefined>>();
  build.onStart(() => targets.clear());
  const resolveTarget = (specifier: string, file: string) => {
    const resolveDir = path.dirname(file);
    const key = `${resolveDir}\n${specifier}`;
    let hit = targets.get(key);
    if (!hit) {
      hit = build.resolve(specifier, { kind: "import-statement", resolveDir }).then(
        (r) => (r.errors.length ? undefined : r),
        () => undefined,
      );
      targets.set(key, hit);
    }
    return hit;
  };
  const hasTopLevelAwait = async (specifier: string, file: string) => {
    const r = await resolveTarget(specifier, file);
    return !r || r.external || r.namespace !== "file" ? undefined : fileHasTopLevelAwait(r.path);
  };
  const isExternal = async (specifier: string, file: string) => (await resolveTarget(specifier, file))?.external === true;

  // The project's files and its workspace siblings' (never anything under node_modules).
  const filter = sourceFilter(workspaceRoot(root));
  const resolved = new Map<string, Promise<string | undefined>>();
  const extensions = initial.resolveExtensions ?? [".tsx", ".ts", ".jsx", ".js", ".css", ".json"];
  const resolveRelative = (specifier: string, resolveDir: string) => resolveRelativeWith(extensions, specifier, resolveDir);
  build.onStart(() => resolved.clear());
  /** Deferred exported consts of the project module `specifier` resolves to from `file`. */
  const deferredExportsOf = async (specifier: string, file: string, chain: readonly string[]) => {
    const resolveDir = path.dirname(file);
    const key = `${resolveDir}\n${specifier}`;
    let target = resolved.get(key);
    if (!target) {
      target = resolveRelative(specifier, resolveDir).then(
        (local) =>
          local ??
          build.resolve(specifier, { kind: "import-statement", resolveDir }).then((r) =>
            r.errors.length || r.external || r.namespace !== "file" ? undefined : r.path,
          ),
      ).then((p) => (p !== undefined && filter.test(p) ? p : undefined));
      resolved.set(key, target);
    }
    const found = await target;
    if (!found) return undefined;
    const code = await fs.readFile(found, "utf8");
    return deferredExports(code, found, lazy, { root, splitting, chunkRequire, hasTopLevelAwait, isExternal, deferredExportsOf, entries, aliases, format: initial.format }, chain);
  };

  // Decorator metadata first: the lazy rewrite then sees what the metadata uses at init.
  let tsconfigs = new TsconfigCache(root);
  build.onStart(() => {
    tsconfigs = new TsconfigCache(root);
  });

  build.onLoad({ filter }, async (args) => {
    if (args.namespace !== "file") return undefined;
    const source = await fs.readFile(args.path, "utf8");
    const metadata = addDecoratorMetadata(source, args.path, tsconfigs, root);
    if (metadata.diagnostics.length) return { errors: metadata.diagnostics.map(toMessage) };
    const code = metadata.output?.code ?? source;
    const ext = path.extname(args.path);
    const loader = initial.loader?.[ext] ?? DEFAULT_LOADERS[ext.slice(1)] ?? "js";
    const inline = (text: string, map: string) => ({
      contents: `${text}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString("base64")}\n`,
      loader,
      resolveDir: path.dirname(args.path),
    });
    const result = await transformLazy(code, args.path, lazy, { root, splitting, chunkRequire, hasTopLevelAwait, isExternal, deferredExportsOf, entries, aliases, format: initial.format });
    if (!result) return metadata.output ? inline(code, metadata.output.map) : undefined;
    decisions.push(...result.decisions);
    for (const e of result.matchedEntries) matched.add(e);
    unparsed.push(...result.diagnostics.filter((d) => d.code === "LAZY_PARSE_ERROR"));
    const warnings = result.diagnostics.filter((d) => d.severity !== "error" && d.code !== "LAZY_PARSE_ERROR").map(toMessage);
    const errors = result.diagnostics.filter((d) => d.severity === "error").map(toMessage);
    if (errors.length) return { errors, warnings };
    if (result.code === code) return metadata.output ? { ...inline(code, metadata.output.map), warnings } : warnings.length ? { warnings } : undefined;
    // Metadata only inserts text on the decorated lines, so the lazy rewrite's map stays true
    // to the user's lines.
    return { ...inline(result.code, result.map.toString()), warnings };
  });

  build.onResolve({ filter: new RegExp(`^${escapeRegex(VIRTUAL_PREFIX).replace("\0", "\\x00")}`) }, (args) => {
    const v = parseVirtualId(args.path)!;
    // Relative targets are resolved from the importer; bare ones share one virtual module.
    const target = v.specifier.startsWith(".") ? path.resolve(args.resolveDir, v.specifier) : v.specifier;
    // The names ride in the suffix: chunks are named after the package, not the list. The
    // extension gives the module the importer's CommonJS interop (esbuild reads it from there).
    const stem = target.replace(/\.[cm]?[jt]sx?$/, "");
    return {
      path: `${stem}${v.nodeEsm ? ".mjs" : ".js"}`,
      suffix: `?${v.async ? "async:" : ""}${v.names.join(",")}`,
      namespace: NAMESPACE,
      pluginData: { resolveDir: args.resolveDir, specifier: target, names: v.names, required: args.kind === "require-call" },
    };
  });

  const originIO: OriginIO = withLocalResolve({
    resolve: (specifier, fromFile) =>
      build.resolve(specifier, { kind: "import-statement", resolveDir: path.dirname(fromFile) }).then(
        (r) => (r.errors.length || r.external || r.namespace !== "file" ? undefined : r.path),
        () => undefined,
      ),
  });
  build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
    const data = args.pluginData as { resolveDir: string; specifier: string; names: string[]; required: boolean };
    // Only a required virtual module is wrapped (and loses tree-shaking); one loaded as its own
    // chunk with import() is tree-shaken as usual, so finding origins would only cost time.
    const contents = data.names.includes("*") || !data.required
      ? virtualBody(data.specifier, data.names)
      : await originBody(data.specifier, data.names, path.join(data.resolveDir, "importer"), originIO);
    return { contents, loader: "js", resolveDir: data.resolveDir };
  });

  return {
    decisions: () =>
      [...decisions].sort((a, b) => a.importer.localeCompare(b.importer) || a.line - b.line || a.module.localeCompare(b.module)),
    afterBuild(metafile, outputs) {
      const graph = toGraph(metafile);
      const out = checkLaziness(graph, decisions);
      if (chunkRequire && splitting) {
        const text = new Map(outputs.map((o) => [path.relative(root, o.path).split(path.sep).join("/"), o.text]));
        const chunks = Object.entries(metafile.outputs)
          .filter(([file]) => /\.[cm]?js$/.test(file))
          .map(([file, o]) => ({
            file,
            ...(o.entryPoint !== undefined ? { entryPoint: o.entryPoint } : {}),
            imports: o.imports.filter((i) => i.kind === "import-statement" && !i.external).map((i) => i.path),
            code: text.get(file) ?? "",
          }));
        out.push(...checkRequiredChunks(chunks, verdicts(cache)));
      }
      out.push(...unmatchedEntries(lazy.modules, matched));
      out.push(...unparsed);
      return out;
    },
  };
}

/** The neutral module graph of an esbuild metafile. */
function toGraph(metafile: Metafile): ModuleGraph {
  const bytes = new Map<string, number>();
  for (const out of Object.values(metafile.outputs)) {
    // A module's bytes in one function's bundle: without splitting, every entry's output holds
    // its own copy, and summing them counted a package once per function (issue 15).
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) bytes.set(input, Math.max(bytes.get(input) ?? 0, bytesInOutput));
  }
  const virtual = new Map<string, string>();
  const modules: ModuleGraph["modules"] = new Map();
  for (const [id, input] of Object.entries(metafile.inputs)) {
    const imports = input.imports
      .filter((i) => !i.external)
      .map((i) => {
        const v = i.original !== undefined ? parseVirtualId(i.original) : undefined;
        if (v) virtual.set(i.path, v.specifier);
        const kind: EdgeKind = v ? "lazy" : i.kind === "dynamic-import" ? "dynamic" : i.kind === "require-call" ? "require" : "static";
        return i.original !== undefined ? { path: i.path, kind, original: i.original } : { path: i.path, kind };
      });
    modules.set(id, { bytes: bytes.get(id) ?? 0, imports });
  }
  const entries = Object.values(metafile.outputs).flatMap((o) => (o.entryPoint && !isImportTarget(metafile, o.entryPoint) ? [o.entryPoint] : []));
  return { modules, entries, virtual };
}

/** esbuild gives `import()` targets an `entryPoint` too; those are not the user's entries. */
function isImportTarget(metafile: Metafile, input: string): boolean {
  return Object.values(metafile.inputs).some((i) => i.imports.some((imp) => imp.kind === "dynamic-import" && imp.path === input));
}
