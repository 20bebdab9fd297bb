/**
 * The esbuild hooks of lazy imports: hook mapping only, every decision is in the session.
 *
 * - `onLoad` over the project's own source files, with the session's filter (files under a
 *   `node_modules` segment never reach JavaScript). esbuild has no transform chain, so the
 *   returned contents keep the loader the user's `loader` option gives the extension, and the
 *   file's own folder.
 * - `onResolve`/`onLoad` in the `slimfn-lazy` namespace for the virtual modules sync mode requires.
 */
import path from "node:path";
import type { Loader, PartialMessage, PluginBuild } from "esbuild";
import type { Diagnostic } from "../src/diagnostics.js";
import { VIRTUAL_PREFIX, virtualExtension } from "../src/lazy/virtual.js";
import type { BuildSession, VirtualModule } from "../src/session.js";
import { escapeRegex } from "../src/source-filter.js";

const NAMESPACE = "slimfn-lazy";
const DEFAULT_LOADERS: Record<string, Loader> = { ts: "ts", mts: "ts", cts: "ts", tsx: "tsx", js: "js", mjs: "js", cjs: "js", jsx: "jsx" };

export function setupLazy(build: PluginBuild, session: BuildSession, toMessage: (d: Diagnostic) => PartialMessage): void {
  const initial = build.initialOptions;
  build.onLoad({ filter: session.sourceFilter }, async (args) => {
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
