/**
 * Deflating zip entries. What an entry becomes is a pure function of its bytes and the level,
 * so the shipped-file cache (src/cache/) can keep it and hand it back on the next build.
 *
 * An entry of 256 KiB or more is deflated as pigz does it: in pieces, each primed with the
 * 32 KiB before it as its dictionary and ended with a sync flush (the last one finishes the
 * stream), so the pieces run in parallel on the thread pool and their concatenation is one
 * valid deflate stream. Pieces are cut at fixed offsets (the entry's size alone decides them):
 * the same bytes every run, whatever the scheduling or the core count.
 *
 * From 1 MiB (a shared library: sharp's libvips is 18.7 MB) the pieces are 1 MiB at level 6: on
 * binaries level 9 searches ~2.5x longer for 0.1% fewer bytes (libvips: 8,222,382 B in pieces at
 * level 6 vs 8,215,690 B as one level-9 stream, +0.08%).
 *
 * From 256 KiB to 1 MiB (a minified bundle: bench/scale-transform.bench.mjs's 600-file project
 * bundles to 619 KB, and its build's end waited ~25 ms for that one level-9 stream, even with
 * `zip: false`, since the size report needs the zip's size) the pieces are 256 KiB at level 7.
 * Measured on 2 free cores (bench/deflate.bench.mjs's method: medians of 31 interleaved runs),
 * wall time and bytes against one level-9 stream: minified bundles of 458 KB (zod) 0.56x,
 * +0.27%; 480 KB (fixtures/realistic) 0.55x, +0.25%; 647 KB (zod, ajv, moment) 0.54x, +0.16%;
 * 960 KB 0.53x, +0.07%; an aws-sdk S3 + DynamoDB bundle (745 KB) 0.66x, -0.01%; binaries:
 * sharp's 415 KB .node 0.49x, +0.06%, 900 KB of node's executable 0.65x, +0.42%. The same
 * pieces at level 6 are barely faster (0.42x-0.49x on the bundles) for +0.28% to +0.56% (+1.01%
 * on the executable); at level 8 they cost 0.63x-0.75x for +0.01-0.06%. 512 KiB pieces leave a
 * 480 KB bundle one piece (0.72x at level 7); 128 KiB pieces are no faster on 2 cores
 * (0.54x-0.59x). Generated code is the exception: bench/scale-transform's bundle (600
 * near-identical modules) grows +0.81% (110,698 to 111,599 B), and +0.55% to +0.61% of that
 * comes from cutting at all (level-9 pieces of 128 KiB to 512 KiB; zlib's blocks then end
 * elsewhere), so no level of pieces keeps it within 0.5%.
 *
 * Below 256 KiB an entry stays one level-9 stream: a few ms at most, and most shipped files are
 * small. From 1 MiB the cut is unchanged: on typescript minified (3.5 MB) 256 KiB pieces at
 * level 6 or 7 took 1.04x-1.11x the time of 1 MiB ones at level 6.
 */
import os from "node:os";
import zlib from "node:zlib";
import { isExecutableContent } from "./modes.js";

/** One entry's data, deflated: what the zip records need besides the path. */
export interface Deflated {
  /** The zip level it was made for (0: stored). */
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

/**
 * Names how entries are deflated (the cuts and levels below): the cache keeps deflated bytes
 * under it, so bytes made another way are never reused as if they were these.
 */
export const DEFLATE_SCHEME = "p2";

/**
 * How entries at least `from` bytes big are cut: into `piece`-byte pieces, deflated at most at
 * `level`. Decided by the size alone, never by the core count, so the bytes are the same on
 * every machine. Largest first.
 */
const CUTS = [
  { from: 1 << 20, piece: 1 << 20, level: 6 },
  { from: 256 << 10, piece: 256 << 10, level: 7 },
] as const;
const WINDOW = 32 * 1024;

/** Entries at least this big go to the thread pool; smaller ones cost more to hand over. */
const POOL_BYTES = 64 * 1024;

/** One deflate call: a whole entry, or one piece of a cut one. */
interface Job {
  data: Uint8Array;
  options: zlib.ZlibOptions;
}

function jobsOf(data: Uint8Array, level: number): Job[] {
  const cut = CUTS.find((c) => data.byteLength >= c.from);
  if (!cut) return [{ data, options: { level } }];
  const count = Math.ceil(data.byteLength / cut.piece);
  return Array.from({ length: count }, (_, i): Job => {
    const start = i * cut.piece;
    const options: zlib.ZlibOptions = {
      level: Math.min(level, cut.level),
      finishFlush: i === count - 1 ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
    };
    if (i > 0) options.dictionary = data.subarray(start - WINDOW, start);
    return { data: data.subarray(start, Math.min(data.byteLength, start + cut.piece)), options };
  });
}

const made = (data: Uint8Array, level: number, bytes: Uint8Array): Deflated => ({
  level,
  crc32: zlib.crc32(data),
  size: data.byteLength,
  bytes,
  executable: isExecutableContent(data),
});

const joined = (parts: Uint8Array[]): Uint8Array => (parts.length === 1 ? parts[0]! : Buffer.concat(parts));

export function deflateEntry(data: Uint8Array, level: number): Deflated {
  if (level === 0) return made(data, level, data);
  return made(data, level, joined(jobsOf(data, level).map((j) => zlib.deflateRawSync(j.data, j.options))));
}

/**
 * Deflate several entries: big ones (and the pieces of large ones) on libuv's thread pool, at
 * most one per core at a time so a loaded machine is not flooded, while the main thread
 * deflates the small ones (most files of a package are small). Same bytes either way.
 */
export async function deflateAll(datas: readonly Uint8Array[], level: number): Promise<Deflated[]> {
  const out: Deflated[] = new Array(datas.length);
  const big = level === 0 ? [] : datas.map((_, i) => i).filter((i) => datas[i]!.byteLength >= POOL_BYTES);
  const parts = new Map(big.map((i) => [i, jobsOf(datas[i]!, level)]));
  const queue = big.flatMap((i) => parts.get(i)!.map((job, k) => ({ i, k, job })));
  const results = new Map(big.map((i) => [i, new Array<Uint8Array>(parts.get(i)!.length)]));
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const { i, k, job } = queue[next++]!;
      results.get(i)![k] = await new Promise<Buffer>((resolve, reject) => zlib.deflateRaw(job.data, job.options, (e, b) => (e ? reject(e) : resolve(b))));
    }
  };
  const workers = Array.from({ length: Math.min(queue.length, os.availableParallelism()) }, worker);
  const pooled = new Set(big);
  for (let i = 0; i < datas.length; i++) if (!pooled.has(i)) out[i] = deflateEntry(datas[i]!, level);
  await Promise.all(workers);
  for (const i of big) out[i] = made(datas[i]!, level, joined(results.get(i)!));
  return out;
}
