/**
 * The cache one build uses (issue 11): content-addressed deflated bytes of zip entries, and per
 * shipped package what the selection step decided. Keys never hold host paths of the files'
 * contents: a blob is found by the SHA-256 of the bytes it deflates, so a cache made in another
 * folder gives the same zips (a package's decisions are keyed by its folder and simply miss).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ResolvedOptions } from "../options.js";
import { fileStamp } from "../ship/files.js";
import { DEFLATE_SCHEME, deflateAll, type Deflated } from "../zip/deflate.js";
import type { ZipEntryInput } from "../zip/write.js";
import { decodePack, encodePack, packKey } from "./packs.js";
import { CacheStore, sha256, type CacheCounts } from "./store.js";

/** What a build's cache did, for the summary and the tests. */
export interface CacheReport {
  dir: string;
  /** Zip entries whose deflated bytes came from the cache. */
  reused: number;
  /** Zip entries deflated by this build (and stored). */
  deflated: number;
  /** Shipped packages whose file decisions came from the cache. */
  packagesReused: number;
  /** Packages whose decisions were made again. */
  packagesDecided: number;
  store: CacheCounts;
}

/**
 * The version of slimfn's decisions: its own ship/, zip/, lazy/ and measure/ code, hashed once
 * per process. With a cache folder the hash is kept there under the files' stamps (size, times,
 * inode): reading and hashing the 145 files took 8 ms of every build, a stat of each a tenth of
 * that. The version is the content hash either way, so a cache restored on another machine
 * (other stamps) computes it once and finds the same entries.
 */
let rulesVersion: string | undefined;
export function decisionRulesVersion(store?: CacheStore): string {
  if (rulesVersion) return rulesVersion;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const files: string[] = [];
  for (const folder of ["../ship", "../zip", "../lazy", "../measure"]) {
    const dir = path.join(here, folder);
    for (const f of fs.readdirSync(dir).sort()) if (/\.[cm]?[jt]s$/.test(f)) files.push(path.join(dir, f));
  }
  const stamps = store && rulesStamps(files);
  const known = stamps && store.read("rules", stamps)?.toString("utf8");
  if (known && /^[0-9a-f]{64}$/.test(known)) return (rulesVersion = known);
  const parts: string[] = [];
  for (const file of files) parts.push(path.basename(file), fs.readFileSync(file, "utf8"));
  rulesVersion = sha256(parts.join("\0"));
  if (stamps) store.write("rules", stamps, Buffer.from(rulesVersion));
  return rulesVersion;
}

/** The key of the rules' hash: every code file's path and stamp, or undefined if one cannot be read. */
function rulesStamps(files: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const file of files) {
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (!st) return undefined;
    parts.push(file, fileStamp(st));
  }
  return sha256(parts.join("\0"));
}

/** Deflated bytes are kept by content, level and the way they were deflated. */
const blobKey = (hash: string, level: number) => `${hash}-${level}${DEFLATE_SCHEME}`;

function encodeBlob(d: Deflated): Buffer {
  const head = Buffer.alloc(14);
  head.writeUInt32LE(d.crc32, 0);
  head.writeUInt32LE(d.size % 0x100000000, 4);
  head.writeUInt32LE(Math.floor(d.size / 0x100000000), 8);
  head.writeUInt8(d.level, 12);
  head.writeUInt8(d.executable ? 1 : 0, 13);
  return Buffer.concat([head, d.bytes]);
}

function decodeBlob(b: Buffer): Deflated | undefined {
  if (b.length < 14) return undefined;
  return {
    crc32: b.readUInt32LE(0),
    size: b.readUInt32LE(4) + b.readUInt32LE(8) * 0x100000000,
    level: b.readUInt8(12),
    executable: b.readUInt8(13) === 1,
    bytes: b.subarray(14),
  };
}

export class BuildCache {
  readonly store: CacheStore;
  private readonly blobs = new Map<string, Deflated>();
  private readonly records = new Map<string, unknown>();
  private readonly packs = new Map<string, Deflated[]>();
  /** Packs to write once every file in them has its deflated bytes (after `prepare`). */
  private readonly pendingPacks = new Map<string, { hashes: readonly string[]; level: number }>();
  reused = 0;
  deflated = 0;
  packagesReused = 0;
  packagesDecided = 0;

  constructor(dir: string) {
    this.store = new CacheStore(dir);
  }

