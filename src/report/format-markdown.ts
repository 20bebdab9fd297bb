/**
 * The size report as a pull-request comment. A hidden marker line lets a bot find and update
 * its own comment; GitHub rejects comments over 65,536 characters, so a report for many
 * functions first collapses per-package details and then truncates rows, each time with a note.
 */
import { describeCheck, formatUseOf, type BudgetCheck } from "./budgets.js";
import type { FunctionRow, PackageRow } from "./compare.js";
import { formatBytes } from "./sizes.js";
import { countsText, deltaText, packageDelta, renamesNote, versionText, type FunctionView, type ReportView } from "./view.js";

/** The first line of every slimfn comment; workflows search for it to update in place. */
export const MARKDOWN_MARKER = "<!-- slimfn-size-report -->";

/**
 * GitHub's limit is 65,536 characters; a UTF-8 byte count is never below the character count,
 * and the margin leaves room for text a workflow adds around the report.
 */
export const MARKDOWN_LIMIT = 65_000;

const MARK = { ok: "✅", exceeded: "❌", "not-measured": "⚪" } as const;
const CHANGE_MARK: Record<string, string> = { added: "🆕 ", removed: "🗑️ ", changed: "", unchanged: "" };

/** Inline code that cannot break a table cell. */
const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const size = (s: string) => Buffer.byteLength(s, "utf8");
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function functionCell(row: FunctionRow): string {
  const name = code(row.name);
  if (row.change === "removed") return `${CHANGE_MARK.removed}~~${name}~~ (removed)`;
  if (row.change === "added") return `${CHANGE_MARK.added}${name} (added)`;
  return name;
}

function tableHeader(view: ReportView): string[] {
  const base = view.comparison.hasBase;
  const cols = ["", "Function", "Zipped", ...(base ? ["Δ zipped"] : []), "Unzipped", ...(base ? ["Δ unzipped"] : []), ...(view.showInit ? ["Init", ...(base ? ["Δ init"] : [])] : []), "Budget use"];
  const align = cols.map((c) => (c === "" ? ":-:" : c === "Function" || c === "Budget use" ? ":--" : "--:"));
  return [`| ${cols.join(" | ")} |`, `|${align.join("|")}|`];
}

function tableRow(view: ReportView, f: FunctionView): string {
  const base = view.comparison.hasBase;
  const mark = f.row.head ? MARK[f.status] : "";
  const cols = [
    mark,
    functionCell(f.row),
    f.zipped,
    ...(base ? [f.zippedDelta] : []),
    f.unzipped,
    ...(base ? [f.unzippedDelta] : []),
    ...(view.showInit ? [f.init, ...(base ? [f.initDelta] : [])] : []),
    cell(f.budgetUse),
  ];
  return `| ${cols.join(" | ")} |`;
}

function packageName(p: PackageRow): string {
  const tags = [p.lazy ? "lazy" : "", p.shipped ? "shipped" : ""].filter(Boolean);
  const name = p.change === "removed" ? `~~${code(p.name)}~~` : code(p.name);
  const mark = p.change === "added" ? "🆕 " : p.change === "removed" ? "🗑️ " : "";
  return `${mark}${name}${tags.length ? ` *(${tags.join(", ")})*` : ""}`;
}

function budgetLine(c: BudgetCheck): string {
  return `${MARK[c.status]} ${cell(c.budget.label)}: ${formatUseOf(c)}`;
}

/** The collapsible per-function section: packages (only those that differ, given a base) and budgets. */
function details(view: ReportView, f: FunctionView): string {
  const hasBase = view.comparison.hasBase;
  const { row } = f;
  const shown = hasBase ? row.packages.filter((p) => p.change !== "unchanged") : row.packages;
  const same = row.packages.length - shown.length;
  const summaryParts: string[] = [];
  if (hasBase) {
    for (const k of ["changed", "added", "removed"] as const) {
      const n = row.packages.filter((p) => p.change === k).length;
      if (n) summaryParts.push(`${n} package${n === 1 ? "" : "s"} ${k}`);
    }
    if (!summaryParts.length) summaryParts.push("no package changes");
  } else {
    summaryParts.push(`${row.packages.length} package${row.packages.length === 1 ? "" : "s"}`);
  }
  if (!row.packages.length) summaryParts.splice(0, summaryParts.length, "no npm packages");
  if (row.change === "unchanged") summaryParts.splice(0, summaryParts.length, "unchanged since the base");
  else if (f.zippedDelta) summaryParts.unshift(`${f.zippedDelta} zipped`);
  // Inside an HTML block GitHub does not render Markdown, so the name is HTML, not backticks.
  const lines = [`<details><summary>${MARK[f.status]} <code>${html(row.name)}</code>: ${html(summaryParts.join(", "))}</summary>`, ""];
  if (shown.length) {
    lines.push(
      `| Package | Version | Bundled | Zipped share${hasBase ? " | Δ bundled" : ""} |`,
      `|:--|:--|--:|--:|${hasBase ? "--:|" : ""}`,
    );
    for (const p of shown) {
      const bundled = p.head ? formatBytes(p.head.bytes) : "-";
      const zipped = p.head ? formatBytes(p.head.zipBytes) : "-";
      lines.push(`| ${packageName(p)} | ${cell(versionText(p, "→"))} | ${bundled} | ${zipped}${hasBase ? ` | ${packageDelta(true, p)}` : ""} |`);
    }
    if (row.head) {
      const own = row.head.ownCode;
      const ownDelta = hasBase ? ` | ${deltaText(true, row.base?.ownCode.bytes, own.bytes)}` : "";
      lines.push(`| *own code* | | ${formatBytes(own.bytes)} | ${formatBytes(own.zipBytes)}${ownDelta} |`);
    }
    lines.push("");
  }
  if (same > 0) lines.push(`${same} package${same === 1 ? "" : "s"} unchanged.`, "");
  if (f.checks.length) lines.push(`Budgets: ${f.checks.map(budgetLine).join(" · ")}`, "");
  lines.push("</details>");
  return lines.join("\n");
}

