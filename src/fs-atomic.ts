/**
 * Write files so that readers see the old file or the whole new one, never a partial one
 * (DESIGN rule 4): write to a temporary name in the same folder, then rename over the target.
 * Several files (a build's zips and size model) are all written to their temporary names first
 * and renamed only when every one was written, so a full disk leaves none of them replaced.
 *
 * A temporary name carries the writer's pid (`.handler.zip.<pid>.<hex>.tmp`): a later build
 * removes those of its own targets whose writer is gone (killed with SIGKILL, power loss), and
 * never one a running build is still writing.
 */
import { randomBytes } from "node:crypto";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { trackPath } from "./signals.js";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove temporary files of `target` left by writers that are gone. Also the older names
 * without a pid (`.handler.zip.<hex>.tmp`), which only a build killed mid-write leaves.
 */
export async function removeStaleTemps(target: string): Promise<string[]> {
  const folder = path.dirname(target);
  const pattern = new RegExp(`^\\.${escape(path.basename(target))}\\.(?:(\\d+)\\.)?[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || (m[1] !== undefined && alive(Number(m[1])))) continue;
    await fs.rm(path.join(folder, name), { force: true });
    removed.push(path.join(folder, name));
  }
  return removed;
}

export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  await writeFilesAtomic([{ path: target, data }]);
}

/** Why writing all of a set failed: at which file, in which step, and what was already replaced. */
export class WriteFailure extends Error {
  constructor(
    /** The file that could not be written or renamed. */
    readonly file: string,
    readonly step: "write" | "rename",
    override readonly cause: NodeJS.ErrnoException,
    /** Files already renamed into place (new content) when a rename failed. */
    readonly replaced: string[],
    /** Files left as they were. */
    readonly untouched: string[],
  ) {
    super(`${step === "write" ? "Cannot write" : "Cannot rename into place"} ${file}: ${cause.message}`);
  }
}

/**
 * Write every file to its temporary name; only when all are written, rename each into place.
 * A failed write removes every temporary file and replaces nothing. A rename that fails midway
 * (it practically cannot: the temporary file is in the target's own folder) leaves the files
 * renamed before it with their new content and the rest as they were; the WriteFailure names both.
 */
export async function writeFilesAtomic(files: readonly { path: string; data: Uint8Array | string }[]): Promise<void> {
  const temps = files.map((f) => ({ ...f, temp: tempName(f.path) }));
  // An interrupted build removes the temporary files too (src/signals.ts).
  const untrack = temps.map((t) => trackPath(t.temp));
  const removeTemps = () => Promise.all(temps.map((t) => fs.rm(t.temp, { force: true })));
  try {
    for (const f of files) await removeStaleTemps(f.path);
    for (const t of temps) {
      try {
        await fs.writeFile(t.temp, t.data, { mode: 0o644 });
      } catch (e) {
        throw new WriteFailure(t.path, "write", e as NodeJS.ErrnoException, [], files.map((f) => f.path));
      }
    }
    for (const [i, t] of temps.entries()) {
      try {
        await fs.rename(t.temp, t.path);
      } catch (e) {
        throw new WriteFailure(t.path, "rename", e as NodeJS.ErrnoException, files.slice(0, i).map((f) => f.path), files.slice(i).map((f) => f.path));
      }
    }
  } catch (e) {
    await removeTemps();
    throw e;
  } finally {
    for (const u of untrack) u();
  }
}

/**
 * Why a file cannot be written into `folder`, in words: the nearest existing folder on its way
 * is read-only (EROFS) or not writable by this user (EACCES), or a file stands where a folder
 * must be. Undefined when nothing on the way stops it. (Node's recursive mkdir reports ENOENT
 * for a read-only parent, which sends users looking for a missing folder.)
 */
export function unwritableReason(folder: string): string | undefined {
  let dir = path.resolve(folder);
  for (;;) {
    let stat: fsSync.Stats | undefined;
    try {
      stat = fsSync.statSync(dir);
    } catch {
      stat = undefined;
    }
    if (stat) {
      if (!stat.isDirectory()) return `${dir} is a file, not a folder`;
      try {
        fsSync.accessSync(dir, fsSync.constants.W_OK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return code === "EROFS" ? `${dir} is on a read-only file system (EROFS)` : `${dir} is read-only for this user (${code ?? "EACCES"})`;
      }
      // access(2) says writable, but a read-only mount may still refuse: try it.
      const probe = path.join(dir, `.slimfn-probe.${process.pid}.${randomBytes(4).toString("hex")}`);
      try {
        fsSync.writeFileSync(probe, "");
        fsSync.rmSync(probe);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EROFS") return `${dir} is on a read-only file system (EROFS)`;
        if (code === "EACCES" || code === "EPERM") return `${dir} is read-only for this user (${code})`;
      }
      return undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
