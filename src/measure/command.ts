/**
 * `slimfn measure <zip>`: the cold-start measurement of verification as a command. Extracts the
 * zip into a clean folder, imports the handler in fresh `node` processes interleaved with bare
 * `node` starts, and prints median/min/max init, the ratio to bare node and memory after init.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { answerUsage, argsProblem, EXIT, type CommandIO } from "../cli-io.js";
import { createHash } from "node:crypto";
import { error, formatDiagnostic, SlimfnError } from "../diagnostics.js";
import { writeFileAtomic } from "../fs-atomic.js";
import { readModel } from "../report/read-model.js";
import { initModel } from "./init-model.js";
import { formatBytes, formatDuration } from "../report/sizes.js";
import { recordedHandler } from "../zip/comment.js";
import { extractZip } from "./extract.js";
import { checkHandlerInside, HandlerLoadError, measureTaskRoot, type Measurement } from "./measure.js";
import type { FunctionModel, SizeModel } from "../report/model.js";
import { loadEvents, lazinessWarnings } from "./events.js";
import { formatCold } from "./format-cold.js";

export const MEASURE_USAGE = `Usage: slimfn measure <zip> [options]

Extract the zip into an empty folder outside any node_modules tree, import its handler in fresh
node processes interleaved with bare node starts, and print the init time (median, min, max),
its ratio to a bare node start measured in the same run, and the memory after init.

  --runs N            timed runs of each (default: 10)
  --handler F.EXPORT  handler as Lambda names it (default: the one a slimfn zip records in
                      its comment, else the one --report's size model records for this
                      zip, else the zip's only root .js/.mjs/.cjs file, else handler.* or
                      index.* at its root, export "handler")
  --event FILE        a JSON event (repeatable; a folder means each .json file in it): per
                      event, --runs fresh processes that import the handler and answer it,
                      timed as init and first invocation (their sum: the cold total)
  --base ZIP          the same function built another way (without lazy, say): its events
                      run in the same rounds, and the ratios are shown per event
  --env KEY=VALUE     set an environment variable for the function (repeatable)
  --timeout MS        per process: the import may take this long, then the answer to --event
                      (default: 60000)
  --json              print the measurement as JSON
  --report FILE       record the init figures in this size model (the function whose zip has
                      the same sha256), so budgets and reports can use them
  -h, --help          show this help

Exit codes: 0 measured, 1 the handler failed to load, 2 bad arguments (a handler outside the
zip, a --report that is not the size model of this zip), 130/143/129 interrupted.`;

interface MeasureArgs {
  zip: string;
  report: string | undefined;
  runs: number;
  handler: string | undefined;
  events: string[];
  base: string | undefined;
  env: Record<string, string>;
  json: boolean;
  timeoutMs: number;
}

function parseMeasureArgs(argv: readonly string[], cwd: string): MeasureArgs | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        runs: { type: "string" },
        handler: { type: "string" },
        event: { type: "string", multiple: true },
        base: { type: "string" },
        env: { type: "string", multiple: true },
        json: { type: "boolean" },
        report: { type: "string" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    return argsProblem("measure", e);
  }
  const { values, positionals } = parsed;
  if (values.help) return "";
  if (positionals.length !== 1) return "Name exactly one zip: slimfn measure dist/handler.zip";
  const runs = values.runs === undefined ? 10 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) return `--runs must be an integer from 1 to 1000, got ${JSON.stringify(values.runs)}`;
  const timeoutMs = values.timeout === undefined ? 60_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) return `--timeout must be a whole number of milliseconds from 1, got ${JSON.stringify(values.timeout)}`;
  const env: Record<string, string> = {};
  for (const pair of values.env ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) return `--env takes KEY=VALUE, got ${JSON.stringify(pair)}`;
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const zip = path.resolve(cwd, positionals[0]!);
  if (!fs.existsSync(zip)) return `No zip at ${zip}`;
  const base = values.base === undefined ? undefined : path.resolve(cwd, values.base);
  if (base !== undefined && !fs.existsSync(base)) return `No zip at ${base} (--base)`;
  if (base !== undefined && !values.event?.length) return "--base compares the cold start of events: give at least one --event";
  return {
    zip,
    report: values.report,
    runs,
    handler: values.handler,
    events: (values.event ?? []).map((e) => path.resolve(cwd, e)),
    base,
    env,
    json: values.json ?? false,
    timeoutMs,
  };
}

/**
 * The handler of a zip slimfn did not write (no handler in its comment): its only root module,
 * else `handler.*`, else `index.*` (`handler.mjs` -> `handler.handler`); else the root modules.
 */
