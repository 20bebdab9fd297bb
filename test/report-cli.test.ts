/**
 * `slimfn report` as a command: exit codes, stderr lines, --out, GITHUB_STEP_SUMMARY, and every
 * bad input. Most tests call the command in-process on real size models (test/golden/models);
 * one runs the real CLI, bundled from src/cli.ts, in a fresh node process.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { compareModels } from "../src/report/compare.js";
import { checkBudgets } from "../src/report/budgets.js";
import { runReport } from "../src/report/command.js";
import { formatMarkdown } from "../src/report/format-markdown.js";
import type { SizeModel } from "../src/report/model.js";
import { readModel } from "../src/report/read-model.js";
import { SCHEMA_VERSION } from "../src/report/model.js";
import { formatBytes, formatShare } from "../src/report/sizes.js";
import { buildView } from "../src/report/view.js";
import { REPO } from "./helpers/paths.js";
import { repoTempDir, tempDir } from "./helpers/tmp.js";

const MODELS = path.join(REPO, "test/golden/models");
/** The real functions the expected lines are worked out from (regenerated models move bytes). */
const HEAD = JSON.parse(fs.readFileSync(path.join(MODELS, "head-api.json"), "utf8")) as SizeModel;
const API = HEAD.functions.find((f) => f.name === "api")!;
const THUMBNAIL = HEAD.functions.find((f) => f.name === "thumbnail")!;
const ZOD = API.packages.find((p) => p.name === "zod")!;
const over = (bytes: number, limit: number) => `zipped size is ${formatBytes(bytes)}, the budget is ${formatBytes(limit)}, ${formatBytes(bytes - limit)} over.`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function report(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runReport(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: opts.env ?? {},
    cwd: opts.cwd ?? MODELS,
  });
  return { code, stdout, stderr };
}

/** A copy of a real model, changed by `edit`, written into a scratch folder. */
function variant(dir: string, name: string, edit: (m: SizeModel & Record<string, unknown>) => unknown): string {
  const model = JSON.parse(fs.readFileSync(path.join(MODELS, "head-api.json"), "utf8"));
  edit(model);
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(model));
  return file;
}

