/**
 * The one timestamp every zip entry gets: `SOURCE_DATE_EPOCH` when set (the reproducible-builds
 * convention), else 1980-01-01 00:00:00, the earliest DOS date.
 */
import { error, SlimfnError } from "../diagnostics.js";

const DOS_EPOCH = Date.UTC(1980, 0, 1, 0, 0, 0);
const DOS_MAX = Date.UTC(2107, 11, 31, 23, 59, 58);

/**
 * DOS timestamps are local time, and zip writers read them through Date's local-time getters.
 * This Date answers those getters in UTC, so `TZ` (and DST gaps) never change the bytes.
 */
class UtcFieldsDate extends Date {
  override getFullYear() { return this.getUTCFullYear(); }
  override getMonth() { return this.getUTCMonth(); }
  override getDate() { return this.getUTCDate(); }
  override getHours() { return this.getUTCHours(); }
  override getMinutes() { return this.getUTCMinutes(); }
  override getSeconds() { return this.getUTCSeconds(); }
}

export function zipTimestamp(env: NodeJS.ProcessEnv = process.env): Date {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === "") return new UtcFieldsDate(DOS_EPOCH);
  if (!/^\d+$/.test(raw)) {
    throw new SlimfnError(
      error("OPTION_INVALID", `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got ${JSON.stringify(raw)}.`),
    );
  }
  // DOS dates cover 1980-2107 only; clamp like every zip tool, deterministically.
  const ms = Math.min(Math.max(Number(raw) * 1000, DOS_EPOCH), DOS_MAX);
  return new UtcFieldsDate(ms);
}
