/**
 * Sizes and durations as people write and read them. One formatter for every slimfn output
 * (summary, text, Markdown), so the same byte count never shows up two ways.
 *
 * Units follow the SI/IEC split that Lambda's own documentation blurs: kB/MB/GB are powers of
 * 1000, KiB/MiB/GiB powers of 1024. `KB` and lower-case `mb` are refused, because readers
 * disagree on what they mean.
 */

const SIZE_UNITS: Readonly<Record<string, number>> = Object.freeze({
  B: 1,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
});

/** Units shown in error messages, in the order a reader would look for them. */
export const SIZE_UNIT_NAMES = "B, kB, MB, GB (x1000) or KiB, MiB, GiB (x1024)";

/** Thrown by the parsers; callers turn it into a diagnostic that names the budget or option. */
export class ParseError extends Error {
  override readonly name = "ParseError";
}

/**
 * Parse `5MB`, `300kB`, `2MiB`, `0B`, `1.5 MB` into bytes (rounded to a whole byte).
 * Anything else (`5 MBs`, `5KB`, `5`, `-1MB`) throws a `ParseError` saying what is accepted.
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)?\s*$/.exec(text);
  const unit = m?.[2];
  if (!m || unit === undefined) {
    throw new ParseError(
      `${JSON.stringify(text)} is not a size: write a number and a unit, such as 5MB, 300kB or 2MiB (units: ${SIZE_UNIT_NAMES}).`,
    );
  }
  const factor = SIZE_UNITS[unit];
  if (factor === undefined) {
    // `KB`, `mb`, `Mib`: a near miss gets both readings, since people mean either by it.
    const near = Object.keys(SIZE_UNITS).filter((u) => u.replace("i", "").toLowerCase() === unit.replace(/i/i, "").toLowerCase());
    const hint = near.length ? ` Did you mean ${near.join(" or ")}? Units are case-sensitive.` : "";
    throw new ParseError(`${JSON.stringify(text)} has an unknown size unit "${unit}": use ${SIZE_UNIT_NAMES}.${hint}`);
  }
  return Math.round(Number(m[1]) * factor);
}

/**
 * Bytes for people: `0 B`, `999 B`, `1.23 kB`, `12.3 kB`, `123 kB`, `1.00 MB`. Three significant
 * digits, decimal units (the same units Lambda's limits are usually quoted in on dashboards).
 */
export function formatBytes(n: number): string {
  const sign = n < 0 ? "-" : "";
  const abs = Math.abs(n);
  if (abs < 1000) return `${sign}${Math.round(abs)} B`;
  const units = ["kB", "MB", "GB", "TB"] as const;
  for (let i = 0; i < units.length; i++) {
    const v = abs / 1000 ** (i + 1);
    const text = v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
    // 999,999 B rounds to "1000 kB": show it as the next unit instead.
    if (Number(text) < 1000 || i === units.length - 1) return `${sign}${text} ${units[i]}`;
  }
  /* c8 ignore next */
  return `${sign}${abs} B`;
}

/** A signed byte difference: `+1.23 kB`, `-512 B`, `0 B`. */
export function formatByteDelta(n: number): string {
  if (n === 0) return "0 B";
  return n > 0 ? `+${formatBytes(n)}` : formatBytes(n);
}

/**
 * A relative change: `+1.8%`, `-0.4%`, `0%`. Tiny non-zero changes show as `+<0.1%` rather than
 * rounding to a misleading `0%`. `undefined` when there is no base figure to divide by.
 */
export function formatPercentChange(base: number, head: number): string | undefined {
  if (base === 0) return undefined;
  const pct = ((head - base) / base) * 100;
  if (pct === 0) return "0%";
  const abs = Math.abs(pct);
  const sign = pct > 0 ? "+" : "-";
  if (abs < 0.1) return `${sign}<0.1%`;
  return `${sign}${abs < 10 ? abs.toFixed(1) : abs.toFixed(0)}%`;
}

/** A share of a limit: `0.2%`, `48%`, `112%`. Tiny non-zero shares show as `<0.1%`. */
export function formatShare(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 0) return "0%";
  if (pct < 0.1) return "<0.1%";
  return `${pct < 10 ? pct.toFixed(1) : pct.toFixed(0)}%`;
}

/** Milliseconds for people: `0.84 ms`, `12.3 ms`, `150 ms`, `1.52 s`. */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
}

/** An init-time limit: absolute (`150ms`, `1.5s`) or relative to a bare `node` start (`1.5x`). */
export type DurationLimit = { kind: "ms"; ms: number } | { kind: "ratio"; ratio: number };

/** Parse `150ms`, `1.5s` or `1.5x`; anything else throws a `ParseError`. */
export function parseDurationLimit(text: string): DurationLimit {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|x)\s*$/.exec(text);
  if (!m) {
    throw new ParseError(
      `${JSON.stringify(text)} is not an init-time limit: write milliseconds (150ms), seconds (1.5s) or a multiple of a bare node start (1.5x).`,
    );
  }
  const n = Number(m[1]);
  if (m[2] === "x") {
    if (n <= 0) throw new ParseError(`${JSON.stringify(text)}: a multiple of a bare node start must be above 0.`);
    return { kind: "ratio", ratio: n };
  }
  return { kind: "ms", ms: m[2] === "s" ? n * 1000 : n };
}