/** Functions whose details matter most first: over budget, then by how much their zip moved. */
function priority(view: ReportView): FunctionView[] {
  const rank = (f: FunctionView) => (f.status === "exceeded" ? 0 : f.row.change === "added" || f.row.change === "removed" ? 1 : 2);
  return [...view.functions].sort((a, b) => rank(a) - rank(b) || b.impact - a.impact || (a.row.name < b.row.name ? -1 : 1));
}

function unchangedLine(rows: FunctionRow[], max: number): string {
  const shown = rows.slice(0, max).map((r) => code(r.name)).join(", ");
  const rest = rows.length > max ? ` and ${rows.length - max} more` : "";
  return `${rows.length} function${rows.length === 1 ? "" : "s"} unchanged: ${shown}${rest}${renamesNote(rows.slice(0, max), code, "→")}.`;
}

export interface MarkdownOptions {
  /** Largest report in UTF-8 bytes. @default MARKDOWN_LIMIT */
  limit?: number;
}

/** Render the report as GitHub-flavoured Markdown that fits in one comment. */
export function formatMarkdown(view: ReportView, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  // An unchanged function over a budget keeps its row: the failure must be visible.
  const quiet = (f: FunctionView) => f.row.change === "unchanged" && f.status !== "exceeded";
  const listed = view.functions.filter((f) => !quiet(f));
  const unchanged = view.functions.filter(quiet).map((f) => f.row);
  // A removed function's row says all there is: listing every package it had is noise.
  const ordered = priority({ ...view, functions: listed });
  const detailed = ordered.filter((f) => f.row.change !== "removed");

  const headline = (): string => {
    const e = view.exceeded.length;
    const status = e
      ? `${MARK.exceeded} **${e} budget${e === 1 ? "" : "s"} exceeded**`
      : view.notMeasured.length
        ? `${MARK.ok} within budgets (${view.notMeasured.length} not measured)`
        : `${MARK.ok} within budgets`;
    return `${status} · ${countsText(view)}`;
  };

  const render = (rows: FunctionView[], failures: number, withDetails: Set<string>, notes: string[]): string => {
    const out = [MARKDOWN_MARKER, "### slimfn size report", "", headline(), ""];
    if (rows.length) {
      out.push(...tableHeader(view));
      // The table keeps name order, whatever was dropped.
      const keep = new Set(rows.map((r) => r.row.name));
      for (const f of listed) if (keep.has(f.row.name)) out.push(tableRow(view, f));
      out.push("");
    }
    if (unchanged.length) out.push(unchangedLine(unchanged, 20), "");
    if (view.exceeded.length) {
      out.push("**Budgets exceeded**", "");
      for (const c of view.exceeded.slice(0, failures)) out.push(`- ${MARK.exceeded} ${cell(describeCheck(c))}`);
      if (failures < view.exceeded.length) out.push(`- … and ${view.exceeded.length - failures} more (see the job log)`);
      out.push("");
    }
    for (const f of detailed) if (withDetails.has(f.row.name)) out.push(details(view, f), "");
    for (const n of notes) out.push(`> ${n}`, "");
    return `${out.join("\n").trimEnd()}\n`;
  };

  const everyDetail = new Set(detailed.map((f) => f.row.name));
  const full = render(ordered, view.exceeded.length, everyDetail, []);
  if (size(full) <= limit) return full;

  // 1. Collapse: keep per-package details for the functions that matter most, as many as fit.
  const collapseNote = (kept: number) =>
    `Package details are shown for ${kept} of ${detailed.length} functions (the largest changes first) to stay within GitHub's comment size limit; \`slimfn report --format text\` in the job log has all of them.`;
  const bare = render(ordered, view.exceeded.length, new Set(), [collapseNote(detailed.length)]);
  if (size(bare) <= limit) {
    const kept = new Set<string>();
    let room = limit - size(bare);
    for (const f of detailed) {
      const block = size(details(view, f)) + 2;
      if (block <= room) {
        kept.add(f.row.name);
        room -= block;
      }
    }
    return render(ordered, view.exceeded.length, kept, [collapseNote(kept.size)]);
  }

  // 2. Truncate: fewer budget lines, then fewer table rows (most important kept), with a note.
  const failures = Math.min(view.exceeded.length, 20);
  const truncNote = (rows: number) =>
    `This report is cut to fit GitHub's comment size limit: ${rows} of ${ordered.length} functions are listed (over budget and largest changes first), without package details. \`slimfn report --format text\` in the job log has the whole report.`;
  let lo = 0;
  let hi = ordered.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (size(render(ordered.slice(0, mid), failures, new Set(), [truncNote(mid)])) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return render(ordered.slice(0, lo), failures, new Set(), [truncNote(lo)]);
}
