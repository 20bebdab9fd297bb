/**
 * Read a file the user named, but never more than a cap: `/dev/zero`, a FIFO or a 2 GB log given
 * by mistake must fail with a clear message instead of eating memory until "Invalid string length".
 */
import fsSync from "node:fs";

/** Lambda's limit on a synchronous invocation's payload: a bigger event could never arrive. */
export const MAX_EVENT_BYTES = 6 * 1024 * 1024;

/** The file held more than `maxBytes` (it was not read further). */
export class TooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
  }
}

/**
 * The file's text (UTF-8), or TooLarge once more than `maxBytes` have been read. The read is
 * synchronous underneath: what it reads is small (events, size models) and capped.
 */
export async function readTextCapped(file: string, maxBytes: number): Promise<string> {
  return readTextCappedSync(file, maxBytes);
}

/** The file's text (UTF-8), or TooLarge once more than `maxBytes` have been read. */
export function readTextCappedSync(file: string, maxBytes: number): string {
  const fd = fsSync.openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - total));
      const bytesRead = fsSync.readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new TooLarge(maxBytes);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    fsSync.closeSync(fd);
  }
}
