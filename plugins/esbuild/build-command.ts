/**
 * `slimfn build <entry...>`: esbuild with the slimfn plugin, for users with no build script.
 * It loads the project's own esbuild (a peer dependency) from the working directory. The CLI
 * (src/cli.ts) reaches this file only by the package's import map (`#esbuild-build-command` in
 * package.json): the core imports nothing from plugins/.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type * as esbuildType from "esbuild";
import { answerUsage, argsProblem, EXIT, type CommandIO } from "../../src/cli-io.js";
import { formatDiagnostic, type Diagnostic } from "../../src/diagnostics.js";
import type { Options } from "../../src/options.js";
import { parseBudgetArg } from "../../src/report/budgets.js";
import { RUNTIMES } from "../../src/runtime.js";
import slimfn from "../esbuild.js";

export const BUILD_USAGE = `Usage: slimfn build <entry...> [options]

Bundle each entry with esbuild and slimfn's lean defaults, then write one deterministic zip per
function and print a size summary.

  --outdir DIR        output folder (default: dist)
  --outbase DIR       the folder entry paths are taken relative to, for function names
                      (src/api/get.ts with --outbase src is the function api-get)
  --format FORMAT     esm or cjs (default: esm, or cjs when every entry is CommonJS)
  --runtime NAME      ${Object.keys(RUNTIMES).join(", ")} (default: nodejs22.x)
  --zip               write zips to <outdir>/[name].zip (the default)
  --zip=PATH, --zip PATH
                      zip path template; [name] is the function's name (with a space,
                      PATH must end in .zip)
  --no-zip            write no zip
  --report FILE       write the size model (JSON) to FILE
  --sourcemap         emit source maps (off by default: they cost cold-start time)
  --external NAME     ship package NAME unbundled in node_modules (repeatable; native
                      packages are shipped that way without it)
  --include GLOB      add files matching GLOB (relative to the project) at the same paths
                      (repeatable)
  --allow-secret PATH ship the file at zip path PATH although it looks like a secret
                      (.env, .npmrc, a private key; see the README's What never ships)
  --lazy GLOB         load imports of packages matching GLOB on first use instead of at
                      init (repeatable; e.g. --lazy '@aws-sdk/*' --lazy zod)
  --lazy-mode MODE    auto, sync or async (default: auto)
  --runtime-external NAME
                      leave imports of NAME to the runtime: not bundled, not shipped
                      (esbuild's external; repeatable; e.g. '@aws-sdk/*')
  --budget KEY=VALUE  fail the build when a function is over it (zip=5MB, init=1.5x,
                      pkg:aws-sdk=0B, api-get/zip=1MB; repeatable); zips are still written
  --event FILE        invoke the handler once with this JSON event during verification
  --no-verify         do not import the handler from the extracted zip before writing it
  --arch ARCH         x86_64 (default) or arm64: binaries for other platforms are left out
  --no-strip          ship unbundled packages whole (no docs, tests or maps stripped)
  -h, --help          show this help
  --version           print slimfn's version

Exit codes: 0 built, 1 the build failed, 2 bad arguments.`;

/**
 * `--zip` is a flag or takes a path (`--zip=PATH`, or `--zip PATH` when PATH ends in `.zip`,
 * which no entry does); parseArgs has no optional values, so split it first.
 */
function splitZip(argv: readonly string[]): { rest: string[]; zip: string | boolean | undefined } {
  let zip: string | boolean | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (arg === "--zip" && next !== undefined && /\.zip$/i.test(next)) zip = argv[++i]!;
    else if (arg === "--zip") zip = true;
    else if (arg === "--no-zip") zip = false;
    else if (arg.startsWith("--zip=")) zip = arg.slice("--zip=".length);
    else rest.push(arg);
  }
  return { rest, zip };
}

/** `--budget KEY=VALUE` flags as the plugin's `report.budgets`, each checked as `slimfn report` does. */
function budgetsOf(texts: readonly string[]): Record<string, string> | string {
  const budgets: Record<string, string> = {};
  for (const text of texts) {
    try {
      parseBudgetArg(text);
    } catch (e) {
      return `--budget ${text}: ${(e as Error).message}`;
    }
    const at = text.indexOf("=");
    const key = text.slice(0, at);
    if (key in budgets) return `--budget ${key} is given twice (${key}=${budgets[key]}, ${text}): give each budget once.`;
    budgets[key] = text.slice(at + 1);
  }
  return budgets;
}

