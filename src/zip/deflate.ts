/**
 * Deflating zip entries. What an entry becomes is a pure function of its bytes and the level,
 * so the shipped-file cache (src/cache/) can keep it and hand it back on the next build.
 */
import os from "node:os";
import zlib from "node:zlib";
import { isExecutableContent } from "./modes.js";

/** One entry's data, deflated: what the zip records need besides the path. */
export interface Deflated {
  level: number;
  /** CRC-32 of the uncompressed bytes. */
  crc32: number;
  /** Uncompressed size. */
  size: number;
  /** Raw deflate stream (no zlib header), as the zip stores it; level 0: the bytes, stored. */
  bytes: Uint8Array;
  /** Decided from the content: a `#!` script or an ELF executable. */
  executable: boolean;
}

export function deflateEntry(data: Uint8Array, level: number): Deflated {
  return {
    level,
    crc32: zlib.crc32(data),
    size: data.byteLength,
    bytes: level === 0 ? data : zlib.deflateRawSync(data, { level }),
    executable: isExecutableContent(data),
  };
}

/** Entries at least this big go to the thread pool; smaller ones cost more to hand over. */
const POOL_BYTES = 64 * 1024;

/**
 * Deflate several entries: big ones on libuv's thread pool, at most one per core at a time so a
 * loaded machine is not flooded, while the main thread deflates the small ones (most files of a
 * package are small). Same bytes either way: zlib with the same level and window.
 */
export async function deflateAll(datas: readonly Uint8Array[], level: number): Promise<Deflated[]> {
  const out: Deflated[] = new Array(datas.length);
  const big = level === 0 ? [] : datas.map((_, i) => i).filter((i) => datas[i]!.byteLength >= POOL_BYTES);
  let next = 0;
  const worker = async () => {
    while (next < big.length) {
      const i = big[next++]!;
      const d = datas[i]!;
      const bytes = await new Promise<Buffer>((resolve, reject) => zlib.deflateRaw(d, { level }, (e, b) => (e ? reject(e) : resolve(b))));
      out[i] = { level, crc32: zlib.crc32(d), size: d.byteLength, bytes, executable: isExecutableContent(d) };
    }
  };
  const workers = Array.from({ length: Math.min(big.length, os.availableParallelism()) }, worker);
  const pooled = new Set(big);
  for (let i = 0; i < datas.length; i++) if (!pooled.has(i)) out[i] = deflateEntry(datas[i]!, level);
  await Promise.all(workers);
  return out;
}
