/**
 * What the reliability tests share: a sandbox with its own TMPDIR (so a folder left behind is
 * seen), zips made with Info-ZIP `zip`, the compiled CLI run as a user runs it, and a look at
 * /proc for processes that outlived a run.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { REPO } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

export const CLI = path.join(REPO, "dist/src/cli.js");

export interface Sandbox {
  /** The project (or work) folder. */
  root: string;
  /** The TMPDIR every slimfn run of the test gets: empty after a run that cleaned up. */
  tmp: string;
}

/** A fresh folder outside any node_modules tree, with an empty TMPDIR of its own. */
export function sandbox(prefix: string): Sandbox {
  const base = tempDir(`slimfn-${prefix}-`);
  const root = path.join(base, "work");
  const tmp = path.join(base, "tmp");
  fs.mkdirSync(root);
  fs.mkdirSync(tmp);
  return { root, tmp };
}

/** Write `files` under `dir/src-of-zip` and zip them with Info-ZIP into `dir/name`. */
export function makeZip(dir: string, name: string, files: Record<string, string>): string {
  const src = fs.mkdtempSync(path.join(dir, "zip-src-"));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    fs.writeFileSync(path.join(src, file), text);
  }
  const zip = path.join(dir, name);
  execFileSync("zip", ["-q", "-X", "-r", zip, "."], { cwd: src });
  fs.rmSync(src, { recursive: true });
  return zip;
}

export const sha256 = (file: string): string => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

/**
 * Run the compiled CLI with TMPDIR set to the sandbox's. `signalAt` sends a signal once the
 * stderr or a file shows the run is where the test wants it (`when` is polled every 20 ms).
 */
export function runCli(
  args: string[],
  box: Sandbox,
  opts: { env?: Record<string, string>; when?: () => boolean; signal?: NodeJS.Signals } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: box.root,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", TMPDIR: box.tmp, ...opts.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    let poll: NodeJS.Timeout | undefined;
    if (opts.when && opts.signal) {
      poll = setInterval(() => {
        if (!opts.when!()) return;
        clearInterval(poll);
        child.kill(opts.signal);
      }, 20);
    }
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stdout, stderr, pid: child.pid! });
    });
  });
}

interface Proc {
  pid: number;
  state: string;
  pgrp: number;
  environ: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      let environ = "";
      try {
        environ = fs.readFileSync(`/proc/${p}/environ`, "latin1");
      } catch {
        // Another user's process.
      }
      out.push({ pid: Number(p), state: state!, pgrp: Number(pgrp), environ });
    } catch {
      // Gone while we looked.
    }
  }
  return out;
}

/**
 * Live (not zombie) processes that belong to a run: in one of these process groups, one of
 * these pids, or carrying the run marker of the slimfn process `owner` in their environment.
 */
export function leftoverProcesses(of: { pids?: number[]; groups?: number[]; owner?: number }): number[] {
  const marker = of.owner === undefined ? undefined : `SLIMFN_RUN=${of.owner}-`;
  return processes()
    .filter((p) => p.state !== "Z" && p.state !== "X")
    .filter((p) => of.pids?.includes(p.pid) || of.groups?.includes(p.pgrp) || (marker !== undefined && p.environ.includes(marker)))
    .map((p) => p.pid);
}

/** Pids a fixture handler wrote to a file (one per line), once the file exists. */
export function pidsIn(file: string): number[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split(/\s+/).filter(Boolean).map(Number);
}
