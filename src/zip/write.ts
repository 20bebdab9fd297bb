/**
 * The deterministic zip writer (DESIGN rule 3): entries sorted by path, one fixed timestamp,
 * modes 0644/0755 only, no extended-time fields, no folder entries, no host paths; ZIP64 only
 * when sizes or counts need it.
 *
 * The records are byte for byte what yazl (`forceDosTimestamp`, buffers) writes, checked by
 * test/zip-writer.test.ts: archiver's file()/directory()/glob() gave a different entry order run
 * to run, yazl fed buffers in our sorted order did not. slimfn writes the records itself because
 * yazl cannot take an entry that is already deflated, which the shipped-file cache
 * (src/cache/) hands over, and because its CRC-32 is JavaScript (a fifth of a build's time on a
 * 21 MB package) where Node's `zlib.crc32` is native.
 */
import { createHash } from "node:crypto";
import zlib from "node:zlib";
import { error, SlimfnError } from "../diagnostics.js";
import { EXEC_MODE, FILE_MODE, isExecutableContent } from "./modes.js";
import { zipTimestamp } from "./timestamp.js";
import { deflateAll, type Deflated } from "./deflate.js";

export type { Deflated } from "./deflate.js";

export interface ZipEntryInput {
  /** Path inside the zip, `/`-separated, relative. */
  path: string;
  /** The file's bytes; may be left out when `deflated` is given. */
  data?: Uint8Array;
  /** The entry already deflated at the zip's level (from the shipped-file cache). */
  deflated?: Deflated;
  /** SHA-256 (hex) of `data` when the caller knows it: the cache's key. */
  contentHash?: string;
  /** Force the executable bit (bin targets); otherwise decided from the content. */
  executable?: boolean;
}

export interface ZipEntryInfo {
  path: string;
  /** Uncompressed bytes. */
  bytes: number;
  /** Compressed bytes of the entry's data (exact). */
  zipBytes: number;
}

export interface ZipArchive {
  bytes: Buffer;
  sha256: string;
  /** Sorted by path. */
  entries: ZipEntryInfo[];
}

export interface ZipWriteOptions {
  /** Deflate level, 0 (stored) to 9. @default 9 */
  level?: number;
  /** Defaults to `zipTimestamp()` (SOURCE_DATE_EPOCH or 1980-01-01). */
  mtime?: Date;
  /** The archive comment (ASCII; see src/zip/comment.ts for what slimfn writes there). */
  comment?: string;
}

/** The zip level slimfn writes; cached deflated bytes are kept per level. */
export const ZIP_LEVEL = 9;

function checkPath(p: string): void {
  const bad =
    p === "" || p.startsWith("/") || p.includes("\\") || /^[A-Za-z]:/.test(p) ||
    p.split("/").some((part) => part === "" || part === "." || part === "..");
  if (bad) {
    throw new SlimfnError(error("ZIP_WRITE_FAILED", `Invalid zip entry path ${JSON.stringify(p)}: it must be relative, "/"-separated, without "." or ".." parts.`));
  }
}

// DOS date and time fields, from the local-time parts as yazl computes them (zipTimestamp()
// builds a date whose local parts are the wanted ones, so TZ does not change the bytes).
function dosDateTime(date: Date): { date: number; time: number } {
  const min = new Date(1980, 0, 1);
  const max = new Date(2107, 11, 31, 23, 59, 58);
  const d = date < min ? min : date > max ? max : date;
  return {
    date: (d.getDate() & 0x1f) | (((d.getMonth() + 1) & 0xf) << 5) | (((d.getFullYear() - 1980) & 0x7f) << 9),
    time: Math.floor(d.getSeconds() / 2) | ((d.getMinutes() & 0x3f) << 5) | ((d.getHours() & 0x1f) << 11),
  };
}

const VERSION_UTF8 = 20;
const VERSION_ZIP64 = 45;
const MADE_BY = (3 << 8) | 63; // Unix, spec 6.3
const FLAG_UTF8 = 1 << 11;
const DEFLATE = 8;
const STORE = 0;
const MAX32 = 0xfffffffe;

function u64(buf: Buffer, n: number, at: number): void {
  buf.writeUInt32LE(n % 0x100000000, at);
  buf.writeUInt32LE(Math.floor(n / 0x100000000), at + 4);
}

interface Placed {
  name: Buffer;
  deflated: Deflated;
  mode: number;
  offset: number;
}

