/**
 * `report.budgets` in the plugin options: real esbuild builds of the minimal fixture that pass
 * or fail on a budget, with the whole diagnostic asserted.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics.js";
import { BUNDLERS, buildFixture, type BuildMessage } from "./helpers/build.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import type { Options } from "../src/options.js";

/** slimfn's messages as esbuild reports them (`CODE: message`; esbuild drops `detail` from onEnd). */
const details = (messages: BuildMessage[] | undefined, severity: Diagnostic["severity"] = "error") =>
  (messages ?? []).map((m) => {
    const at = m.text.indexOf(": ");
    return { code: m.text.slice(0, at), severity, message: m.text.slice(at + 2) };
  });

describe.each(BUNDLERS)("%s: report.budgets", (bundler) => {
  const build = async (report: Options["report"], extra: Options = {}) => {
    const root = copyFixture(fixture("minimal"), repoTempDir("budgets-"));
    const built = await buildFixture(bundler, { root, entries: ["src/handler.mjs"], slimfn: { report, ...extra } });
    return { root, built };
  };

  it("a build within its budgets succeeds", async () => {
    const { built } = await build({ budgets: { zip: "10kB", unzipped: "1KiB", "pkg:zod": "0B", init: "10x" } });
    expect(built.failure).toBeUndefined();
    expect(built.result!.warnings.filter((w) => w.text.includes("BUDGET"))).toEqual([]);
  });

  it("a budget exceeded fails the build with BUDGET_EXCEEDED naming the function, the budget and the figure", async () => {
    const { root, built } = await build({ json: "dist/size.json", budgets: { zip: "100B", init: "0.01ms" } });
    const model = JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8"));
    const fn = model.functions[0];
    expect(details(built.failure?.errors)).toEqual([
      {
        code: "BUDGET_EXCEEDED",
        severity: "error",
        message: `Function "handler" exceeds budget zip=100B: zipped size is ${fn.zipBytes} B, the budget is 100 B, ${fn.zipBytes - 100} B over.`,
      },
      {
        code: "BUDGET_EXCEEDED",
        severity: "error",
        message: expect.stringMatching(/^Function "handler" exceeds budget init=0\.01ms: init time is [\d.]+ m?s, the budget is 0\.01 ms, [\d.]+ m?s over\.$/),
      },
    ]);
    // The zip and the size model stay, to inspect with `slimfn report`.
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(true);
    expect(fn.init.medianMs).toBeGreaterThan(0.01);
  });

  it("an init budget without a measurement (verify: false) warns BUDGET_NOT_MEASURED and does not fail", async () => {
    const { built } = await build({ budgets: { init: "150ms" } }, { verify: false });
    expect(built.failure).toBeUndefined();
    expect(details(built.result!.warnings, "warning").filter((d) => d.code.startsWith("BUDGET"))).toEqual([
      {
        code: "BUDGET_NOT_MEASURED",
        severity: "warning",
        message:
          'Function "handler": budget init=150ms was not checked: the size model has no init time. Build with verification on (the default; off with verify: false or when the host cannot run the target), or record one with slimfn measure <zip> --report <size model>.',
      },
    ]);
  });

  it("a function's own budget applies to it; one naming a function the build lacks fails with BUDGET_INVALID", async () => {
    const own = await build({ budgets: { zip: "1MB", "handler/zip": "100B" } });
    expect(details(own.built.failure?.errors).map((d) => [d.code, d.message.split(":")[0]])).toEqual([["BUDGET_EXCEEDED", 'Function "handler" exceeds budget handler/zip=100B']]);
    const typo = await build({ budgets: { "hanlder/zip": "1MB" } });
    expect(details(typo.built.failure?.errors)).toEqual([
      { code: "BUDGET_INVALID", severity: "error", message: 'Budget hanlder/zip=1MB names function "hanlder", which is not in the build. Functions: handler.' },
    ]);
  });

  it("budgets that do not parse fail before building, each with its key", async () => {
    const { root, built } = await build({ budgets: { zip: "5 MBs", zipped: "1MB", "pkg:aws-sdk": 0 as unknown as string } });
    expect(details(built.failure?.errors)).toEqual([
      {
        code: "OPTION_INVALID",
        severity: "error",
        message:
          'slimfn option "report.budgets.zip": Budget zip=5 MBs: "5 MBs" has an unknown size unit "MBs": use B, kB, MB, GB (x1000) or KiB, MiB, GiB (x1024).',
      },
      {
        code: "OPTION_INVALID",
        severity: "error",
        message: 'slimfn option "report.budgets.zipped": Budget zipped=1MB: unknown budget "zipped". Budgets are zip, unzipped, init, or pkg:NAME (pkg:@aws-sdk/* sums a scope), each optionally for one function: FUNCTION/zip.',
      },
      {
        code: "OPTION_INVALID",
        severity: "error",
        message: 'slimfn option "report.budgets.pkg:aws-sdk" must be a string such as "5MB", "150ms" or "1.5x", got number 0.',
      },
    ]);
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });
});