interface BuildArgs {
  entries: string[];
  outdir: string;
  outbase: string | undefined;
  format: "esm" | "cjs" | undefined;
  options: Options;
  sourcemap: boolean;
  runtimeExternals: string[] | undefined;
}

function parseBuildArgs(argv: readonly string[]): BuildArgs | string {
  const { rest, zip } = splitZip(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        outdir: { type: "string" },
        outbase: { type: "string" },
        format: { type: "string" },
        runtime: { type: "string" },
        report: { type: "string" },
        sourcemap: { type: "boolean" },
        external: { type: "string", multiple: true },
        include: { type: "string", multiple: true },
        "allow-secret": { type: "string", multiple: true },
        lazy: { type: "string", multiple: true },
        "lazy-mode": { type: "string" },
        "no-verify": { type: "boolean" },
        "runtime-external": { type: "string", multiple: true },
        budget: { type: "string", multiple: true },
        event: { type: "string" },
        arch: { type: "string" },
        "no-strip": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    return argsProblem("build", e);
  }
  const { values, positionals } = parsed;
  if (values.help) return "";
  if (!positionals.length) return "No entry given: name at least one handler file, e.g. slimfn build src/handler.ts";
  if (values.format !== undefined && values.format !== "esm" && values.format !== "cjs") return `--format must be esm or cjs, not ${JSON.stringify(values.format)}`;
  const options: Options = {};
  if (values.runtime !== undefined) options.runtime = values.runtime as Options["runtime"];
  if (zip !== undefined) options.zip = zip;
  const budgets = budgetsOf(values.budget ?? []);
  if (typeof budgets === "string") return budgets;
  if (values.report !== undefined || values.budget !== undefined) {
    options.report = { ...(values.report !== undefined ? { json: values.report } : {}), ...(values.budget ? { budgets } : {}) };
  }
  if (values.external !== undefined) options.external = values.external;
  if (values.include !== undefined) options.include = values.include;
  if (values["allow-secret"] !== undefined) options.allowSecrets = values["allow-secret"];
  // Validated with the other options: a bad glob or mode fails with its diagnostic.
  if (values["lazy-mode"] !== undefined) options.lazy = { modules: values.lazy ?? [], mode: values["lazy-mode"] as "auto" };
  else if (values.lazy !== undefined) options.lazy = values.lazy;
  if (values["no-verify"] && values.event !== undefined) return "--event needs verification: drop --no-verify, or drop --event.";
  if (values["no-verify"]) options.verify = false;
  if (values.event !== undefined) options.verify = { event: values.event };
  if (values["no-strip"]) options.strip = false;
  if (values.arch !== undefined) options.arch = values.arch as Options["arch"];
  return { entries: positionals, outdir: values.outdir ?? "dist", outbase: values.outbase, format: values.format, options, sourcemap: values.sourcemap ?? false, runtimeExternals: values["runtime-external"] };
}

/** The project's esbuild, resolved from the working directory like the project would. */
async function loadEsbuild(cwd: string): Promise<typeof esbuildType> {
  const require = createRequire(path.join(cwd, "package.json"));
  let resolved: string;
  try {
    resolved = require.resolve("esbuild");
  } catch {
    resolved = createRequire(import.meta.url).resolve("esbuild");
  }
  return (await import(pathToFileURL(resolved).href)) as typeof esbuildType;
}

export async function runBuild(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseBuildArgs(argv);
  if (typeof args === "string") return answerUsage("build", BUILD_USAGE, args, io);
  const esbuild = await loadEsbuild(io.cwd);
  try {
    await esbuild.build({
      entryPoints: args.entries,
      outdir: args.outdir,
      outbase: args.outbase,
      format: args.format,
      absWorkingDir: io.cwd,
      sourcemap: args.sourcemap || undefined,
      external: args.runtimeExternals,
      logLevel: "info",
      color: io.env.NO_COLOR !== undefined ? false : undefined,
      plugins: [slimfn(args.options)],
    });
    return EXIT.ok;
  } catch (e) {
    // esbuild has already printed its errors (logLevel info); add nothing but the exit code.
    const failure = e as { errors?: { detail?: Diagnostic }[] };
    if (!failure.errors) io.stderr(`slimfn build: ${e instanceof Error ? e.message : String(e)}\n`);
    else if (!failure.errors.length) io.stderr(`${formatDiagnostic({ code: "ZIP_WRITE_FAILED", severity: "error", message: String(e) })}\n`);
    return EXIT.failed;
  }
}
