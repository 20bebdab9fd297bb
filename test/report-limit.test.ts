/**
 * GitHub rejects comments over 65,536 characters. 200 functions (copies of a real function's
 * model, each changed against its base) must still fit: first package details collapse, then
 * rows are cut, each time with a note saying so.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkBudgets, parseBudgetArg } from "../src/report/budgets.js";
import { compareModels } from "../src/report/compare.js";
import { formatMarkdown, MARKDOWN_LIMIT, MARKDOWN_MARKER } from "../src/report/format-markdown.js";
import type { FunctionModel, SizeModel } from "../src/report/model.js";
import { buildView } from "../src/report/view.js";
import { REPO } from "./helpers/paths.js";
import { markdownProblems } from "./report-markdown-check.js";

const realApi = JSON.parse(fs.readFileSync(path.join(REPO, "test/golden/models/head-api.json"), "utf8")) as SizeModel;

/** `n` functions; function i grew by (i+1)*100 bytes in every package, and every 50th is over budget. */
function fleet(n: number) {
  const base: FunctionModel[] = [];
  const head: FunctionModel[] = [];
  for (let i = 0; i < n; i++) {
    const name = `fn-${String(i).padStart(4, "0")}`;
    const b = { ...structuredClone(realApi.functions[0]!), name };
    const h = structuredClone(b);
    const growth = (i + 1) * 100;
    h.packages = h.packages.map((p) => ({ ...p, bytes: p.bytes + growth }));
    h.zipBytes += growth + (i % 50 === 7 ? 1_000_000 : 0);
    h.unzippedBytes += growth * h.packages.length;
    base.push(b);
    head.push(h);
  }
  const model = (functions: FunctionModel[]): SizeModel => ({ ...realApi, functions });
  const comparison = compareModels([{ file: "head.json", model: model(head) }], [{ file: "base.json", model: model(base) }]);
  return buildView(comparison, checkBudgets(head, [parseBudgetArg("zip=1MB")]));
}

const rows = (md: string) => md.split("\n").filter((l) => /^\| (✅|❌|⚪) \| `fn-/.test(l));
const detailsOf = (md: string) => [...md.matchAll(/<details><summary>\S+ <code>(fn-\d+)<\/code>/g)].map((m) => m[1]);

describe("Markdown size limit", () => {
  it("a few functions: everything, no note", () => {
    const md = formatMarkdown(fleet(3));
    expect(rows(md)).toHaveLength(3);
    expect(detailsOf(md)).toHaveLength(3);
    expect(md).not.toContain("GitHub's comment size limit");
  });

  it("200 functions: under the limit, every row kept, details collapsed for the most important first", () => {
    const view = fleet(200);
    const md = formatMarkdown(view);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md.length).toBeLessThan(65_536);
    expect(md.split("\n")[0]).toBe(MARKDOWN_MARKER);
    expect(rows(md)).toHaveLength(200);
    expect(markdownProblems(md)).toEqual([]);
    const kept = detailsOf(md);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(200);
    expect(md).toContain(
      `> Package details are shown for ${kept.length} of 200 functions (the largest changes first) to stay within GitHub's comment size limit; \`slimfn report --format text\` in the job log has all of them.`,
    );
    // Over budget first (every 50th from 7), then the largest zipped change.
    expect(kept.slice(0, 4)).toEqual(["fn-0157", "fn-0107", "fn-0057", "fn-0007"]);
    expect(kept.slice(4, 6)).toEqual(["fn-0199", "fn-0198"]);
    // The full report would not have fitted: this is a real collapse, not a small report.
    expect(Buffer.byteLength(formatMarkdown(view, { limit: Infinity }))).toBeGreaterThan(MARKDOWN_LIMIT);
  });

  it("3,000 functions: rows are cut too, over budget first, with a note", () => {
    const md = formatMarkdown(fleet(3000));
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md.split("\n")[0]).toBe(MARKDOWN_MARKER);
    const listed = rows(md);
    expect(listed.length).toBeGreaterThan(100);
    expect(listed.length).toBeLessThan(3000);
    expect(detailsOf(md)).toEqual([]);
    expect(markdownProblems(md)).toEqual([]);
    expect(md).toContain(`> This report is cut to fit GitHub's comment size limit: ${listed.length} of 3000 functions are listed`);
    // All 60 functions over budget are in the table, and only 20 failure lines are spelled out.
    expect(listed.filter((l) => l.startsWith("| ❌"))).toHaveLength(60);
    expect(md.match(/^- ❌ Function/gm)).toHaveLength(20);
    expect(md).toContain("- … and 40 more (see the job log)");
  });
});