  /** The cache of a build, or undefined with `cache: false`. */
  static open(options: ResolvedOptions): BuildCache | undefined {
    return options.cache === false ? undefined : new BuildCache(options.cache.dir);
  }

  /** The deflated bytes of content `hash` at `level`, from this build or the folder. */
  deflatedOf(hash: string, level: number): Deflated | undefined {
    const key = blobKey(hash, level);
    let d = this.blobs.get(key);
    if (!d) {
      const raw = this.store.read("blob", key);
      d = raw && decodeBlob(raw);
      if (d && d.level !== level) d = undefined;
      if (d) this.blobs.set(key, d);
    }
    return d;
  }

  /**
   * The deflated bytes of the files with content `hashes` (one package's kept files, in order),
   * from one pack entry; undefined when there is none or it is unusable. A miss asks for the
   * pack to be written by `prepare`, once the files' bytes are known.
   */
  packedOf(hashes: readonly string[], level: number): Deflated[] | undefined {
    const key = packKey(hashes, level, DEFLATE_SCHEME);
    let files = this.packs.get(key);
    if (!files && !this.pendingPacks.has(key)) {
      const raw = this.store.read("pack", key);
      const blobs = raw && decodePack(raw, hashes.length);
      const decoded = blobs?.map(decodeBlob);
      if (decoded?.every((d) => d !== undefined && d.level === level)) files = decoded as Deflated[];
      if (files) this.packs.set(key, files);
      else this.pendingPacks.set(key, { hashes, level });
    }
    return files;
  }

  /** Write the packs asked for whose files all have their deflated bytes by now. */
  private writePacks(): void {
    for (const [key, { hashes, level }] of this.pendingPacks) {
      const files = hashes.map((h) => this.blobs.get(blobKey(h, level)));
      if (!files.every((d) => d !== undefined)) continue;
      this.store.write("pack", key, encodePack((files as Deflated[]).map(encodeBlob)));
      this.packs.set(key, files as Deflated[]);
      this.pendingPacks.delete(key);
    }
  }

  /**
   * Give every entry its deflated bytes: from the cache by content hash, else deflated now (on
   * the thread pool, as the writer would) and stored for the next build.
   */
  async prepare(entries: readonly ZipEntryInput[], level: number): Promise<ZipEntryInput[]> {
    const out = [...entries];
    const todo: { at: number; hash: string; data: Uint8Array }[] = [];
    const pending = new Map<string, number[]>();
    for (let i = 0; i < out.length; i++) {
      const e = out[i]!;
      if (e.deflated?.level === level) {
        this.reused++;
        continue;
      }
      const data = e.data!;
      const hash = e.contentHash ?? sha256(data);
      const known = this.deflatedOf(hash, level);
      if (known) {
        out[i] = { ...e, deflated: known };
        this.reused++;
        continue;
      }
      // The same new content twice in one build (two functions ship one package): deflate once.
      const same = pending.get(hash);
      if (same) same.push(i);
      else {
        pending.set(hash, [i]);
        todo.push({ at: i, hash, data });
      }
    }
    const made = await deflateAll(todo.map((t) => t.data), level);
    for (const [j, t] of todo.entries()) {
      const d = made[j]!;
      this.blobs.set(blobKey(t.hash, level), d);
      this.store.write("blob", blobKey(t.hash, level), encodeBlob(d));
      this.deflated++;
      for (const i of pending.get(t.hash)!) out[i] = { ...out[i]!, deflated: d };
      this.reused += pending.get(t.hash)!.length - 1;
    }
    this.writePacks();
    return out;
  }

  /** A JSON record (package decisions), from this build or the folder. */
  record<T>(kind: "package" | "native" | "verify", key: string): T | undefined {
    const id = `${kind}:${key}`;
    if (this.records.has(id)) return this.records.get(id) as T;
    const value = this.store.readJson<T>(kind, key);
    if (value !== undefined) this.records.set(id, value);
    return value;
  }

  saveRecord(kind: "package" | "native" | "verify", key: string, value: unknown): void {
    this.records.set(`${kind}:${key}`, value);
    this.store.writeJson(kind, key, value);
  }

  report(): CacheReport {
    return {
      dir: this.store.dir,
      reused: this.reused,
      deflated: this.deflated,
      packagesReused: this.packagesReused,
      packagesDecided: this.packagesDecided,
      store: { ...this.store.counts },
    };
  }
}