export function defaultHandler(taskRoot: string): string | string[] {
  const modules = fs.readdirSync(taskRoot).filter((f) => /\.(?:c|m)?js$/.test(f)).sort();
  const base = (f: string) => f.replace(/\.(?:c|m)?js$/, "");
  if (modules.length === 1) return `${base(modules[0]!)}.handler`;
  for (const name of ["handler", "index"]) if (modules.some((f) => base(f) === name)) return `${name}.handler`;
  return modules;
}

/** Modules outside node_modules (relative, sorted): where a handler in a subfolder is found. */
export function ownModules(taskRoot: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && e.name !== "node_modules") walk(path.join(dir, e.name), r);
      else if (e.isFile() && /\.(?:c|m)?js$/.test(e.name)) out.push(r);
    }
  };
  walk(taskRoot, "");
  return out.sort();
}

function shownModules(taskRoot: string): string {
  const listed = ownModules(taskRoot);
  return listed.length > 20 ? `${listed.slice(0, 20).join(", ")}, ...` : listed.join(", ") || "none";
}

/**
 * The function of the size model whose zip is byte for byte the one measured (matched by sha256,
 * since paths differ between machines and folders): where the figures go, and whose handler is
 * measured unless --handler names one.
 */
async function modelFunction(file: string, cwd: string, zip: string): Promise<{ model: SizeModel; fn: FunctionModel }> {
  const { model } = await readModel(file, cwd);
  const sha256 = createHash("sha256").update(fs.readFileSync(zip)).digest("hex");
  const fn = model.functions.find((f) => f.sha256 === sha256);
  if (!fn) {
    throw new SlimfnError(
      error(
        "REPORT_INVALID",
        `${file} describes no function whose zip is ${path.relative(cwd, zip) || zip} (sha256 ${sha256.slice(0, 12)}...): pass the size model of the build that wrote this zip.`,
      ),
    );
  }
  return { model, fn };
}

const pct = (n: number) => `${n.toFixed(2)}x`;

export function formatMeasurement(zipLabel: string, m: Measurement, baseLabel?: string): string {
  const lines = [
    `slimfn measure ${zipLabel} (${m.handler}, ${m.runs} runs, node ${m.node})`,
    `  init       median ${formatDuration(m.init.median)}  min ${formatDuration(m.init.min)}  max ${formatDuration(m.init.max)}`,
    `  bare node  median ${formatDuration(m.bare.median)}  min ${formatDuration(m.bare.min)}  max ${formatDuration(m.bare.max)}  (same run, interleaved)`,
    `  ratio      ${pct(m.ratio)} a bare node start`,
    `  import     median ${formatDuration(m.importMs.median)} (init minus node's own start)`,
    `  memory     ${formatBytes(m.rssBytes)} resident after init (bare node ${formatBytes(m.bareRssBytes)})`,
  ];
  if (m.invocation) {
    const shown = m.invocation.ok ? JSON.stringify(m.invocation.result) : m.invocation.error ?? "";
    const cut = shown.length > 400 ? `${shown.slice(0, 400)}...` : shown;
    lines.push(`  invoke     ${m.invocation.ok ? "ok" : "threw"} in ${formatDuration(m.invocation.ms)}: ${cut}`);
  }
  if (m.cold) lines.push(...formatCold(m.cold, baseLabel));
  return `${lines.join("\n")}\n`;
}

