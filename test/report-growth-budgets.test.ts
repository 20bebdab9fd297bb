/**
 * Growth budgets (`zip=+10%`, `init=+5ms`) against `slimfn report --base`, beside the absolute
 * ones, on the real size models of test/golden/models: the limit is worked out from the base's
 * own figure, a new function or a missing init time is "not measured", and a growth budget
 * without a base is refused, on the command line and in the plugin's options.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../src/options.js";
import { SlimfnError } from "../src/diagnostics.js";
import { runReport } from "../src/report/command.js";
import type { SizeModel } from "../src/report/model.js";
import { formatBytes, formatDuration } from "../src/report/sizes.js";
import { REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";

const MODELS = path.join(REPO, "test/golden/models");
const load = (f: string) => JSON.parse(fs.readFileSync(path.join(MODELS, f), "utf8")) as SizeModel;
const HEAD = load("head-api.json").functions.find((f) => f.name === "api")!;
const BASE = load("base-api.json").functions.find((f) => f.name === "api")!;

async function report(args: string[], cwd = MODELS) {
  let stdout = "";
  let stderr = "";
  const code = await runReport(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd });
  return { code, stdout, stderr };
}

describe("growth budgets against --base", () => {
  it("zip=+10% fails the api function (it grew more), passes thumbnail (unchanged); the absolute budget still applies beside it", async () => {
    const growth = (HEAD.zipBytes - BASE.zipBytes) / BASE.zipBytes;
    expect(growth).toBeGreaterThan(0.1);
    const limit = BASE.zipBytes * 1.1;
    const run = await report(["head-api.json", "--base", "base-api.json", "--budget", "zip=+10%", "--budget", "zip=10MB", "--format", "json"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: [BUDGET_EXCEEDED] Function "api" exceeds budget zip=+10%: zipped size is ${formatBytes(HEAD.zipBytes)}, the budget is ${formatBytes(limit)} (base +10%), ${formatBytes(HEAD.zipBytes - limit)} over.\n`,
    );
    const checks = JSON.parse(run.stdout).budgets.filter((b: { lambda: boolean }) => !b.lambda);
    expect(checks.map((c: { function: string; budget: string; status: string; limit: number }) => [c.function, c.budget, c.status, c.limit])).toEqual([
      ["api", "zip=+10%", "exceeded", limit],
      ["api", "zip=10MB", "ok", 10_000_000],
      ["thumbnail", "zip=+10%", "ok", load("base-api.json").functions[1]!.zipBytes * 1.1],
      ["thumbnail", "zip=10MB", "ok", 10_000_000],
    ]);
  });

  it("an amount: unzipped=+300kB passes api (it grew by less), init=+5ms works from the base's init time", async () => {
    expect(HEAD.unzippedBytes - BASE.unzippedBytes).toBeLessThan(300_000);
    const run = await report(["head-api.json", "--base", "base-api.json", "--budget", "unzipped=+300kB", "--budget", "api/init=+5ms", "--budget", "thumbnail/init=+0%", "--format", "json"]);
    const checks = JSON.parse(run.stdout).budgets.filter((b: { lambda: boolean }) => !b.lambda);
    const thumbHead = load("head-api.json").functions[1]!.init!.medianMs;
    const thumbBase = load("base-api.json").functions[1]!.init!.medianMs;
    expect(checks.map((c: { function: string; budget: string; status: string; actual: number; limit: number }) => [c.function, c.budget, c.status, c.actual, c.limit])).toEqual([
      ["api", "unzipped=+300kB", "ok", HEAD.unzippedBytes, BASE.unzippedBytes + 300_000],
      ["api", "api/init=+5ms", HEAD.init!.medianMs > BASE.init!.medianMs + 5 ? "exceeded" : "ok", HEAD.init!.medianMs, BASE.init!.medianMs + 5],
      ["thumbnail", "unzipped=+300kB", "ok", load("head-api.json").functions[1]!.unzippedBytes, load("base-api.json").functions[1]!.unzippedBytes + 300_000],
      ["thumbnail", "thumbnail/init=+0%", thumbHead > thumbBase ? "exceeded" : "ok", thumbHead, thumbBase],
    ]);
    expect(run.code).toBe(checks.some((c: { status: string }) => c.status === "exceeded") ? 1 : 0);
  });

  it("a function that is new, or a base without init time, is not measured, with a warning that says which", async () => {
    const dir = tempDir();
    const base = load("base-api.json");
    for (const fn of base.functions) delete fn.init;
    fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify(base));
    fs.copyFileSync(path.join(MODELS, "head-min.json"), path.join(dir, "head-min.json"));
    fs.copyFileSync(path.join(MODELS, "base-min.json"), path.join(dir, "base-min.json"));
    const run = await report(["head-min.json", "--base", "base-min.json", "base.json", "--budget", "zip=+5%"], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'warning: [BUDGET_NOT_MEASURED] Function "hello": budget zip=+5% was not checked: it allows growth against the base build, and the function is not in the base (new, or no --base given). Pass the base build\'s size model with --base.\n',
    );
    fs.copyFileSync(path.join(MODELS, "head-api.json"), path.join(dir, "head-api.json"));
    const init = await report(["head-api.json", "--base", "base.json", "--budget", "api/init=+5ms"], dir);
    expect(init.stderr).toBe(
      'warning: [BUDGET_NOT_MEASURED] Function "api": budget api/init=+5ms was not checked: the base\'s size model has no init time. Build with verification on (the default; off with verify: false or when the host cannot run the target), or record one with slimfn measure <zip> --report <size model>.\n',
    );
    expect(init.stdout).toContain(formatDuration(HEAD.init!.medianMs));
  });

  it("refused without --base (exit 2), with a package key, and in the plugin's report.budgets", async () => {
    const run = await report(["head-api.json", "--budget", "zip=+10%"]);
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: [BUDGET_INVALID] Budget zip=+10% allows growth against a base build, and no --base was given: pass the base build's size model with --base, or write an absolute budget (zip=5MB).\n",
    });
    const pkg = await report(["head-api.json", "--base", "base-api.json", "--budget", "pkg:zod=+10%"]);
    expect(pkg.code).toBe(2);
    expect(pkg.stderr).toBe(
      "error: [BUDGET_INVALID] Budget pkg:zod=+10%: package budgets are absolute (pkg:NAME=500kB); growth against the base is for zip, unzipped and init. (from --budget pkg:zod=+10%)\n",
    );
    const bad = await report(["head-api.json", "--base", "base-api.json", "--budget", "init=+1.5x"]);
    expect(bad.stderr).toBe(
      'error: [BUDGET_INVALID] Budget init=+1.5x: "+1.5x": growth of init time is a duration (+5ms, +0.1s) or a share (+10%), not a multiple. (from --budget init=+1.5x)\n',
    );
    let thrown: unknown;
    try {
      resolveOptions({ report: { budgets: { zip: "+10%" } } }, REPO);
    } catch (e) {
      thrown = e;
    }
    expect((thrown as SlimfnError).diagnostics).toEqual([
      {
        severity: "error",
        code: "OPTION_INVALID",
        message:
          'slimfn option "report.budgets.zip": "+10%" allows growth against a base build, which a build does not have: check it with slimfn report --base <base size model> --budget zip=+10%, or write an absolute budget here (such as "5MB" or "150ms").',
      },
    ]);
  });
});
