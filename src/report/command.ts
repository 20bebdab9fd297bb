/**
 * `slimfn report <head.json...> [--base <base.json...>] [--format text|markdown|json]
 *  [--out FILE] [--budget KEY=VALUE ...]`
 *
 * Exit codes: 0 all budgets and Lambda's limits met, 1 a budget or limit exceeded, 2 the
 * command could not run (bad arguments, a file that is not a size model). CI tells "the
 * function grew too much" from "the report step is broken" by the code alone.
 */
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { argsProblem, EXIT, type CommandIO } from "../cli-io.js";
import { error, formatDiagnostic, SlimfnError, type Diagnostic } from "../diagnostics.js";
import { writeFileAtomic } from "../fs-atomic.js";
import { budgetDiagnostics, checkBudgets, parseBudgetArg, unknownFunctionBudgets, type Budget } from "./budgets.js";
import { compareModels } from "./compare.js";
import { formatHtml } from "./format-html.js";
import { formatJson } from "./format-json.js";
import { formatMarkdown } from "./format-markdown.js";
import { formatText } from "./format-text.js";
import { readModel } from "./read-model.js";
import { ParseError } from "./sizes.js";
import { buildView } from "./view.js";

export const REPORT_USAGE = `Usage: slimfn report <head.json...> [--base <base.json...>] [options]

Compare size models written by report.json (slimfn build --report) and check budgets.

  --base FILE...        size models of the base build; every file after --base up to the
                        next option is a base file (put --base after the head files)
  --format FORMAT       text (default), markdown, json, or html (one self-contained page
                        with a treemap of each zip; write it with --out report.html)
  --out FILE            write the report to FILE instead of stdout
  --budget KEY=VALUE    fail (exit 1) when a function is over it; repeatable.
                        zip=5MB  unzipped=300kB  init=150ms  init=1.5x  pkg:aws-sdk=0B
                        growth against --base: zip=+10%  unzipped=+50kB  init=+5ms
                        FUNCTION/KEY=VALUE sets one function's own: thumbnail/zip=10MB
                        kB/MB = 1000 bytes, KiB/MiB = 1024. Lambda's limits are always checked.
  -h, --help            show this help

When GITHUB_STEP_SUMMARY is set, the Markdown report is also appended to that file.
Exit codes: 0 within budgets, 1 a budget or Lambda limit exceeded, 2 bad input.`;

/** A command line that cannot be run as written: shown with the usage, exit code 2. */
class UsageError extends Error {}

type Format = "text" | "markdown" | "json" | "html";

interface ReportArgs {
  head: string[];
  base: string[] | undefined;
  format: Format;
  out: string | undefined;
  budgets: Budget[];
}


/** `--base` takes every following argument up to the next option, so `--base base/*.json` works. */
function splitBase(argv: readonly string[]): { rest: string[]; base: string[] | undefined } {
  const rest: string[] = [];
  let base: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--base" || arg.startsWith("--base=")) {
      base ??= [];
      if (arg.startsWith("--base=")) base.push(arg.slice("--base=".length));
      else while (i + 1 < argv.length && !argv[i + 1]!.startsWith("-")) base.push(argv[++i]!);
      continue;
    }
    rest.push(arg);
  }
  return { rest, base };
}

/** Parse the arguments; `"help"` when help was asked for. Throws `UsageError` or a `SlimfnError`. */
export function parseReportArgs(argv: readonly string[]): ReportArgs | "help" {
  const { rest, base } = splitBase(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string", default: "text" },
        out: { type: "string" },
        budget: { type: "string", multiple: true, default: [] },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError(argsProblem("report", e));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (!positionals.length) {
    throw new UsageError(
      base ? "No head size model given: put the head files before --base (every file after --base is a base file)." : "No size model given: name the JSON file that report.json (or slimfn build --report) wrote.",
    );
  }
  if (base && !base.length) throw new UsageError("--base needs at least one size model file after it.");
  const format = values.format!;
  if (format !== "text" && format !== "markdown" && format !== "json" && format !== "html") {
    throw new UsageError(`--format must be text, markdown, json or html, got ${JSON.stringify(format)}.`);
  }
  const budgets: Budget[] = [];
  const problems: Diagnostic[] = [];
  for (const text of values.budget!) {
    try {
      budgets.push(parseBudgetArg(text));
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      problems.push(error("BUDGET_INVALID", `${e.message} (from --budget ${text})`));
    }
  }
  if (problems.length) throw new SlimfnError(problems);
  return { head: positionals, base, format, out: values.out, budgets };
}

/** Run the command; resolves to the exit code. Errors go to `stderr`, never as a crash. */
export async function runReport(argv: readonly string[], io: CommandIO): Promise<number> {
  try {
    const args = parseReportArgs(argv);
    if (args === "help") {
      io.stdout(`${REPORT_USAGE}\n`);
      return EXIT.ok;
    }
    const load = (files: string[]) => Promise.all(files.map((f) => readModel(f, io.cwd)));
    const head = await load(args.head);
    const base = args.base ? await load(args.base) : undefined;
    const comparison = compareModels(head, base);
    const heads = comparison.functions.flatMap((f) => (f.head ? [f.head] : []));
    const unknown = unknownFunctionBudgets(heads, args.budgets);
    if (unknown.length) throw new SlimfnError(unknown);
    const growth = args.budgets.filter((b) => b.growth);
    if (growth.length && !base) {
      throw new SlimfnError(growth.map((b) => error("BUDGET_INVALID", `Budget ${b.label} allows growth against a base build, and no --base was given: pass the base build's size model with --base, or write an absolute budget (zip=5MB).`)));
    }
    const bases = new Map(comparison.functions.flatMap((f) => (f.base ? [[f.name, f.base] as const] : [])));
    const checks = checkBudgets(heads, args.budgets, bases);
    const view = buildView(comparison, checks);
    const formats = { json: formatJson, markdown: formatMarkdown, text: formatText, html: formatHtml } as const;
    const report = formats[args.format](view);

    if (args.out) {
      const target = path.resolve(io.cwd, args.out);
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFileAtomic(target, report);
      } catch (e) {
        throw new SlimfnError(error("REPORT_WRITE_FAILED", `Cannot write the report to ${target}: ${(e as Error).message}. Choose a writable path with --out.`));
      }
    } else {
      io.stdout(report);
    }
    const summary = io.env.GITHUB_STEP_SUMMARY;
    if (summary) {
      const markdown = args.format === "markdown" ? report : formatMarkdown(view);
      try {
        await appendFile(summary, `${markdown}\n`);
      } catch (e) {
        throw new SlimfnError(error("REPORT_WRITE_FAILED", `Cannot append the report to GITHUB_STEP_SUMMARY (${summary}): ${(e as Error).message}.`));
      }
    }
    const diagnostics = budgetDiagnostics(checks);
    for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return diagnostics.some((d) => d.severity === "error") ? EXIT.failed : EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`slimfn report: ${e.message}\n\n${REPORT_USAGE}\n`);
      return EXIT.usage;
    }
    if (!(e instanceof SlimfnError)) throw e;
    for (const d of e.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return EXIT.usage;
  }
}
