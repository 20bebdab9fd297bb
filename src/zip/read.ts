/**
 * A reader for the central directory of a zip: the exact per-entry sizes the size model needs,
 * read back from the bytes actually written rather than from a writer's internals, and what
 * `measure/zip-check.ts` judges a zip from anywhere by. Every read is bounds-checked: a zip cut
 * short or crafted to point past its end is a `Not a readable zip` error, never a RangeError.
 */

export interface CentralEntry {
  path: string;
  /** The name's bytes as stored (the local header must hold the same). */
  rawName: Buffer;
  compressedSize: number;
  uncompressedSize: number;
  /** Unix mode from the external attributes (0 when the zip was not made on Unix). */
  mode: number;
  localHeaderOffset: number;
  /** General purpose flags (bit 0: encrypted, bit 11: UTF-8 name). */
  flags: number;
  /** 0 stored, 8 deflated. */
  method: number;
  crc32: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;

function fail(why: string): never {
  throw new Error(`Not a readable zip: ${why}`);
}

/** Bounds-checked little-endian reads over `zip`. */
export function zipReader(zip: Buffer) {
  const need = (at: number, n: number) => {
    if (!Number.isSafeInteger(at) || at < 0 || at + n > zip.length) fail(`a record at byte ${at} runs past the end of the file (${zip.length} bytes)`);
  };
  return {
    u16: (at: number) => (need(at, 2), zip.readUInt16LE(at)),
    u32: (at: number) => (need(at, 4), zip.readUInt32LE(at)),
    u64: (at: number) => (need(at, 8), Number(zip.readBigUInt64LE(at))),
    bytes: (at: number, n: number) => (need(at, n), zip.subarray(at, at + n)),
  };
}

export function readCentralDirectory(zip: Buffer): CentralEntry[] {
  const r = zipReader(zip);
  // The end record sits in the last 22 + 65,535 (comment) bytes, its comment ending the file.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD && i + 22 + zip.readUInt16LE(i + 20) === zip.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail("no end of central directory record (not a zip, or cut short)");
  let count = r.u16(eocd + 10);
  let offset = r.u32(eocd + 16);
  if (eocd >= 20 && r.u32(eocd - 20) === ZIP64_LOCATOR) {
    const at = r.u64(eocd - 20 + 8);
    if (r.u32(at) !== ZIP64_EOCD) fail("a ZIP64 locator that points at no ZIP64 end record");
    count = r.u64(at + 32);
    offset = r.u64(at + 48);
  }
  const entries: CentralEntry[] = [];
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (r.u32(p) !== CENTRAL) fail(`central directory entry ${n + 1} of ${count} is missing`);
    const madeBy = r.u16(p + 4) >> 8;
    const flags = r.u16(p + 8);
    const method = r.u16(p + 10);
    const crc32 = r.u32(p + 16);
    let compressedSize = r.u32(p + 20);
    let uncompressedSize = r.u32(p + 24);
    const nameLength = r.u16(p + 28);
    const extraLength = r.u16(p + 30);
    const commentLength = r.u16(p + 32);
    const external = r.u32(p + 38);
    let localHeaderOffset = r.u32(p + 42);
    const rawName = r.bytes(p + 46, nameLength);
    // ZIP64 extra field: present values replace the 0xffffffff placeholders, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = r.u16(e);
      const size = r.u16(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff) { uncompressedSize = r.u64(q); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = r.u64(q); q += 8; }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = r.u64(q);
      }
      e += 4 + size;
    }
    const path = rawName.toString(flags & 0x800 ? "utf8" : "latin1");
    // Unix `made by` (3) carries the mode in the high half of the external attributes.
    const mode = madeBy === 3 ? external >>> 16 : 0;
    entries.push({ path, rawName, compressedSize, uncompressedSize, mode, localHeaderOffset, flags, method, crc32 });
    p = extraEnd + commentLength;
  }
  return entries;
}
