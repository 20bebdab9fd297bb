/**
 * Two real builds of the multi fixture whose shared module changes by one letter: its chunk gets
 * a new content hash (a new name, the same bytes) and every importer names the new chunk. The
 * report folds the rename instead of calling the functions changed, and shows the init delta
 * both size models measured.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareModels } from "../src/report/compare.js";
import { formatJson } from "../src/report/format-json.js";
import { formatMarkdown } from "../src/report/format-markdown.js";
import { formatText } from "../src/report/format-text.js";
import type { SizeModel } from "../src/report/model.js";
import { formatDuration } from "../src/report/sizes.js";
import { buildView } from "../src/report/view.js";
import { BUNDLERS, buildFixture } from "./helpers/build.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";

async function build(edit?: (root: string) => void): Promise<SizeModel> {
  const root = copyFixture(fixture("multi"), repoTempDir("renames-"));
  edit?.(root);
  const built = await buildFixture(BUNDLERS[0]!, {
    root, entries: ["src/api/get.mjs", "src/api/put.mjs"], outbase: "src",
    slimfn: { runtime: "nodejs20.x", verify: { runs: 1 }, report: { json: "dist/size.json" } },
  });
  expect(built.failure?.errors).toBeUndefined();
  return built.model!;
}

describe("report: chunk renames and init deltas", () => {
  it("a renamed chunk with the same bytes is folded (the function is unchanged); init deltas are shown", async () => {
    const [base, head] = await Promise.all([
      build(),
      build((root) => {
        const file = path.join(root, "src/shared/greet.mjs");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("hello", "hallo"));
      }),
    ]);
    const chunk = (m: SizeModel) => m.functions[0]!.files.map((f) => f.path).find((p) => p.startsWith("chunk-"))!;
    expect(chunk(head)).not.toBe(chunk(base));
    const comparison = compareModels([{ file: "head.json", model: head }], [{ file: "base.json", model: base }]);
    expect(comparison.functions.map((f) => ({ name: f.name, change: f.change, renamed: f.renamed }))).toEqual(
      ["api-get", "api-put"].map((name) => ({ name, change: "unchanged", renamed: [{ from: chunk(base), to: chunk(head) }] })),
    );
    const view = buildView(comparison, []);
    const delta = (name: string) => {
      const h = head.functions.find((f) => f.name === name)!.init!.medianMs;
      const b = base.functions.find((f) => f.name === name)!.init!.medianMs;
      const pct = ((h - b) / b) * 100;
      const sign = (n: number) => (n > 0 ? "+" : n < 0 ? "-" : "");
      return h === b ? "0 ms" : `${sign(h - b)}${formatDuration(Math.abs(h - b))} (${sign(pct)}${Math.abs(pct) < 0.1 ? "<0.1" : Math.abs(pct) < 10 ? Math.abs(pct).toFixed(1) : Math.abs(pct).toFixed(0)}%)`;
    };
    expect(view.functions.map((f) => f.initDelta)).toEqual([delta("api-get"), delta("api-put")]);
    const text = formatText(view).split("\n");
    expect(text.find((l) => l.includes("  function"))).toMatch(/ init {2,}init delta {2,}budget use$/);
    for (const f of view.functions) expect(text.find((l) => l.includes(` ${f.row.name} `))).toContain(`${f.init}  ${f.initDelta.padStart(Math.max(...view.functions.map((v) => v.initDelta.length), "init delta".length))}`);
    expect(text).toContain(`2 functions unchanged: api-get, api-put (chunk renamed: ${chunk(base)} -> ${chunk(head)})`);
    expect(formatMarkdown(view)).toContain(`2 functions unchanged: \`api-get\`, \`api-put\` (chunk renamed: \`${chunk(base)}\` → \`${chunk(head)}\`).`);
    // A changed function's row carries its init delta.
    const grown = structuredClone(base);
    grown.functions[0]!.unzippedBytes -= 1;
    const changed = buildView(compareModels([{ file: "head.json", model: head }], [{ file: "base.json", model: grown }]), []);
    const md = formatMarkdown(changed);
    expect(md).toContain("| Init | Δ init | Budget use |");
    expect(md.split("\n").find((l) => l.includes("`api-get`"))).toContain(`| ${changed.functions[0]!.init} | ${changed.functions[0]!.initDelta} |`);
    const json = JSON.parse(formatJson(view));
    expect(json.functions.map((f: { initDeltaMs: number; renamed: unknown }) => [f.initDeltaMs, f.renamed])).toEqual(
      ["api-get", "api-put"].map((name) => [
        Math.round((head.functions.find((f) => f.name === name)!.init!.medianMs - base.functions.find((f) => f.name === name)!.init!.medianMs) * 1000) / 1000,
        [{ from: chunk(base), to: chunk(head) }],
      ]),
    );
  });
});
