/**
 * The end-of-build summary, one short block per function, in esbuild's style:
 *
 *   dist/handler.zip  212 kB zipped (0.4% of 50 MiB) · 804 kB unzipped (0.3% of 250 MiB)
 *     handler   handler.handler  (nodejs22.x)
 *     largest   @aws-sdk/client-s3 301 kB · zod 92.1 kB · ...
 *     sha256    6f1c...
 */
import path from "node:path";
import type { LayerModel } from "./report/model.js";
import type { PackagedFunction } from "./package-functions.js";
import { formatBytes, formatDuration, formatShare } from "./report/sizes.js";
import { lazyLines } from "./lazy/summary-lines.js";

export interface SummaryStyle {
  color: boolean;
}

const paint = (on: boolean, code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Whether to color: never with NO_COLOR (https://no-color.org), else when writing to a TTY. */
export function useColor(stream: { isTTY?: boolean } = process.stderr, env = process.env): boolean {
  return env.NO_COLOR === undefined && env.FORCE_COLOR !== "0" && (Boolean(stream.isTTY) || (env.FORCE_COLOR ?? "") !== "");
}

/**
 * What strip rules and the platform filter left out of the shipped packages: totals, the
 * packages that lost most, and every binary or platform package dropped with the reason.
 */
function strippedLines(model: PackagedFunction["model"], dim: (s: string) => string): string[] {
  const lines: string[] = [];
  const shipped = model.shipped ?? [];
  const leftOut = (label: string, what: string, count: (p: (typeof shipped)[number]) => { files: number; bytes: number } | undefined) => {
    const touched = shipped.filter((p) => count(p)?.files).sort((a, b) => count(b)!.bytes - count(a)!.bytes || (a.path < b.path ? -1 : 1));
    if (!touched.length) return;
    const files = touched.reduce((s, p) => s + count(p)!.files, 0);
    const bytes = touched.reduce((s, p) => s + count(p)!.bytes, 0);
    const top = touched.slice(0, 4).map((p) => `${p.name} ${formatBytes(count(p)!.bytes)}`);
    const more = touched.length > 4 ? dim(` · ${touched.length - 4} more`) : "";
    lines.push(`    ${dim(label)}  ${formatBytes(bytes)} in ${files} file${files === 1 ? "" : "s"} ${dim(what)}: ${top.join(dim(" · "))}${more}`);
  };
  leftOut("stripped", "(docs, tests, declarations, maps)", (p) => p.stripped);
  leftOut("kept out", 'a linked package would not publish (not in its "files")', (p) => p.unpublished);
  for (const p of shipped) {
    for (const b of p.droppedBinaries ?? []) lines.push(`    ${dim("dropped ")}  ${p.name}/${b.path} ${dim(`(${b.reason})`)}`);
  }
  for (const d of model.droppedPackages ?? []) lines.push(`    ${dim("dropped ")}  ${d.name} ${d.version} ${dim(`(${d.reason})`)}`);
  const refused = model.refused ?? [];
  if (refused.length) {
    const shown = refused.slice(0, 3).map((r) => `${r.path} ${dim(`(${r.pattern})`)}`);
    const more = refused.length > 3 ? dim(` · ${refused.length - 3} more`) : "";
    lines.push(
      `    ${dim("refused ")}  ${refused.length === 1 ? "1 file that looks like a secret" : `${refused.length} files that look like secrets`} ${dim("(never shipped; allowSecrets ships one on purpose)")}: ${shown.join(dim(" · "))}${more}`,
    );
  }
  return lines;
}

/**
 * Shipped packages (direct ones with their closure's weight), included files, and the measured
 * init time and memory: what a user sizes the function's memory and reviews a cold start by.
 */
function shippedLines(model: PackagedFunction["model"], dim: (s: string) => string, cached = false): string[] {
  const lines: string[] = [];
  const shipped = model.shipped ?? [];
  if (shipped.length) {
    const direct = shipped.filter((p) => p.direct);
    const total = shipped.reduce((sum, p) => sum + p.zipBytes, 0);
    const parts = direct.map((p) => `${p.name} ${p.version}${p.reason === "native" ? dim(" (native, auto)") : ""}`);
    lines.push(
      `    ${dim("shipped ")}  ${parts.join(dim(" · "))} ${dim(`· ${shipped.length} package${shipped.length === 1 ? "" : "s"} in node_modules, ${formatBytes(total)} zipped`)}`,
    );
  }
  lines.push(...strippedLines(model, dim));
  if (model.included?.length) {
    lines.push(`    ${dim("included")}  ${model.included.length} file${model.included.length === 1 ? "" : "s"} ${dim(`(${model.included.slice(0, 3).join(", ")}${model.included.length > 3 ? ", ..." : ""})`)}`);
  }
  if (model.init) {
    const i = model.init;
    lines.push(
      `    ${dim("init    ")}  ${formatDuration(i.medianMs)} ${i.runs === 1 ? "in 1 run" : `median of ${i.runs}`} ${dim(`(${i.ratio.toFixed(2)}x a bare node start, ${formatDuration(i.bareNodeMs)}; node ${i.node})`)} · ${formatBytes(i.rssBytes)} resident after init${cached ? ` · verified (cached) ${dim("(same zip and inputs passed before)")}` : ""}`,
    );
    if (i.invocation) {
      lines.push(`    ${dim("invoke  ")}  ${i.invocation.ok ? "ok" : "threw"} in ${formatDuration(i.invocation.ms)}: ${i.invocation.preview.split("\n")[0]}`);
    }
    // The whole cold start per kind of request: init + first invocation.
    if (i.events?.length) {
      const shown = i.events.slice(0, 4).map((e) => `${e.event} ${formatDuration(e.coldMs)} ${dim(`(${formatDuration(e.initMs)} + ${formatDuration(e.firstInvocationMs)})`)}${e.ok ? "" : dim(" threw")}`);
      const more = i.events.length > 4 ? dim(` · ${i.events.length - 4} more`) : "";
      lines.push(`    ${dim("cold    ")}  ${shown.join(dim(" · "))}${more} ${dim(`· init + first invocation, median of ${i.events[0]!.runs}`)}`);
    }
  }
  return lines;
}

export function formatSummary(functions: readonly PackagedFunction[], root: string, style: SummaryStyle, layer?: LayerModel): string {
  const bold = paint(style.color, 1);
  const dim = paint(style.color, 2);
  const cyan = paint(style.color, 36);
  const blocks = functions.map(({ model, zipPath, verifiedFromCache }) => {
    const where = zipPath ? path.relative(root, zipPath) || zipPath : `${model.name} (zip: false)`;
    const lines = [
      `  ${bold(where)}  ${cyan(formatBytes(model.zipBytes))} zipped (${formatShare(model.limits.zipped)} of 50 MiB) · ${formatBytes(model.unzippedBytes)} unzipped (${formatShare(model.limits.unzipped)} of 250 MiB) · ${model.entryCount} file${model.entryCount === 1 ? "" : "s"}`,
      `    ${dim("handler ")}  ${model.handler}  ${dim(`(${model.runtime})`)}`,
    ];
    const largest = [...model.packages].sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1)).slice(0, 5);
    if (largest.length) {
      lines.push(`    ${dim("largest ")}  ${largest.map((p) => `${p.name} ${formatBytes(p.bytes)}`).join(dim(" · "))}`);
    }
    if (model.runtimeExternals.length) {
      lines.push(`    ${dim("runtime ")}  ${model.runtimeExternals.join(", ")} ${dim("(provided by the runtime, not shipped)")}`);
    }
    lines.push(...shippedLines(model, dim, verifiedFromCache));
    lines.push(...lazyLines(model.lazy, dim));
    lines.push(`    ${dim("sha256  ")}  ${model.sha256}`);
    return lines.join("\n");
  });
  if (layer) {
    const users = [...new Set(layer.packages.flatMap((p) => p.functions))].sort();
    const names = layer.packages.map((p) => p.name);
    blocks.push(
      [
        `  ${bold(layer.zip ?? "layer")}  ${cyan(formatBytes(layer.zipBytes))} zipped · ${formatBytes(layer.unzippedBytes)} unzipped · ${layer.entryCount} file${layer.entryCount === 1 ? "" : "s"}`,
        `    ${dim("layer   ")}  ${names.length} shared package${names.length === 1 ? "" : "s"} (${names.length > 5 ? `${names.slice(0, 5).join(", ")}, ...` : names.join(", ")}) ${dim(`for ${users.join(", ")}: deploy it as their layer`)}`,
        `    ${dim("sha256  ")}  ${layer.sha256}`,
      ].join("\n"),
    );
  }
  return `\n${blocks.join("\n\n")}\n`;
}
