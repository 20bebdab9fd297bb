/**
 * One fresh `node` that imports a handler (and optionally invokes it once), and the parent side
 * that runs it and names what happened.
 *
 * The child is a tiny ES module, RUNNER_SOURCE. The same script runs the bare start (mode
 * `bare`) and the artifact (`import`, `invoke`), so the difference between the two is exactly the
 * handler's import. Times come from `performance.now()`, which counts from the process's start:
 * node's own boot plus the import, as in Lambda's Init Duration, without spawn and exit overhead.
 *
 * The child reports on its own channel, file descriptor 3, one JSON event per line
 * (`RunnerEvent`), never on stdout/stderr, which belong to the handler and are only kept (the
 * last OUTPUT_KEPT characters of each) to show when it fails. The child writes each event with a
 * blocking write before it moves on, so nothing is lost when it exits, whatever the handler
 * wrote to stdout. Events in order:
 *
 *   ready     the handler module is imported and exports the function (`at`: ms since process
 *             start, `importMs`: the import alone, `rss`, `lazy`: the lazy imports slimfn's
 *             accessors loaded so far): init is over
 *   answered  (mode `invoke`) the handler answered the event: its result or error, `ms` from the
 *             call to the answer, `at` since process start, `lazy` loaded while answering: the
 *             first invocation
 *   done      the runner finished and exits
 *
 * or, instead of the rest, one of `threw` (the import rejected, or an uncaught exception /
 * unhandled rejection), `no-export`, `exit` (the handler called process.exit), `unsettled` (the
 * event loop emptied while the import or the answer was still pending: a top-level await or a
 * promise that nothing will ever settle). A child that ends without any of these (killed, or
 * crashed inside node) is described by its exit code or signal; one that outlives its phase's
 * timeout is killed and named by the phase it was in.
 *
 * Each child runs in its own process group (`detached`), and the group is killed when the child
 * exits, so a process the handler started at import does not outlive the run. A process the
 * handler started in its own session (`spawn(..., { detached: true })`) leaves that group: it is
 * found by the marker in its inherited environment (`SLIMFN_RUN`, Linux /proc) and killed too.
 * On SIGINT/SIGTERM/SIGHUP the groups are ended by src/signals.ts.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type { Readable } from "node:stream";
import { afterInterrupt, interrupted, signalGroup, trackGroup, trackSweep } from "../signals.js";

/** What the child is asked to do: start bare, import the handler, or import and invoke it once. */
export type RunnerMode = "bare" | "import" | "invoke";

/** Where the child was when it stopped: importing, looking up the export, answering the event. */
export type RunnerPhase = "import" | "export" | "invoke";

export interface ReadyEvent {
  type: "ready";
  /** ms from process start to the handler imported (Lambda's Init Duration, minus spawn). */
  at: number;
  /** ms of the import alone (0 for a bare start). */
  importMs: number;
  /** Resident memory after init, bytes. */
  rss: number;
  /** Lazy imports (specifiers) slimfn's accessors loaded during init, in order. */
  lazy?: string[];
}

export interface AnsweredEvent {
  type: "answered";
  ok: boolean;
  /** The handler's result as JSON (when ok). */
  result?: unknown;
  /** The error's stack (when not ok). */
  error?: string;
  /** ms from the call to the answer. */
  ms: number;
  /** ms from process start to the answer. */
  at: number;
  /** Resident memory after the answer, bytes. */
  rss: number;
  /** Lazy imports (specifiers) loaded while answering, in order (see `ReadyEvent.lazy`). */
  lazy?: string[];
}

export type RunnerEvent =
  | ReadyEvent
  | AnsweredEvent
  | { type: "done" }
  | { type: "threw"; phase: RunnerPhase; error: string; uncaught: boolean }
  | { type: "no-export"; exports: string[] }
  | { type: "exit"; phase: RunnerPhase; code: number }
  | { type: "unsettled"; phase: RunnerPhase };

/** The file descriptor the child reports on. */
export const CHANNEL_FD = 3;

/** Characters of the handler's stdout and of its stderr kept to show in a failure. */
export const OUTPUT_KEPT = 64 * 1024;

/** The environment variable that marks every process of one run (see the sweep). */
export const RUN_MARKER = "SLIMFN_RUN";

