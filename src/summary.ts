/**
 * The end-of-build summary, one short block per function, in esbuild's style:
 *
 *   dist/handler.zip  212 kB zipped (0.4% of 50 MiB) · 804 kB unzipped (0.3% of 250 MiB)
 *     handler   handler.handler  (nodejs22.x)
 *     largest   @aws-sdk/client-s3 301 kB · zod 92.1 kB · ...
 *     sha256    6f1c...
 */
import path from "node:path";
import type { PackagedFunction } from "./package-functions.js";
import { formatBytes, formatShare } from "./report/sizes.js";

export interface SummaryStyle {
  color: boolean;
}

const paint = (on: boolean, code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Whether to color: never with NO_COLOR (https://no-color.org), else when writing to a TTY. */
export function useColor(stream: { isTTY?: boolean } = process.stderr, env = process.env): boolean {
  return env.NO_COLOR === undefined && env.FORCE_COLOR !== "0" && (Boolean(stream.isTTY) || (env.FORCE_COLOR ?? "") !== "");
}

export function formatSummary(functions: readonly PackagedFunction[], root: string, style: SummaryStyle): string {
  const bold = paint(style.color, 1);
  const dim = paint(style.color, 2);
  const cyan = paint(style.color, 36);
  const blocks = functions.map(({ model, zipPath }) => {
    const where = zipPath ? path.relative(root, zipPath) || zipPath : `${model.name} (zip: false)`;
    const lines = [
      `  ${bold(where)}  ${cyan(formatBytes(model.zipBytes))} zipped (${formatShare(model.limits.zipped)} of 50 MiB) · ${formatBytes(model.unzippedBytes)} unzipped (${formatShare(model.limits.unzipped)} of 250 MiB) · ${model.entryCount} files`,
      `    ${dim("handler ")}  ${model.handler}  ${dim(`(${model.runtime})`)}`,
    ];
    const largest = [...model.packages].sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1)).slice(0, 5);
    if (largest.length) {
      lines.push(`    ${dim("largest ")}  ${largest.map((p) => `${p.name} ${formatBytes(p.bytes)}`).join(dim(" · "))}`);
    }
    if (model.runtimeExternals.length) {
      lines.push(`    ${dim("runtime ")}  ${model.runtimeExternals.join(", ")} ${dim("(provided by the runtime, not shipped)")}`);
    }
    lines.push(`    ${dim("sha256  ")}  ${model.sha256}`);
    return lines.join("\n");
  });
  return `\n${blocks.join("\n\n")}\n`;
}
