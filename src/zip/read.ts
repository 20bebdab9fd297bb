/**
 * A reader for the central directory of a zip: the exact per-entry sizes the size model needs,
 * read back from the bytes actually written rather than from a writer's internals.
 */

export interface CentralEntry {
  path: string;
  compressedSize: number;
  uncompressedSize: number;
  /** Unix mode from the external attributes (0 when the zip was not made on Unix). */
  mode: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;

function fail(why: string): never {
  throw new Error(`Not a readable zip: ${why}`);
}

export function readCentralDirectory(zip: Buffer): CentralEntry[] {
  // The end record sits in the last 22 + 65,535 (comment) bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) fail("no end of central directory record");
  let count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && zip.readUInt32LE(locator) === ZIP64_LOCATOR) {
    const at = Number(zip.readBigUInt64LE(locator + 8));
    if (zip.readUInt32LE(at) !== ZIP64_EOCD) fail("bad ZIP64 end record");
    count = Number(zip.readBigUInt64LE(at + 32));
    offset = Number(zip.readBigUInt64LE(at + 48));
  }
  const entries: CentralEntry[] = [];
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== CENTRAL) fail(`bad central directory entry ${n}`);
    let compressedSize = zip.readUInt32LE(p + 20);
    let uncompressedSize = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const external = zip.readUInt32LE(p + 38);
    let localHeaderOffset = zip.readUInt32LE(p + 42);
    const path = zip.toString("utf8", p + 46, p + 46 + nameLength);
    // ZIP64 extra field: present values replace the 0xffffffff placeholders, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = zip.readUInt16LE(e);
      const size = zip.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff) { uncompressedSize = Number(zip.readBigUInt64LE(q)); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = Number(zip.readBigUInt64LE(q)); q += 8; }
        if (localHeaderOffset === 0xffffffff) { localHeaderOffset = Number(zip.readBigUInt64LE(q)); }
      }
      e += 4 + size;
    }
    entries.push({ path, compressedSize, uncompressedSize, mode: external >>> 16, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}