export const RUNNER_SOURCE = `import { readFileSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [mode, file, exportName, eventFile] = process.argv.slice(2);
let phase = "import";
let over = false;
const send = (e) => { try { writeSync(${CHANNEL_FD}, JSON.stringify(e) + "\\n"); } catch {} };
const stack = (e) => (e && e.stack) ? String(e.stack) : String(e);
const end = (e, code = 0) => { over = true; send(e); process.exit(code); };
process.on("uncaughtExceptionMonitor", (e) => { if (!over) { over = true; send({ type: "threw", phase, error: stack(e), uncaught: true }); } });
process.on("beforeExit", () => { if (!over) end({ type: "unsettled", phase }); });
process.on("exit", (code) => { if (!over) { over = true; send({ type: "exit", phase, code }); } });
// slimfn's lazy accessors say which import they load first (src/lazy/transform.ts).
const lazy = [];
globalThis.__slimfnLazyLoad = (spec) => { lazy.push(spec); };
let lazyAtInit = 0;
const ready = (at, importMs) => { lazyAtInit = lazy.length; send({ type: "ready", at, importMs, rss: process.memoryUsage().rss, lazy: lazy.slice() }); };
const start = performance.now();
if (mode === "bare") {
  ready(start, 0);
  end({ type: "done" });
} else {
  import(pathToFileURL(file).href).then(loaded, (e) => end({ type: "threw", phase, error: stack(e), uncaught: false }, 1));
}
function loaded(mod) {
  const at = performance.now();
  phase = "export";
  let fn = mod[exportName];
  if (typeof fn !== "function" && mod.default && typeof mod.default === "object") fn = mod.default[exportName];
  if (typeof fn !== "function") return end({ type: "no-export", exports: Object.keys(mod) }, 1);
  ready(at, at - start);
  if (mode !== "invoke") return end({ type: "done" });
  phase = "invoke";
  const event = JSON.parse(readFileSync(eventFile, "utf8"));
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:" + process.env.AWS_REGION + ":000000000000:function:" + process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, awsRequestId: "00000000-0000-4000-8000-000000000000",
    logGroupName: "/aws/lambda/" + process.env.AWS_LAMBDA_FUNCTION_NAME, logStreamName: "slimfn-verify",
    callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000,
    done() {}, fail() {}, succeed() {},
  };
  const t = performance.now();
  const answered = (fields) => {
    const now = performance.now();
    send({ type: "answered", ...fields, ms: now - t, at: now, rss: process.memoryUsage().rss, lazy: lazy.slice(lazyAtInit) });
    end({ type: "done" });
  };
  // As Lambda's runtime: the callback or a returned promise, whichever answers first.
  new Promise((resolve, reject) => {
    const answer = fn(event, context, (err, res) => (err ? reject(err) : resolve(res)));
    if (answer && typeof answer.then === "function") answer.then(resolve, reject);
    else if (fn.length < 3) resolve(answer);
  }).then((result) => {
    let json;
    try { json = JSON.parse(JSON.stringify(result === undefined ? null : result)); } catch { json = String(result); }
    answered({ ok: true, result: json });
  }, (e) => answered({ ok: false, error: stack(e) }));
}
`;

export interface RunRequest {
  /** The runner script (RUNNER_SOURCE written to a file). */
  runner: string;
  mode: RunnerMode;
  /** The handler module (absolute) and its export; not used by `bare`. */
  file?: string;
  exportName?: string;
  /** A JSON file holding the event (`invoke`). */
  eventFile?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Per phase, ms: the import from spawn, then (`invoke`) the answer from `ready`. */
  timeoutMs: number;
}

/** A run that got to `done`: init, and for `invoke` the first invocation. */
export interface RunResult {
  ready: ReadyEvent;
  answered?: AnsweredEvent;
}

/** How a run failed, for HandlerLoadError: the kind, and the phase it was in. */
export type LoadFailure = "import" | "export" | "timeout" | "exit" | "unsettled" | "crash" | "interrupted";

/** A run that did not get to `done`: what happened, in words that follow the handler's name. */
export class RunFailure extends Error {
  constructor(
    readonly failure: LoadFailure,
    readonly phase: RunnerPhase,
    /** "threw while being imported", "called process.exit(70) during import", ... */
    readonly what: string,
    /** The handler's own output (stderr, else stdout), the tail of it. */
    readonly output: string,
  ) {
    super(what);
  }
}

const DURING: Record<RunnerPhase, string> = { import: "during import", export: "during import", invoke: "while answering the event" };

/** Name what a run that ended without `done` did, from its last event and how it exited. */
export function describeEnd(last: RunnerEvent | undefined, ready: boolean, code: number | null, signal: NodeJS.Signals | null): [LoadFailure, RunnerPhase, string] {
  const phase: RunnerPhase = ready ? "invoke" : "import";
  switch (last?.type) {
    case "threw":
      if (!last.uncaught) return ["import", "import", "threw while being imported"];
      return [last.phase === "invoke" ? "crash" : "import", last.phase, `threw an uncaught exception ${DURING[last.phase]}`];
    case "no-export":
      return ["export", "export", "does not export the handler function"];
    case "exit":
      return ["exit", last.phase, `called process.exit(${last.code}) ${DURING[last.phase]}`];
    case "unsettled":
      return last.phase === "invoke"
        ? ["unsettled", "invoke", "never answered the event (its promise never settled, or its callback was never called; nothing was left to run)"]
        : ["unsettled", "import", "never finished importing (top-level await never settled; nothing was left to run)"];
    default:
      return ["crash", phase, `exited with ${signal ?? `code ${code}`} ${DURING[phase]}`];
  }
}

