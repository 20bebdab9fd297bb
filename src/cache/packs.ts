/**
 * A shipped package's deflated files kept together, as one cache entry (`pack/`): a warm build
 * takes them with one read and one checksum instead of one per file. figlet ships 1,000 font
 * files: reading their blobs one by one took 17 ms of every warm build, the pack 3.5 ms. A pack
 * is keyed by the content hashes of the files, in order, so it can only hold those bytes; a
 * corrupt one fails the store's checksum or the layout check here and is a miss, and the build
 * falls back to the files' own blobs.
 */
import { sha256 } from "./store.js";

/** One deflated entry as the cache keeps it (see encodeBlob in build-cache.ts). */
export type EncodedBlob = Buffer;

/** The pack of the files with these content hashes, in this order, at this level and scheme. */
export const packKey = (hashes: readonly string[], level: number, scheme: string): string =>
  sha256(`${level}${scheme}\0${hashes.join("\0")}`);

/** Count, then each blob's length, then the blobs. */
export function encodePack(blobs: readonly EncodedBlob[]): Buffer {
  const head = Buffer.alloc(4 + 8 * blobs.length);
  head.writeUInt32LE(blobs.length, 0);
  blobs.forEach((b, i) => head.writeDoubleLE(b.length, 4 + 8 * i));
  return Buffer.concat([head, ...blobs]);
}

/** The blobs of a pack, or undefined when its layout is not that of `count` blobs. */
export function decodePack(pack: Buffer, count: number): EncodedBlob[] | undefined {
  if (pack.length < 4 || pack.readUInt32LE(0) !== count || pack.length < 4 + 8 * count) return undefined;
  const blobs: EncodedBlob[] = [];
  let at = 4 + 8 * count;
  for (let i = 0; i < count; i++) {
    const length = pack.readDoubleLE(4 + 8 * i);
    if (!Number.isInteger(length) || length < 0 || at + length > pack.length) return undefined;
    blobs.push(pack.subarray(at, at + length));
    at += length;
  }
  return at === pack.length ? blobs : undefined;
}