export async function runMeasure(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseMeasureArgs(argv, io.cwd);
  if (typeof args === "string") return answerUsage("measure", MEASURE_USAGE, args, io);
  let extracted: Awaited<ReturnType<typeof extractZip>> | undefined;
  let baseExtracted: Awaited<ReturnType<typeof extractZip>> | undefined;
  // Everything about the arguments is checked before anything is extracted or measured.
  let target: { model: SizeModel; fn: FunctionModel } | undefined;
  let events: ReturnType<typeof loadEvents>;
  try {
    events = args.events.flatMap((e) => loadEvents(fs.statSync(e, { throwIfNoEntry: false })?.isDirectory() ? e : [e], io.cwd));
    if (args.handler !== undefined) checkHandlerInside(args.handler);
    if (args.report !== undefined) {
      target = await modelFunction(args.report, io.cwd, args.zip);
      if (args.handler === undefined) checkHandlerInside(target.fn.handler);
    }
  } catch (e) {
    if (!(e instanceof SlimfnError)) throw e;
    io.stderr(`${e.diagnostics.map(formatDiagnostic).join("\n")}\n`);
    return EXIT.usage;
  }
  try {
    extracted = await extractZip(args.zip);
    // A slimfn zip records its handler in its comment; else the size model the figures go to
    // knows the handler of the build that wrote this zip.
    let handler = args.handler ?? recordedHandler(fs.readFileSync(args.zip)) ?? target?.fn.handler;
    const guessed = handler === undefined;
    if (handler === undefined) {
      const found = defaultHandler(extracted.dir);
      if (Array.isArray(found)) {
        io.stderr(
          `slimfn measure: the zip has ${found.length ? `several root modules (${found.join(", ")})` : `no root .js/.mjs/.cjs module (modules outside node_modules: ${shownModules(extracted.dir)})`}; name the handler with --handler file.export\n`,
        );
        return EXIT.usage;
      }
      handler = found;
    }
    let m: Measurement;
    try {
      let base: { taskRoot: string; handler: string; subject: string } | undefined;
      if (args.base !== undefined) {
        baseExtracted = await extractZip(args.base);
        const found = recordedHandler(fs.readFileSync(args.base)) ?? defaultHandler(baseExtracted.dir);
        // The same function built another way: its handler, unless its zip says otherwise.
        base = { taskRoot: baseExtracted.dir, handler: Array.isArray(found) ? handler : found, subject: "The base's handler" };
      }
      m = await measureTaskRoot(extracted.dir, handler, { runs: args.runs, events, env: args.env, timeoutMs: args.timeoutMs, ...(base ? { base } : {}) });
    } catch (e) {
      // A guessed handler that is not one (the zip's root holds only a shared chunk, the
      // handlers sit in subfolders) is a missing argument, not a broken zip.
      if (!guessed || !(e instanceof HandlerLoadError) || e.failure !== "export") throw e;
      const file = handler.replace(/\.handler$/, "");
      const root = fs.readdirSync(extracted.dir).find((f) => f.replace(/\.(?:c|m)?js$/, "") === file) ?? file;
      const which = ownModules(extracted.dir).filter((f) => !f.includes("/")).length === 1 ? "the zip's only root module" : "the zip's root module by that name";
      io.stderr(
        `slimfn measure: ${root}, ${which}, exports no function "handler"; name the handler with --handler file.export (modules outside node_modules: ${shownModules(extracted.dir)})\n`,
      );
      return EXIT.usage;
    }
    const label = path.relative(io.cwd, args.zip) || args.zip;
    if (target && args.report !== undefined) {
      target.fn.init = initModel(m);
      await writeFileAtomic(path.resolve(io.cwd, args.report), `${JSON.stringify(target.model, null, 2)}\n`);
    }
    const baseLabel = args.base === undefined ? undefined : path.relative(io.cwd, args.base) || args.base;
    io.stdout(args.json ? `${JSON.stringify({ zip: label, ...(baseLabel ? { base: baseLabel } : {}), ...m }, null, 2)}\n` : formatMeasurement(label, m, baseLabel));
    for (const d of m.cold ? lazinessWarnings(m.cold, label) : []) io.stderr(`${formatDiagnostic(d)}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof SlimfnError) {
      io.stderr(`${e.diagnostics.map(formatDiagnostic).join("\n")}\n`);
      return EXIT.failed;
    }
    throw e;
  } finally {
    await extracted?.cleanup();
    await baseExtracted?.cleanup();
  }
}