/** Build a zip in memory. Same entries (in any order), same bytes. */
export async function buildZip(input: readonly ZipEntryInput[], options: ZipWriteOptions = {}): Promise<ZipArchive> {
  const entries = [...input].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 0; i < entries.length; i++) {
    checkPath(entries[i]!.path);
    if (i > 0 && entries[i - 1]!.path === entries[i]!.path) {
      throw new SlimfnError(error("ZIP_WRITE_FAILED", `Two files want the same zip path ${JSON.stringify(entries[i]!.path)}.`));
    }
  }
  const { date, time } = dosDateTime(options.mtime ?? zipTimestamp());
  const level = options.level ?? ZIP_LEVEL;
  const missing = entries.filter((e) => !e.deflated || e.deflated.level !== level);
  const made = await deflateAll(missing.map((e) => e.data ?? noData(e.path)), level);
  const deflatedOf = new Map(missing.map((e, i) => [e, made[i]!]));

  const chunks: Uint8Array[] = [];
  let cursor = 0;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    cursor += b.byteLength;
  };
  const placed: Placed[] = [];
  for (const e of entries) {
    const deflated = deflatedOf.get(e) ?? e.deflated!;
    const executable = e.executable ?? deflated.executable;
    const name = Buffer.from(e.path);
    const p: Placed = { name, deflated, mode: executable ? EXEC_MODE : FILE_MODE, offset: cursor };
    placed.push(p);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(VERSION_UTF8, 4);
    head.writeUInt16LE(FLAG_UTF8, 6);
    head.writeUInt16LE(deflated.level === 0 ? STORE : DEFLATE, 8);
    head.writeUInt16LE(time, 10);
    head.writeUInt16LE(date, 12);
    head.writeUInt32LE(deflated.crc32, 14);
    head.writeUInt32LE(deflated.bytes.byteLength, 18);
    head.writeUInt32LE(deflated.size, 22);
    head.writeUInt16LE(name.length, 26);
    push(head);
    push(name);
    push(deflated.bytes);
  }
  const centralStart = cursor;
  for (const p of placed) {
    const zip64 = p.deflated.size > MAX32 || p.deflated.bytes.byteLength > MAX32 || p.offset > MAX32;
    const head = Buffer.alloc(46);
    head.writeUInt32LE(0x02014b50, 0);
    head.writeUInt16LE(MADE_BY, 4);
    head.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_UTF8, 6);
    head.writeUInt16LE(FLAG_UTF8, 8);
    head.writeUInt16LE(p.deflated.level === 0 ? STORE : DEFLATE, 10);
    head.writeUInt16LE(time, 12);
    head.writeUInt16LE(date, 14);
    head.writeUInt32LE(p.deflated.crc32, 16);
    head.writeUInt32LE(zip64 ? 0xffffffff : p.deflated.bytes.byteLength, 20);
    head.writeUInt32LE(zip64 ? 0xffffffff : p.deflated.size, 24);
    head.writeUInt16LE(p.name.length, 28);
    head.writeUInt16LE(zip64 ? 28 : 0, 30);
    head.writeUInt32LE((p.mode << 16) >>> 0, 38);
    head.writeUInt32LE(zip64 ? 0xffffffff : p.offset, 42);
    push(head);
    push(p.name);
    if (zip64) {
      const extra = Buffer.alloc(28);
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      u64(extra, p.deflated.size, 4);
      u64(extra, p.deflated.bytes.byteLength, 12);
      u64(extra, p.offset, 20);
      push(extra);
    }
  }
  const centralSize = cursor - centralStart;
  const zip64 = placed.length >= 0xffff || centralSize >= 0xffffffff || centralStart >= 0xffffffff;
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    u64(record, 44, 4);
    record.writeUInt16LE(MADE_BY, 12);
    record.writeUInt16LE(VERSION_ZIP64, 14);
    u64(record, placed.length, 24);
    u64(record, placed.length, 32);
    u64(record, centralSize, 40);
    u64(record, centralStart, 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    u64(locator, cursor, 8);
    locator.writeUInt32LE(1, 16);
    push(record);
    push(locator);
  }
  // The comment is CP437; slimfn writes ASCII only (src/zip/comment.ts), which latin1 keeps.
  const comment = Buffer.from(options.comment ?? "", "latin1");
  if (comment.length > 0xffff || comment.includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]))) {
    throw new SlimfnError(error("ZIP_WRITE_FAILED", "The zip comment is too long or holds an end-of-central-directory signature."));
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(placed.length >= 0xffff ? 0xffff : placed.length, 8);
  end.writeUInt16LE(placed.length >= 0xffff ? 0xffff : placed.length, 10);
  end.writeUInt32LE(centralSize >= 0xffffffff ? 0xffffffff : centralSize, 12);
  end.writeUInt32LE(centralStart >= 0xffffffff ? 0xffffffff : centralStart, 16);
  end.writeUInt16LE(comment.length, 20);
  push(end);
  if (comment.length) push(comment);

  const bytes = Buffer.concat(chunks, cursor);
  return {
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    entries: entries.map((e, i) => ({ path: e.path, bytes: placed[i]!.deflated.size, zipBytes: placed[i]!.deflated.bytes.byteLength })),
  };
}

function noData(p: string): never {
  throw new SlimfnError(error("ZIP_WRITE_FAILED", `The zip entry ${JSON.stringify(p)} has neither its bytes nor deflated bytes at this level.`));
}

/** CRC-32 of the bytes, as the zip records it. */
export const crc32 = (data: Uint8Array): number => zlib.crc32(data);

export { isExecutableContent };