/** Keep the tail of a stream's text, at most OUTPUT_KEPT characters. */
function collectTail(stream: Readable): () => string {
  let text = "";
  stream.setEncoding("utf8").on("data", (c: string) => {
    text += c;
    if (text.length > 2 * OUTPUT_KEPT) text = text.slice(-OUTPUT_KEPT);
  });
  return () => (text.length > OUTPUT_KEPT ? text.slice(-OUTPUT_KEPT) : text);
}

/**
 * Kill every process of ours whose environment carries this run's marker: what the handler
 * started in a session of its own. Linux only (/proc); elsewhere the process group is all.
 */
export function sweepMarked(marker: string): void {
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return;
  }
  const needle = Buffer.from(`${marker}\0`);
  for (const pid of pids) {
    let environ: Buffer;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue; // Gone, or another user's.
    }
    const at = environ.indexOf(needle);
    if (at === 0 || (at > 0 && environ[at - 1] === 0)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
}

/**
 * Run the child once. Resolves when it got to `done`; rejects with a RunFailure naming what
 * happened otherwise. Its process group (and marked processes) are gone when it settles.
 */
export function runChild(req: RunRequest): Promise<RunResult> {
  const marker = `${RUN_MARKER}=${process.pid}-${randomBytes(6).toString("hex")}`;
  const args = [req.runner, req.mode, ...(req.mode === "bare" ? [] : [req.file!, req.exportName!]), ...(req.mode === "invoke" ? [req.eventFile!] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: req.cwd,
      env: { ...req.env, [RUN_MARKER]: marker.slice(RUN_MARKER.length + 1) },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      detached: true,
    });
    if (child.pid === undefined) {
      child.on("error", (e) => reject(new RunFailure("crash", "import", `could not be started: node (${process.execPath}) did not start (${e.message})`, "")));
      return;
    }
    const pgid = child.pid;
    const untrackGroup = trackGroup(pgid);
    const untrackSweep = req.mode === "bare" ? () => {} : trackSweep(() => sweepMarked(marker));
    const untrack = () => {
      untrackGroup();
      untrackSweep();
    };
    const stdout = collectTail(child.stdout!);
    const stderr = collectTail(child.stderr!);
    const events: RunnerEvent[] = [];
    let pending = "";
    (child.stdio[CHANNEL_FD] as Readable).setEncoding("utf8").on("data", (c: string) => {
      pending += c;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        let event: RunnerEvent;
        try {
          event = JSON.parse(line) as RunnerEvent;
        } catch {
          continue; // Not the runner's: something else wrote to its channel.
        }
        events.push(event);
        if (event.type === "ready") arm(); // The answer gets its own timeout.
      }
    });
    let timedOut: RunnerPhase | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      const phase: RunnerPhase = events.some((e) => e.type === "ready") ? "invoke" : "import";
      timer = setTimeout(() => {
        timedOut = phase;
        signalGroup(pgid, "SIGKILL");
      }, req.timeoutMs);
    };
    arm();
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const { code, signal } = exited!;
      untrack();
      const ready = events.find((e): e is ReadyEvent => e.type === "ready");
      const answered = events.find((e): e is AnsweredEvent => e.type === "answered");
      const last = events[events.length - 1];
      if (last?.type === "done" && ready && !timedOut) {
        resolve(answered ? { ready, answered } : { ready });
        return;
      }
      // The handler's own output, then what the runner caught (an uncaught error node printed).
      const caught =
        last?.type === "threw" && !last.uncaught
          ? last.error
          : last?.type === "no-export"
            ? `The handler module ${req.file} has no exported function "${req.exportName}" (exports: ${last.exports.join(", ")}).`
            : "";
      const output = [stderr().trim() || stdout().trim(), caught].filter(Boolean).join("\n");
      const by = interrupted();
      if (by) {
        await afterInterrupt();
        reject(new RunFailure("interrupted", ready ? "invoke" : "import", `was interrupted by ${by}`, output));
        return;
      }
      if (timedOut) {
        const what = timedOut === "invoke" ? `did not answer the event within ${req.timeoutMs} ms` : `did not finish importing within ${req.timeoutMs} ms`;
        reject(new RunFailure("timeout", timedOut, what, output));
        return;
      }
      const [failure, phase, what] = describeEnd(last, ready !== undefined, code, signal);
      reject(new RunFailure(failure, phase, what, output));
    };
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      // The handler's leftovers: its process group, then what left the group.
      signalGroup(pgid, "SIGKILL");
      // A bare start runs no handler code: nothing of it can have left the group.
      if (req.mode !== "bare") sweepMarked(marker);
      // Give the pipes a moment to drain; a leftover that escaped both may still hold them.
      const close = setTimeout(() => {
        for (const s of child.stdio) s?.destroy();
        void finish();
      }, 2000);
      child.once("close", () => {
        clearTimeout(close);
        void finish();
      });
    });
    child.on("error", () => {
      // 'exit' follows for a child that started; a kill that failed changes nothing.
    });
  });
}
