/**
 * The size report for a CI log: aligned plain-text columns, ASCII marks, every function and
 * every package difference (a log has no size limit, unlike a PR comment). The sentences for
 * exceeded budgets are not repeated here: the command prints them as diagnostics on stderr,
 * where they keep their codes whatever the format.
 */
import { formatUseOf } from "./budgets.js";
import type { PackageRow } from "./compare.js";
import { formatBytes } from "./sizes.js";
import { countsText, deltaText, packageDelta, renamesNote, versionText, type ReportView } from "./view.js";

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

  const header = ["", "function", ...(hasBase ? ["change"] : []), "zipped", ...(hasBase ? ["zipped delta"] : []), "unzipped", ...(hasBase ? ["unzipped delta"] : []), ...(view.showInit ? ["init", ...(hasBase ? ["init delta"] : [])] : []), "budget use"];
  const right = header.map((h) => ["zipped", "zipped delta", "unzipped", "unzipped delta", "init", "init delta"].includes(h));
  const rows = view.functions.map((f) => [
    f.row.head ? MARK[f.status] : "",
    f.row.name,
    ...(hasBase ? [f.row.change ?? ""] : []),
    f.zipped,
    ...(hasBase ? [f.zippedDelta] : []),
    f.unzipped,
    ...(hasBase ? [f.unzippedDelta] : []),
    ...(view.showInit ? [f.init, ...(hasBase ? [f.initDelta] : [])] : []),
    f.budgetUse,
  ]);
  out.push(...columns([header, ...rows], right).map((l) => `  ${l}`), "");

  for (const f of view.functions) {
    const { row } = f;
    if (hasBase && row.change === "unchanged") continue;
    if (row.change === "removed") {
      const n = row.packages.length;
      out.push(`${row.name} (removed): it had ${n ? `${n} npm package${n === 1 ? "" : "s"}` : "no npm packages"}`, "");
      continue;
    }
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
      out.push(`  ${MARK[c.status].padEnd(4)} ${c.budget.label}: ${formatUseOf(c)}`);
    }
    out.push("");
  }

  const unchanged = view.functions.filter((f) => f.row.change === "unchanged").map((f) => f.row);
  if (unchanged.length) {
    out.push(`${unchanged.length} function${unchanged.length === 1 ? "" : "s"} unchanged: ${unchanged.map((r) => r.name).join(", ")}${renamesNote(unchanged, (s) => s, "->")}`, "");
  }

  const e = view.exceeded.length;
  const n = view.notMeasured.length;
  const unmeasured = n ? ` ${n} budget${n === 1 ? " was" : "s were"} not measured.` : "";
  out.push(e ? `FAIL: ${e} budget${e === 1 ? "" : "s"} exceeded.${unmeasured}` : `ok: all ${n ? "measured " : ""}budgets and Lambda's limits are met.${unmeasured}`);
  return `${out.join("\n").trimEnd()}\n`;
}
