import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { REPO } from "./paths.js";

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder in the OS temp dir, outside any node_modules tree; removed after the file's tests. */
export function tempDir(prefix = "slimfn-"): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/**
 * A fresh folder inside the repository (under .tmp/), where bare imports resolve from the
 * repository's node_modules as they do for the fixtures.
 */
export function repoTempDir(prefix = "t-"): string {
  const base = path.join(REPO, ".tmp");
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, prefix));
  made.push(dir);
  return dir;
}

/** Copy a folder (without dist/) to `dest`. */
export function copyFixture(src: string, dest: string): string {
  fs.cpSync(src, dest, { recursive: true, filter: (p) => !/[\\/](dist|node_modules)$/.test(p) });
  return dest;
}

/** Write `files` (relative path -> text) under `root`, folders made as needed; returns `root`. */
export function writeFiles(root: string, files: Record<string, string>): string {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}
