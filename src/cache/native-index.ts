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
import { CacheStore, sha256 } from "./store.js";

const LOCKFILES = ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb"];

/** The contents that say what is installed: the lockfile and package.json of the install root. */
export function installFingerprint(root: string): string {
  const parts: string[] = [];
  for (let dir = root; ; dir = path.dirname(dir)) {
    const found = LOCKFILES.filter((f) => fs.existsSync(path.join(dir, f)));
    if (found.length || fs.existsSync(path.join(dir, "node_modules")) || path.dirname(dir) === dir) {
      for (const f of [...found, "package.json"]) {
        try {
          parts.push(f, sha256(fs.readFileSync(path.join(dir, f))));
        } catch {
          parts.push(f, "-");
        }
      }
      return sha256(parts.join("\0"));
    }
  }
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
    return new NativeIndex(store, key, store.readJson<Entries>("native", key) ?? {});
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
    const known = this.store?.readJson<string[]>("native", key);
    if (Array.isArray(known)) return known;
    const names = compute();
    this.store?.writeJson("native", key, names);
    return names;
  }

  /** Write the index when this build scanned something new. */
  save(): void {
    if (!this.dirty || !this.store) return;
    this.store.writeJson("native", this.key, this.entries);
    this.dirty = false;
  }
}
