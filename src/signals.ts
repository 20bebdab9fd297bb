/**
 * What an interrupted slimfn must undo: child process groups to end and paths to remove (the
 * extracted zip, temporary zip names). While anything is tracked, SIGINT, SIGTERM and SIGHUP
 * are caught: the signal is forwarded to every tracked group, groups still alive after a short
 * grace are killed, every tracked path is removed, and the process exits 128 + the signal's
 * number (130, 143, 129). When the host program has its own listener for that signal, slimfn
 * cleans up and leaves the exit to it. Nothing is installed while nothing is tracked, so a
 * build that is not verifying keeps Node's default signal behaviour.
 */
import fs from "node:fs";
import os from "node:os";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
type CaughtSignal = (typeof SIGNALS)[number];

const groups = new Set<number>();
const paths = new Set<string>();
const sweeps = new Set<() => void>();
let installed = false;
let interruptedBy: CaughtSignal | undefined;

/** How long forwarded groups get to exit on their own before SIGKILL, ms. */
const GRACE_MS = 500;

const listeners = new Map<CaughtSignal, () => void>(SIGNALS.map((s) => [s, () => void onSignal(s)]));

function update(): void {
  const want = groups.size + paths.size + sweeps.size > 0 || interruptedBy !== undefined;
  if (want === installed) return;
  installed = want;
  for (const [signal, listener] of listeners) {
    if (want) process.on(signal, listener);
    else process.off(signal, listener);
  }
}

function track<T>(set: Set<T>, value: T): () => void {
  set.add(value);
  update();
  return () => {
    set.delete(value);
    update();
  };
}

/** End this process group (by its leader's pid) on a signal; call the result when it is gone. */
export const trackGroup = (pgid: number): (() => void) => track(groups, pgid);

/** Remove this file or folder on a signal; call the result once it is removed or kept. */
export const trackPath = (file: string): (() => void) => track(paths, file);

/** Run this (synchronous) cleanup on a signal, after the groups are killed. */
export const trackSweep = (sweep: () => void): (() => void) => track(sweeps, sweep);

/** The signal slimfn is exiting on, if any. */
export const interrupted = (): CaughtSignal | undefined => interruptedBy;

let released: (() => void) | undefined;
const handled = new Promise<void>((resolve) => (released = resolve));

/**
 * Work that failed because of the signal (a verification child it killed) waits on this before
 * it reports: it resolves only when slimfn does not exit itself (the host program listens to the
 * signal too), so an exiting slimfn prints no failure that is only the signal's echo.
 */
export const afterInterrupt = (): Promise<void> => handled;

/** Send a signal to a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

async function onSignal(signal: CaughtSignal): Promise<void> {
  if (interruptedBy) return; // A second signal while cleaning up: the first one's exit stands.
  interruptedBy = signal;
  const live = [...groups];
  for (const g of live) signalGroup(g, signal);
  const deadline = Date.now() + GRACE_MS;
  while (live.some((g) => signalGroup(g, 0)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const g of live) signalGroup(g, "SIGKILL");
  for (const sweep of sweeps) {
    try {
      sweep();
    } catch {
      // Best effort: the exit below must still happen.
    }
  }
  for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
  const code = 128 + (os.constants.signals[signal] ?? 0);
  // Someone else listens too (the program that runs esbuild): it decides whether to exit.
  if (process.listenerCount(signal) > 1) {
    released?.();
    return;
  }
  process.exit(code);
}