describe("slimfn report: results and exit codes", () => {
  it("exit 0 within budgets; the text report goes to stdout and nothing to stderr", async () => {
    const run = await report(["head-api.json", "head-min.json", "--base", "base-api.json", "base-min.json", "--budget", "zip=10MB"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("slimfn size report: 5 functions compared with the base: 1 changed, 1 added, 1 removed, 2 unchanged\n");
    expect(run.stdout).toMatch(/ok: all budgets and Lambda's limits are met\.\n$/);
  });

  it("exit 1 when a budget is exceeded, with a line naming the function, the budget and the figure", async () => {
    const run = await report(["head-api.json", "--budget", "zip=250kB", "--budget", "pkg:zod=500kB", "--format", "json"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      `error: [BUDGET_EXCEEDED] Function "api" exceeds budget zip=250kB: ${over(API.zipBytes, 250_000)}`,
      `error: [BUDGET_EXCEEDED] Function "api" exceeds budget pkg:zod=500kB: bytes of zod is ${formatBytes(ZOD.bytes)}, the budget is 500 kB, ${formatBytes(ZOD.bytes - 500_000)} over.`,
      `error: [BUDGET_EXCEEDED] Function "thumbnail" exceeds budget zip=250kB: ${over(THUMBNAIL.zipBytes, 250_000)}`,
    ]);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ schema: "slimfn/size-report", ok: false, base: null });
    const exceeded = json.budgets.filter((b: { status: string }) => b.status === "exceeded");
    expect(exceeded.map((b: { function: string; budget: string }) => `${b.function} ${b.budget}`)).toEqual(["api zip=250kB", "api pkg:zod=500kB", "thumbnail zip=250kB"]);
  });

  it("Lambda's limits are checked without any budget: LAMBDA_LIMIT_EXCEEDED, exit 1", async () => {
    const dir = tempDir();
    const file = variant(dir, "huge.json", (m) => {
      const fn = m.functions[0]!;
      fn.zipBytes = 60_000_000;
      fn.unzippedBytes = 270_000_000;
    });
    const run = await report([file]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      'error: [LAMBDA_LIMIT_EXCEEDED] Function "api" exceeds the Lambda zipped limit (50 MiB): zipped size 60.0 MB, 7.57 MB over. Lambda rejects a direct upload this large: upload through S3 (the unzipped limit still applies) or make the function smaller.',
      'error: [LAMBDA_LIMIT_EXCEEDED] Function "api" exceeds the Lambda unzipped limit (250 MiB): unzipped size 270 MB, 7.86 MB over. Lambda rejects a function this large even through S3: make it smaller (lazy imports do not shrink it; strip or drop packages).',
    ]);
    // Within the user's own budget, the table still shows the Lambda limit that failed.
    const md = await report([file, "--budget", "zip=100MB", "--format", "markdown"]);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain(`| ❌ | \`api\` | 60.0 MB | 270 MB | ${buildView(compareModels([{ file: "x", model: HEAD }], undefined), []).functions[0]!.init} | 114% of Lambda zipped limit (50 MiB) |`);
  });

  it("an init budget on a model without init figures is a labelled 'not measured' row and a warning, not a pass or a zero", async () => {
    const dir = tempDir();
    const file = variant(dir, "unmeasured.json", (m) => {
      for (const fn of m.functions) delete fn.init;
    });
    const run = await report([file, "--budget", "init=1.5x"]);
    expect(run.code).toBe(0);
    const why = "the size model has no init time. Build with verification on (the default; off with verify: false or when the host cannot run the target), or record one with slimfn measure <zip> --report <size model>.";
    expect(run.stderr).toBe(
      `warning: [BUDGET_NOT_MEASURED] Function "api": budget init=1.5x was not checked: ${why}\nwarning: [BUDGET_NOT_MEASURED] Function "thumbnail": budget init=1.5x was not checked: ${why}\n`,
    );
    expect(run.stdout).toContain("  n/a  init=1.5x: not measured\n");
    expect(run.stdout).toContain("ok: all measured budgets and Lambda's limits are met. 2 budgets were not measured.\n");
    const md = await report([file, "--budget", "init=1.5x", "--format", "markdown"]);
    expect(md.stdout).toContain(`| ⚪ | \`api\` | ${formatBytes(API.zipBytes)} | ${formatBytes(API.unzippedBytes)} | ${formatShare(API.limits.zipped)} of Lambda zipped limit (50 MiB); init=1.5x not measured |`);
  });

  it("--out writes the report to a file and not to stdout", async () => {
    const dir = tempDir();
    const run = await report(["head-api.json", "--format", "markdown", "--out", path.join(dir, "new-folder/report.md")]);
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
    const head = await readModel(path.join(MODELS, "head-api.json"));
    const view = buildView(compareModels([{ ...head, file: "head-api.json" }], undefined), checkBudgets(head.model.functions, []));
    expect(fs.readFileSync(path.join(dir, "new-folder/report.md"), "utf8")).toBe(formatMarkdown(view));
  });

  it("appends the Markdown report to GITHUB_STEP_SUMMARY, whatever the format, after what is there", async () => {
    const dir = tempDir();
    const summary = path.join(dir, "step-summary.md");
    fs.writeFileSync(summary, "# Earlier step\n");
    const env = { GITHUB_STEP_SUMMARY: summary };
    const md = await report(["head-api.json", "--base", "base-api.json", "--format", "markdown"], { env });
    const text = await report(["head-api.json", "--base", "base-api.json"], { env });
    expect([md.code, text.code]).toEqual([0, 0]);
    expect(text.stdout).toMatch(/^slimfn size report/);
    expect(fs.readFileSync(summary, "utf8")).toBe(`# Earlier step\n${md.stdout}\n${md.stdout}\n`);
  });

  it("a build compared with itself: no table, every function in the one 'unchanged' line", async () => {
    const run = await report(["head-min.json", "--base", "head-min.json", "--format", "markdown"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        "<!-- slimfn-size-report -->",
        "### slimfn size report",
        "",
        "✅ within budgets · 2 functions compared with the base: 2 unchanged",
        "",
        "2 functions unchanged: `hello`, `ping`.",
        "",
      ].join("\n"),
    );
  });

  it("--base takes every file up to the next option, so a shell glob works", async () => {
    const run = await report(["head-api.json", "head-min.json", "--base", "base-api.json", "base-min.json", "--format", "json"]);
    const json = JSON.parse(run.stdout);
    expect(json.base).toEqual(["base-api.json", "base-min.json"]);
    expect(json.head).toEqual(["head-api.json", "head-min.json"]);
  });
});

