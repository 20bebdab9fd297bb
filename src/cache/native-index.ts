/**
 * The native-code index of the dependency tree, kept between builds: for each package folder the
 * bundler met, its first native file (or none), with the stamp of its package.json when it was
 * scanned. The whole index is keyed by the install's lockfile and package.json contents, so an
 * install that changes the tree starts a fresh one; within it a package is scanned again when
 * its package.json changed (npm rewrites it whenever it installs or replaces the package).
 */
import fs from "node:fs";
import path from "node:path";
import type { ResolvedOptions } from "../options.js";
import { decisionRulesVersion } from "./build-cache.js";
import { fileStamp } from "../ship/files.js";
import { CacheStore, sha256 } from "./store.js";

const LOCKFILES = ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb"];

/**
 * In one process (a watch, a script that builds its functions one by one) every build asked the
 * same questions again: hashing a 380 KB lockfile and parsing the index cost ~4 ms a build of a
 * 600-file project. What was read stays known while the stamps of everything it came from hold.
 */
const FINGERPRINTS = new Map<string, { paths: string[]; proof: string; value: string }>();
const JSON_READ = new Map<string, { stamp: string | undefined; value: unknown }>();

const stampsOf = (paths: readonly string[]): string => paths.map((p) => stampOf(p) ?? "-").join("\0");

function stampOf(file: string): string | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st && fileStamp(st);
}

/** The contents that say what is installed: the lockfile and package.json of the install root. */
export function installFingerprint(root: string): string {
  const known = FINGERPRINTS.get(root);
  if (known && stampsOf(known.paths) === known.proof) return known.value;
  // Every folder looked in (a lockfile or node_modules added below the install root changes its
  // mtime) and every file hashed; stamped before they are read, so an edit meanwhile is seen next time.
  const looked: string[] = [];
  for (let dir = root; ; dir = path.dirname(dir)) {
    looked.push(dir);
    const found = LOCKFILES.filter((f) => fs.existsSync(path.join(dir, f)));
    if (found.length || fs.existsSync(path.join(dir, "node_modules")) || path.dirname(dir) === dir) {
      const files = [...found, "package.json"].map((f) => path.join(dir, f));
      const paths = [...looked, ...files];
      const proof = stampsOf(paths);
      const parts: string[] = [];
      for (const file of files) {
        try {
          parts.push(path.basename(file), sha256(fs.readFileSync(file)));
        } catch {
          parts.push(path.basename(file), "-");
        }
      }
      const value = sha256(parts.join("\0"));
      FINGERPRINTS.set(root, { paths, proof, value });
      return value;
    }
  }
}

/** A JSON entry of the folder, parsed once per process while its file is unchanged (the store checks it when read). */
function readJsonKnown<T>(store: CacheStore, key: string): T | undefined {
  const id = `${store.dir}\0${key}`;
  const stamp = store.stampOf("native", key);
  const known = JSON_READ.get(id);
  if (known && stamp !== undefined && known.stamp === stamp) return known.value as T;
  const value = store.readJson<T>("native", key);
  if (value === undefined) JSON_READ.delete(id);
  // The stamp taken before the read: if the file changed meanwhile, the next build reads it again.
  else JSON_READ.set(id, { stamp, value });
  return value;
}

function writeJsonKnown(store: CacheStore, key: string, value: unknown): void {
  const id = `${store.dir}\0${key}`;
  store.writeJson("native", key, value);
  const stamp = store.stampOf("native", key);
  if (stamp === undefined) JSON_READ.delete(id);
  else JSON_READ.set(id, { stamp, value });
}

type Entries = Record<string, { stamp: string; file: string | null }>;

export class NativeIndex {
  private dirty = false;

  private constructor(
    private readonly store: CacheStore | undefined,
    private readonly key: string,
    private readonly entries: Entries,
  ) {}

  static open(options: ResolvedOptions): NativeIndex {
    if (options.cache === false) return new NativeIndex(undefined, "", {});
    const store = new CacheStore(options.cache.dir);
    const key = sha256(JSON.stringify([decisionRulesVersion(store), options.root, installFingerprint(options.root)]));
    return new NativeIndex(store, key, readJsonKnown<Entries>(store, key) ?? {});
  }

  /** The scan result recorded for `realDir` under this stamp, or undefined. */
  get(realDir: string, stamp: string): string | null | undefined {
    const e = this.entries[realDir];
    return e && e.stamp === stamp ? e.file : undefined;
  }

  set(realDir: string, stamp: string, file: string | null): void {
    const e = this.entries[realDir];
    if (e && e.stamp === stamp && e.file === file) return;
    this.entries[realDir] = { stamp, file };
    this.dirty = true;
  }

  /** The prescan's answer for this install, computed and kept when not known. */
  prescan(compute: () => string[]): string[] {
    const key = sha256(`${this.key}\0prescan`);
    const known = this.store && readJsonKnown<string[]>(this.store, key);
    if (Array.isArray(known)) return known;
    const names = compute();
    if (this.store) writeJsonKnown(this.store, key, names);
    return names;
  }

  /** Write the index when this build scanned something new. */
  save(): void {
    if (!this.dirty || !this.store) return;
    writeJsonKnown(this.store, this.key, this.entries);
    this.dirty = false;
  }
}
