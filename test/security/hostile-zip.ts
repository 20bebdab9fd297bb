/**
 * A zip writer for hostile archives, which no honest writer produces: names with `../` or an
 * absolute path, symlink entries, sizes that lie. Every archive it writes is well-formed enough
 * for Info-ZIP `unzip -l` to list, so the refusal is slimfn's, not a parse failure.
 */
import zlib from "node:zlib";

export interface HostileEntry {
  name: string;
  data?: Buffer;
  /** A symlink entry (Unix mode 0120777) whose data is this target. */
  link?: string;
  /** Deflate the data (default: stored). */
  deflate?: boolean;
  /** Already-deflated bytes to write as the data, with `data` only for its CRC and size. */
  compressed?: Buffer;
  /** The uncompressed size to declare instead of the real one (a lying entry). */
  declaredSize?: number;
}

export function hostileZip(entries: HostileEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = e.link !== undefined ? Buffer.from(e.link) : (e.data ?? Buffer.alloc(0));
    const deflated = e.compressed !== undefined || e.deflate === true;
    const body = e.compressed ?? (e.deflate ? zlib.deflateRawSync(raw) : raw);
    const name = Buffer.from(e.name);
    const crc = zlib.crc32(raw);
    const size = e.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(deflated ? 8 : 0, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(deflated ? 8 : 0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.link !== undefined ? 0o120777 : 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
