/**
 * The size report for a CI log: aligned plain-text columns, ASCII marks, every function and
 * every package difference (a log has no size limit, unlike a PR comment).
 */
import { describeCheck, formatLimit, formatUse } from "./budgets.js";
import type { PackageRow } from "./compare.js";
import { formatBytes } from "./sizes.js";
import { countsText, deltaText, packageDelta, versionText, type ReportView } from "./view.js";

const MARK = { ok: "ok", exceeded: "FAIL", "not-measured": "n/a" } as const;
const CHANGE = { added: "+", removed: "-", changed: "~", unchanged: " " } as const;

/** Lay out rows as columns; numeric columns (flag `true`) are right-aligned. */
function columns(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

function packageLabel(p: PackageRow): string {
  const tags = [p.lazy ? "lazy" : "", p.shipped ? "shipped" : ""].filter(Boolean);
  return `${p.change ? CHANGE[p.change] : " "} ${p.name}${tags.length ? ` (${tags.join(", ")})` : ""}`;
}

export function formatText(view: ReportView): string {
  const hasBase = view.comparison.hasBase;
  const out: string[] = [];
  const files = (list: string[]) => list.join(", ");
  out.push(`slimfn size report: ${countsText(view)}`);
  out.push(`  head: ${files(view.comparison.headFiles)}`);
  if (hasBase) out.push(`  base: ${files(view.comparison.baseFiles)}`);
  out.push("");

  const header = ["", "function", ...(hasBase ? ["change"] : []), "zipped", ...(hasBase ? ["delta"] : []), "unzipped", ...(hasBase ? ["delta"] : []), ...(view.showInit ? ["init"] : []), "budget use"];
  const right = header.map((h) => ["zipped", "delta", "unzipped", "init"].includes(h));
  const rows = view.functions.map((f) => [
    f.row.head ? MARK[f.status] : "",
    f.row.name,
    ...(hasBase ? [f.row.change ?? ""] : []),
    f.zipped,
    ...(hasBase ? [f.zippedDelta] : []),
    f.unzipped,
    ...(hasBase ? [f.unzippedDelta] : []),
    ...(view.showInit ? [f.init] : []),
    f.budgetUse,
  ]);
  out.push(...columns([header, ...rows], right).map((l) => `  ${l}`), "");

  for (const f of view.functions) {
    const { row } = f;
    if (hasBase && row.change === "unchanged") continue;
    const shown = hasBase ? row.packages.filter((p) => p.change !== "unchanged") : row.packages;
    const same = row.packages.length - shown.length;
    out.push(`${row.name}${row.change ? ` (${row.change})` : ""}`);
    if (shown.length) {
      const pHeader = ["package", "version", "bundled", "zipped share", ...(hasBase ? ["delta"] : [])];
      const pRows = shown.map((p) => [
        packageLabel(p),
        versionText(p, "->"),
        p.head ? formatBytes(p.head.bytes) : "-",
        p.head ? formatBytes(p.head.zipBytes) : "-",
        ...(hasBase ? [packageDelta(true, p)] : []),
      ]);
      if (row.head) {
        const own = row.head.ownCode;
        pRows.push(["  (own code)", "", formatBytes(own.bytes), formatBytes(own.zipBytes), ...(hasBase ? [deltaText(true, row.base?.ownCode.bytes, own.bytes)] : [])]);
      }
      out.push(...columns([pHeader, ...pRows], [false, false, true, true, true]).map((l) => `  ${l}`));
    }
    if (same > 0) out.push(`  ${same} package${same === 1 ? "" : "s"} unchanged`);
    if (!row.packages.length && !shown.length) out.push("  no npm packages");
    for (const c of f.checks) {
      out.push(`  ${MARK[c.status].padEnd(4)} ${c.budget.label}: ${formatUse(c)}${c.limit !== null ? ` of ${formatLimit(c)}` : ""}`);
    }
    out.push("");
  }

  const unchanged = view.functions.filter((f) => f.row.change === "unchanged").map((f) => f.row.name);
  if (unchanged.length) out.push(`${unchanged.length} function${unchanged.length === 1 ? "" : "s"} unchanged: ${unchanged.join(", ")}`, "");

  if (view.exceeded.length) {
    out.push(`${view.exceeded.length} budget${view.exceeded.length === 1 ? "" : "s"} exceeded:`);
    for (const c of view.exceeded) out.push(`  FAIL ${describeCheck(c)}`);
    out.push("");
  }
  for (const c of view.notMeasured) out.push(`  n/a  ${describeCheck(c)}`);
  if (view.notMeasured.length) out.push("");
  if (!view.exceeded.length) {
    const n = view.notMeasured.length;
    out.push(n ? `All measured budgets and Lambda's limits are met; ${n} not measured.` : "All budgets and Lambda's limits are met.");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