describe("slimfn report: bad input is a clear error with exit code 2, never a crash", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    fs.writeFileSync(path.join(dir, "broken.json"), '{"schema": "slimfn/size-model", ');
    fs.writeFileSync(path.join(dir, "package.json"), '{"name": "not-a-model", "version": "1.0.0"}');
    variant(dir, "newer.json", (m) => {
      m.schemaVersion = SCHEMA_VERSION + 1;
    });
    variant(dir, "damaged.json", (m) => {
      (m.functions[0] as unknown as Record<string, unknown>).zipBytes = "304 kB";
      delete (m.functions[0]!.packages[0] as unknown as Record<string, unknown>).version;
    });
  });

  const cases: [string, string[], string][] = [
    ["a missing file", ["nope.json"], "error: [REPORT_INVALID] nope.json cannot be read: it does not exist. Pass the size model that report.json (or slimfn build --report) wrote.\n"],
    ["a file that is not JSON", ["broken.json"], "error: [REPORT_INVALID] broken.json is not JSON ("],
    ["JSON that is not a size model", ["package.json"], 'error: [REPORT_INVALID] package.json is not a slimfn size model: it has no "schema": "slimfn/size-model". Pass the file that report.json (or slimfn build --report) wrote.\n'],
    [
      "a model of a newer schema version",
      ["newer.json"],
      `error: [REPORT_INVALID] newer.json was written by a newer slimfn (size model schema version ${SCHEMA_VERSION + 1}; this slimfn reads up to version ${SCHEMA_VERSION}). Run the report with the slimfn version that built it, or upgrade slimfn.\n`,
    ],
    [
      "a damaged model",
      ["damaged.json"],
      'error: [REPORT_INVALID] damaged.json is a damaged slimfn size model: functions[0].zipBytes must be a whole number of bytes, got "304 kB"; functions[0].packages[0].version must be a string.\n',
    ],
    [
      "a budget that does not parse",
      ["newer.json", "--budget", "zip=5 MBs"],
      'error: [BUDGET_INVALID] Budget zip=5 MBs: "5 MBs" has an unknown size unit "MBs": use B, kB, MB, GB (x1000) or KiB, MiB, GiB (x1024). (from --budget zip=5 MBs)\n',
    ],
    [
      "a budget for a function no model has",
      [path.join(MODELS, "head-api.json"), "--budget", "thumbnial/zip=10MB"],
      'error: [BUDGET_INVALID] Budget thumbnial/zip=10MB names function "thumbnial", which is not in the build. Functions: api, thumbnail.\n',
    ],
    ["an unknown budget", ["newer.json", "--budget", "size=5MB"], 'error: [BUDGET_INVALID] Budget size=5MB: unknown budget "size". Budgets are zip, unzipped, init, or pkg:NAME (pkg:@aws-sdk/* sums a scope), each optionally for one function: FUNCTION/zip. (from --budget size=5MB)\n'],
  ];
  it.each(cases)("%s", async (_what, args, stderr) => {
    const run = await report(args, { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    if (stderr.endsWith("\n")) expect(run.stderr).toBe(stderr);
    else expect(run.stderr.startsWith(stderr)).toBe(true);
  });

  it("an --out path that cannot be written: REPORT_WRITE_FAILED, exit 2, nothing half-written", async () => {
    fs.writeFileSync(path.join(dir, "a-file"), "");
    const target = path.join(dir, "a-file/report.md");
    const run = await report([path.join(MODELS, "head-api.json"), "--out", target], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: \[REPORT_WRITE_FAILED\] Cannot write the report to /);
    expect(run.stderr).toContain(target);
    expect(run.stderr).toContain("file already exists");
    expect(run.stderr.trimEnd().endsWith("Choose a writable path with --out.")).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it.each([
    ["no file at all", [], "slimfn report: No size model given: name the JSON file that report.json (or slimfn build --report) wrote."],
    ["head files after --base", ["--base", "a.json", "b.json"], "slimfn report: No head size model given: put the head files before --base (every file after --base is a base file)."],
    ["an unknown format", ["a.json", "--format", "pdf"], 'slimfn report: --format must be text, markdown, json or html, got "pdf".'],
    ["an unknown option", ["a.json", "--budgets", "zip=1MB"], "slimfn report: unknown option --budgets. The options are listed below; a file name that starts with - goes after --, as in: slimfn report -- -handler.ts\n"],
  ])("usage error: %s", async (_what, args, first) => {
    const run = await report(args);
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith(first)).toBe(true);
    expect(run.stderr).toContain("Usage: slimfn report <head.json...>");
  });
});

describe("the real CLI in a fresh node process", () => {
  it("slimfn report fails CI with exit 1 on a budget and prints the Markdown comment", async () => {
    const out = repoTempDir("cli-");
    const cli = path.join(out, "cli.mjs");
    await esbuild.build({ entryPoints: [path.join(REPO, "src/cli.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile: cli, logLevel: "silent" });
    const help = execFileSync(process.execPath, [cli, "report", "--help"], { encoding: "utf8" });
    expect(help).toMatch(/^Usage: slimfn report <head.json...>/);
    const run = spawnSync(process.execPath, [cli, "report", "head-api.json", "--base", "base-api.json", "--format", "markdown", "--budget", "zip=300kB"], {
      cwd: MODELS,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    });
    expect(run.status).toBe(1);
    expect(run.stdout.split("\n")[0]).toBe("<!-- slimfn-size-report -->");
    expect(run.stderr).toBe(
      `error: [BUDGET_EXCEEDED] Function "api" exceeds budget zip=300kB: ${over(API.zipBytes, 300_000)}\n` +
        `error: [BUDGET_EXCEEDED] Function "thumbnail" exceeds budget zip=300kB: ${over(THUMBNAIL.zipBytes, 300_000)}\n`,
    );
  });
});
