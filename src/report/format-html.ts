/**
 * `slimfn report --format html`: one self-contained page (no network, no CDN, no dependency)
 * with a treemap of each function's zip by package and file, compressed or unzipped bytes at
 * the flick of a switch. Lazy packages are striped, shipped ones have their own colour, and
 * with a base the groups that grew are outlined red (shrank: green) with their change.
 *
 * The page is a pure function of the comparison: no dates, no host paths, sorted data, so the
 * same size models give the same bytes. The layout runs in the browser (html-client.ts) because
 * it depends on the window's size.
 */
import { readInit } from "./init.js";
import { CLIENT_SCRIPT, CLIENT_STYLE } from "./html-client.js";
import { formatByteDelta, formatBytes, formatDuration } from "./sizes.js";
import { removedPackages, treemapGroups, type GroupKind, type TreemapGroup } from "./treemap.js";
import { coldRows } from "./cold.js";
import { countsText, type FunctionView, type ReportView } from "./view.js";

const KIND_NAMES: Record<GroupKind, string> = {
  own: "own code",
  package: "bundled package",
  shipped: "shipped in node_modules",
  included: "included files",
  glue: "bundler glue",
  other: "other files",
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside `<script>`: no `</script>` or `<!--` can end it early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

const texts = (bytes: number, zipBytes: number) => ({ zipBytes: formatBytes(zipBytes), bytes: formatBytes(bytes) });

function growthOf(g: TreemapGroup): { growth?: "grew" | "shrank"; badge?: string } {
  if (g.delta === null || g.delta === 0) return {};
  const badge = g.added ? `${formatByteDelta(g.delta)} new` : formatByteDelta(g.delta);
  return { growth: g.delta > 0 ? "grew" : "shrank", badge };
}

function groupData(g: TreemapGroup) {
  const tags = [KIND_NAMES[g.kind], g.lazy ? "lazy" : "", g.version ? `version ${g.version || "(none)"}` : ""].filter(Boolean).join(", ");
  const growth = growthOf(g);
  return {
    label: g.label,
    kind: g.kind,
    lazy: g.lazy,
    shipped: g.shipped,
    bytes: g.bytes,
    zipBytes: g.zipBytes,
    text: texts(g.bytes, g.zipBytes),
    title: `${g.label} (${tags}): ${formatBytes(g.zipBytes)} compressed, ${formatBytes(g.bytes)} unzipped${growth.badge ? `, ${growth.badge} against the base` : ""}`,
    ...growth,
    leaves: g.leaves.map((l) => ({ path: l.path, bytes: l.bytes, zipBytes: l.zipBytes, text: texts(l.bytes, l.zipBytes) })),
  };
}

function figures(f: FunctionView): string {
  const fn = f.row.head!;
  const parts = [
    `${f.zipped} zipped${f.zippedDelta ? ` (${f.zippedDelta})` : ""}`,
    `${f.unzipped} unzipped${f.unzippedDelta ? ` (${f.unzippedDelta})` : ""}`,
    `${fn.entryCount} files`,
    `handler ${fn.handler}`,
  ];
  const init = readInit(fn);
  if (init) parts.push(`init ${formatDuration(init.ms)} (${(init.ms / init.bareNodeMs).toFixed(2)}x a bare node start)`);
  return parts.map(escapeHtml).join(" · ");
}

function coldTable(f: FunctionView): string {
  const rows = coldRows(f.row.head!);
  if (!rows.length) return "";
  const withBase = rows.some((r) => r.ratio !== undefined);
  const body = rows
    .map((r) => `<tr><td>${escapeHtml(r.event)}</td><td class="n">${formatDuration(r.initMs)}</td><td class="n">${formatDuration(r.firstInvocationMs)}</td><td class="n">${formatDuration(r.coldMs)}</td>${withBase ? `<td class="n">${r.ratio === undefined ? "-" : `${r.ratio.toFixed(2)}x`}</td>` : ""}</tr>`)
    .join("");
  const ratio = withBase ? `<th class="n">cold total vs base</th>` : "";
  return `<table class="cold"><thead><tr><th>event</th><th class="n">init</th><th class="n">first invocation</th><th class="n">cold total</th>${ratio}</tr></thead><tbody>${body}</tbody></table>`;
}

function groupTable(groups: TreemapGroup[]): string {
  const rows = [...groups]
    .sort((a, b) => b.zipBytes - a.zipBytes || (a.label < b.label ? -1 : 1))
    .map((g) => {
      const growth = growthOf(g).badge ?? "";
      return `<tr><td>${escapeHtml(g.label)}</td><td>${escapeHtml(KIND_NAMES[g.kind])}${g.lazy ? ", lazy" : ""}</td><td class="n">${formatBytes(g.zipBytes)}</td><td class="n">${formatBytes(g.bytes)}</td><td class="n">${escapeHtml(growth)}</td></tr>`;
    })
    .join("");
  return `<details><summary>Groups as a table</summary><table><thead><tr><th>group</th><th>kind</th><th class="n">compressed</th><th class="n">unzipped</th><th class="n">change</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

export function formatHtml(view: ReportView): string {
  const data: { functions: ReturnType<typeof groupDataOf>[] } = { functions: [] };
  const sections: string[] = [];
  for (const f of view.functions) {
    const name = escapeHtml(f.row.name);
    if (!f.row.head) {
      sections.push(`<section class="fn removed" data-function="${name}"><h2>${name}</h2><p class="figures">removed: only in the base (${escapeHtml(formatBytes(f.row.base!.zipBytes))} zipped)</p></section>`);
      continue;
    }
    const groups = treemapGroups(f.row);
    const index = data.functions.length;
    data.functions.push(groupDataOf(f.row.name, groups));
    const removed = removedPackages(f.row);
    const lost = removed.length
      ? `<p class="removed">Removed since the base: ${removed.map((p) => `${escapeHtml(p.name)} (${formatBytes(p.base?.bytes ?? 0)})`).join(", ")}</p>`
      : "";
    const change = f.row.change ? ` <span class="sub">(${escapeHtml(f.row.change)})</span>` : "";
    sections.push(
      `<section class="fn" data-function="${name}"><h2>${name}${change}</h2><p class="figures">${figures(f)}</p>${coldTable(f)}<div class="treemap" data-index="${index}" role="img" aria-label="Treemap of ${name}'s zip"></div>${lost}${groupTable(groups)}</section>`,
    );
  }
  const legend = (Object.keys(KIND_NAMES) as GroupKind[]).map((k) => `<span class="k-${k}">${KIND_NAMES[k]}</span>`).join("");
  const files = (list: string[]) => list.map(escapeHtml).join(", ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>slimfn size report</title>
<style>${CLIENT_STYLE}</style>
</head>
<body>
<h1>slimfn size report</h1>
<p class="sub">${escapeHtml(countsText(view))} · head: ${files(view.comparison.headFiles)}${view.comparison.hasBase ? ` · base: ${files(view.comparison.baseFiles)}` : ""}</p>
<div class="controls">
<fieldset><legend>Area</legend><label><input type="radio" name="metric" value="zipBytes" checked> compressed bytes</label> <label><input type="radio" name="metric" value="bytes"> unzipped bytes</label></fieldset>
<div class="legend">${legend}<span style="--c:#7ee0c8">lazy package (striped, loaded on first use)</span>${view.comparison.hasBase ? `<span style="--c:#cf222e">red outline: grew</span><span style="--c:#1a7f37">green outline: shrank</span>` : ""}</div>
</div>
${sections.join("\n")}
<script type="application/json" id="slimfn-data">${scriptJson(data)}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

function groupDataOf(name: string, groups: TreemapGroup[]) {
  return { name, groups: groups.map(groupData) };
}
