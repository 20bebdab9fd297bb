/**
 * The esbuild hooks of lazy imports: hook mapping only, every decision is in the session.
 *
 * - `onLoad` over the project's own source files that may need the transform, with the filter
 *   the session fixes at setup (exact paths; every source file when its scan cannot know; files
 *   under a `node_modules` segment never reach JavaScript). esbuild has no transform chain, so the
 *   returned contents keep the loader the user's `loader` option gives the extension, and the
 *   file's own folder.
 * - `onResolve`/`onLoad` in the `slimfn-lazy` namespace for the virtual modules sync mode requires.
 */
import path from "node:path";
import type { BuildOptions, Loader, PartialMessage, PluginBuild } from "esbuild";
import type { Diagnostic } from "../src/diagnostics.js";
import { VIRTUAL_PREFIX, virtualExtension } from "../src/lazy/virtual.js";
import type { BuildSession, VirtualModule } from "../src/session.js";
import { escapeRegex } from "../src/source-filter.js";

const NAMESPACE = "slimfn-lazy";
const DEFAULT_LOADERS: Record<string, Loader> = { ts: "ts", mts: "ts", cts: "ts", tsx: "tsx", js: "js", mjs: "js", cjs: "js", jsx: "jsx" };

export async function setupLazy(build: PluginBuild, session: BuildSession, toMessage: (d: Diagnostic) => PartialMessage): Promise<void> {
  const initial = build.initialOptions;
  // Only the files the session's scan says may need the transform reach JavaScript.
  build.onLoad({ filter: await session.fixSourceFilter(scanDoubt(initial)) }, async (args) => {
    if (args.namespace !== "file") return undefined;
    const code = await session.readSource(args.path);
    const result = await session.transform(code, args.path);
    if (!result) return undefined;
    const warnings = result.diagnostics.filter((d) => d.severity !== "error").map(toMessage);
    const errors = result.diagnostics.filter((d) => d.severity === "error").map(toMessage);
    if (errors.length) return { errors, warnings };
    if (result.code === undefined) return warnings.length ? { warnings } : undefined;
    const ext = path.extname(args.path);
    const loader = initial.loader?.[ext] ?? DEFAULT_LOADERS[ext.slice(1)] ?? "js";
    const map = Buffer.from(result.map!.toString()).toString("base64");
    return {
      contents: `${result.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n`,
      loader,
      resolveDir: path.dirname(args.path),
      warnings,
    };
  });

  build.onResolve({ filter: new RegExp(`^${escapeRegex(VIRTUAL_PREFIX).replace("\0", "\\x00")}`) }, (args) => {
    const v = session.resolveVirtual(args.path, args.resolveDir)!;
    // The names ride in the suffix: chunks are named after the package, not the list. The
    // extension gives the module the importer's CommonJS interop (see virtualExtension).
    const stem = v.target.replace(/\.[cm]?[jt]sx?$/, "");
    return {
      path: `${stem}${virtualExtension(v)}`,
      suffix: `?${v.async ? "async:" : ""}${v.names.join(",")}`,
      namespace: NAMESPACE,
      pluginData: { resolveDir: args.resolveDir, virtual: v, required: args.kind === "require-call" },
    };
  });

  build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
    const data = args.pluginData as { resolveDir: string; virtual: VirtualModule; required: boolean };
    return { contents: await session.loadVirtual(data.virtual, data.resolveDir, data.required), loader: "js", resolveDir: data.resolveDir };
  });
}

/**
 * esbuild options that resolve imports in ways slimfn's scan does not follow: with any of them
 * set, every source file goes through the transform's own text test, as before the scan.
 */
function scanDoubt(initial: BuildOptions): string | undefined {
  const given = (v: unknown) => (Array.isArray(v) ? v.length > 0 : typeof v === "object" && v !== null ? Object.keys(v).length > 0 : v !== undefined && v !== false);
  const set: string[] = (["alias", "inject", "nodePaths", "resolveExtensions", "preserveSymlinks", "stdin"] as const).filter((k) => given(initial[k]));
  const raw = initial.tsconfigRaw;
  if (raw !== undefined && (typeof raw === "string" ? /"baseUrl"/.test(raw) : raw.compilerOptions?.baseUrl !== undefined)) set.push("tsconfigRaw baseUrl");
  return set.length ? `esbuild's ${set.join(", ")}` : undefined;
}
