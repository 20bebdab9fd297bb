/**
 * The zip's archive comment records the function's handler (`slimfn handler=api/get.handler`),
 * so `slimfn measure dist/handler.zip` finds it in any slimfn-built zip without a size model or
 * `--handler`, even when lazy chunks sit beside the entry at the zip's root. The comment is part
 * of the bytes, so it is as deterministic as the rest: the same handler, the same comment.
 *
 * Zip comments are CP437: anything outside printable ASCII is written %-escaped (encodeURI).
 */
const PREFIX = "slimfn handler=";
const EOCD = 0x06054b50;

export function handlerComment(handler: string): string {
  return `${PREFIX}${encodeURI(handler)}`;
}

/** The archive comment of a zip's bytes (`""` when none, or no end record is found). */
export function readArchiveComment(zip: Uint8Array): string {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) !== EOCD) continue;
    const length = buf.readUInt16LE(i + 20);
    // A stray signature inside the comment would not end exactly at the end of the file.
    if (i + 22 + length !== buf.length) continue;
    return buf.toString("latin1", i + 22, i + 22 + length);
  }
  return "";
}

/** The handler a slimfn zip records, or undefined for a zip slimfn did not write. */
export function recordedHandler(zip: Uint8Array): string | undefined {
  const comment = readArchiveComment(zip);
  if (!comment.startsWith(PREFIX)) return undefined;
  try {
    const handler = decodeURI(comment.slice(PREFIX.length));
    return /^[^\s]+\.[^\s.]+$/.test(handler) ? handler : undefined;
  } catch {
    return undefined;
  }
}
