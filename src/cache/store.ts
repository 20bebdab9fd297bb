/**
 * The on-disk cache folder: one file per entry, `<dir>/<kind>/<key[0..2]>/<key>`, each a magic
 * line, the SHA-256 of its payload and the payload. An entry whose checksum does not match (a
 * truncated write, a disk error, a poisoned file) is removed and reported as a miss, so it is
 * rebuilt and never used. Entries are written to a temporary name and renamed into place, so
 * concurrent builds sharing the folder see whole entries or none. A folder that cannot be
 * written costs time, never a build: the work is done again next time.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileStamp } from "../ship/files.js";

const MAGIC = Buffer.from("slimfn-cache 1\n");
const SUM = 32;

export type CacheKind = "blob" | "pack" | "package" | "native" | "verify" | "verdict" | "rules";

export interface CacheCounts {
  hits: number;
  misses: number;
  /** Entries found corrupt (checksum or format) and removed. */
  corrupt: number;
  writes: number;
}

export const sha256 = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");

export class CacheStore {
  readonly counts: CacheCounts = { hits: 0, misses: 0, corrupt: 0, writes: 0 };

  constructor(readonly dir: string) {}

  private file(kind: CacheKind, key: string): string {
    return path.join(this.dir, kind, key.slice(0, 2), key);
  }

  read(kind: CacheKind, key: string): Buffer | undefined {
    const file = this.file(kind, key);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch {
      this.counts.misses++;
      return undefined;
    }
    const payload = buf.subarray(MAGIC.length + SUM);
    const intact =
      buf.length >= MAGIC.length + SUM &&
      buf.subarray(0, MAGIC.length).equals(MAGIC) &&
      createHash("sha256").update(payload).digest().equals(buf.subarray(MAGIC.length, MAGIC.length + SUM));
    if (!intact) {
      this.counts.corrupt++;
      this.counts.misses++;
      fs.rmSync(file, { force: true });
      return undefined;
    }
    this.counts.hits++;
    return payload;
  }

  write(kind: CacheKind, key: string, payload: Uint8Array): void {
    const file = this.file(kind, key);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const sum = createHash("sha256").update(payload).digest();
      fs.writeFileSync(tmp, Buffer.concat([MAGIC, sum, payload]));
      fs.renameSync(tmp, file);
      this.counts.writes++;
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }

  readJson<T>(kind: CacheKind, key: string): T | undefined {
    const buf = this.read(kind, key);
    if (!buf) return undefined;
    try {
      return JSON.parse(buf.toString("utf8")) as T;
    } catch {
      // A checksummed entry that is not JSON was written by another format version.
      return undefined;
    }
  }

  /** The stamp of an entry's file (size, times, inode), or undefined when there is none. */
  stampOf(kind: CacheKind, key: string): string | undefined {
    const st = fs.statSync(this.file(kind, key), { throwIfNoEntry: false });
    return st && fileStamp(st);
  }

  writeJson(kind: CacheKind, key: string, value: unknown): void {
    this.write(kind, key, Buffer.from(JSON.stringify(value)));
  }
}
