/**
 * Measure a function artifact's cold start: import its handler in fresh `node` processes,
 * interleaved with bare `node` starts in the same run, so the ratio between the two holds on
 * any machine. Used by verification after a build and by `slimfn measure`.
 */
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError, type Diagnostic } from "../diagnostics.js";
import { runColdRounds, type ColdRun, type NamedEvent } from "./cold.js";
import { stats, type Stats } from "./stats.js";
import { RunFailure, runChild, RUNNER_SOURCE, type LoadFailure, type ReadyEvent, type RunnerMode, type RunnerPhase, type RunResult } from "./runner.js";

export type { LoadFailure } from "./runner.js";

export { stats, type Stats } from "./stats.js";

export interface Invocation {
  ok: boolean;
  result?: unknown;
  error?: string;
  ms: number;
}

export interface Measurement {
  runs: number;
  /** Handler file (relative to the task root) and export that were imported. */
  handler: string;
  /** Process start to handler imported, ms. */
  init: Stats;
  /** Process start to ready for the bare `node` start measured beside it, ms. */
  bare: Stats;
  /** Median init / median bare. */
  ratio: number;
  /** The import alone (init minus node's boot), ms. */
  importMs: Stats;
  /** Resident memory after init, bytes (median over runs). */
  rssBytes: number;
  /** Resident memory of the bare `node` start, bytes (median). */
  bareRssBytes: number;
  /** Node version that ran the measurement. */
  node: string;
  invocation?: Invocation;
  /** With `events`: per event, init + first invocation in fresh processes (and the base's). */
  cold?: ColdRun;
}

export interface MeasureOptions {
  runs: number;
  /** Event to invoke the handler with once after the timed runs. */
  event?: unknown;
  env?: Readonly<Record<string, string>>;
  /** Per child process, ms. @default 60000 */
  timeoutMs?: number;
  /** Who a failure names: verification names the function and its handler. @default "The handler" */
  subject?: string;
  /** Said after a failure: verification says the zip was not written. */
  failureNote?: string;
  /**
   * Events to time the whole cold start of, each in `runs` fresh processes (init + first
   * invocation). `invocation` is then the first event's first answer.
   */
  events?: readonly NamedEvent[];
  /** Another extracted artifact (the same function built another way) timed in the same rounds. */
  base?: { taskRoot: string; handler: string; subject?: string };
}

/** A `VERIFY_FAILED` raised while loading or invoking the handler, with the kind of failure. */
export class HandlerLoadError extends SlimfnError {
  constructor(
    diagnostic: Diagnostic,
    readonly failure: LoadFailure,
    /** Where the child was: importing, looking up the export, or answering the event. */
    readonly phase: RunnerPhase = "import",
  ) {
    super(diagnostic);
  }
}

interface FailureWording {
  subject: string;
  note: string;
}


const isInside = (file: string, root: string): boolean => {
  const rel = path.relative(root, file);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
};

const outsideZip = (handler: string, base: string) =>
  new SlimfnError(
    error("HANDLER_OUTSIDE_ZIP", `The handler ${JSON.stringify(handler)} points outside the zip (${base}): a handler is a path inside the zip, like "handler.handler" or "api/get.handler".`),
  );

/**
 * Refuse a handler whose file part leaves the task root (`../../x/evil.handler`, `/abs/x.h`):
 * Lambda resolves handlers inside it, and importing (and timing) another module would measure
 * something that is not the artifact.
 */
export function checkHandlerInside(handler: string): void {
  const dot = handler.lastIndexOf(".");
  const base = dot > 0 ? handler.slice(0, dot) : handler;
  const root = path.resolve("/task");
  if (path.isAbsolute(base) || base.includes("\\") || !isInside(path.resolve(root, base), root)) throw outsideZip(handler, base);
}

/**
 * Find the handler's module in a task root the way Lambda does: `dir/name.handler` means
 * `dir/name.js`, `.mjs` or `.cjs`, export `handler`.
 */
export function resolveHandler(taskRoot: string, handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0 || dot === handler.length - 1) {
    throw new SlimfnError(error("VERIFY_FAILED", `Handler ${JSON.stringify(handler)} must look like "file.export" (for example "handler.handler").`));
  }
  const base = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  checkHandlerInside(handler);
  for (const ext of [".js", ".mjs", ".cjs"]) {
    const file = path.join(taskRoot, base + ext);
    if (!fs.existsSync(file)) continue;
    // A link in the zip may still lead out of it.
    if (!isInside(fs.realpathSync(file), fs.realpathSync(taskRoot))) throw outsideZip(handler, base);
    return { file, exportName };
  }
  throw new SlimfnError(
    error("VERIFY_FAILED", `The zip has no ${base}.js, ${base}.mjs or ${base}.cjs for the handler ${JSON.stringify(handler)}.`),
  );
}

/** The environment of a Lambda function, without the host's `NODE_OPTIONS` and the like. */
function lambdaEnv(taskRoot: string, user: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "TZ"];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return {
    ...env,
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_LAMBDA_FUNCTION_NAME: "slimfn-verify",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024",
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    LAMBDA_TASK_ROOT: taskRoot,
    ...user,
  };
}

/** Run one child; a failure becomes a VERIFY_FAILED naming the subject and what it did. */
async function runOnce(
  runner: string,
  mode: RunnerMode,
  target: { file: string; exportName: string; eventFile?: string },
  taskRoot: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  wording: FailureWording,
): Promise<RunResult> {
  try {
    return await runChild({ runner, mode, ...target, cwd: taskRoot, env, timeoutMs });
  } catch (e) {
    if (!(e instanceof RunFailure)) throw e;
    const where = e.phase === "invoke" ? "when invoked from the extracted zip in a fresh node" : "when loaded from the extracted zip in a fresh node";
    const note = wording.note ? ` ${wording.note}` : "";
    const output = e.output.length > 8000 ? `...${e.output.slice(-8000)}` : e.output || "(none)";
    throw new HandlerLoadError(error("VERIFY_FAILED", `${wording.subject} ${e.what} ${where}.${note} Its output:\n${output}`), e.failure, e.phase);
  }
}

/** Measure the extracted artifact in `taskRoot`. Throws `VERIFY_FAILED` when the import fails. */
export async function measureTaskRoot(taskRoot: string, handler: string, options: MeasureOptions): Promise<Measurement> {
  const { file, exportName } = resolveHandler(taskRoot, handler);
  const work = path.dirname(taskRoot);
  const runner = path.join(work, "slimfn-runner.mjs");
  await fs.promises.writeFile(runner, RUNNER_SOURCE);
  const env = lambdaEnv(taskRoot, options.env ?? {});
  const timeout = options.timeoutMs ?? 60_000;
  const wording = { subject: options.subject ?? "The handler", note: options.failureNote ?? "" };
  const target = { file, exportName };
  const bare = async () => (await runOnce(runner, "bare", target, taskRoot, env, timeout, wording)).ready;
  const load = async () => (await runOnce(runner, "import", target, taskRoot, env, timeout, wording)).ready;
  // One untimed start of each warms the file cache, as a real init finds it after the first.
  await load();
  await bare();
  const inits: ReadyEvent[] = [];
  const bares: ReadyEvent[] = [];
  for (let i = 0; i < options.runs; i++) {
    // Alternate which goes first so drift on the machine hits both sides alike.
    if (i % 2 === 0) {
      bares.push(await bare());
      inits.push(await load());
    } else {
      inits.push(await load());
      bares.push(await bare());
    }
  }
  let invocation: Invocation | undefined;
  let cold: ColdRun | undefined;
  if (options.events?.length) {
    const invoke = (root: string, t: { file: string; exportName: string }, e: NodeJS.ProcessEnv, w: FailureWording) => (eventFile: string) =>
      runOnce(runner, "invoke", { ...t, eventFile }, root, e, timeout, w);
    const base = options.base;
    const baseInvoke = base
      ? invoke(base.taskRoot, resolveHandler(base.taskRoot, base.handler), lambdaEnv(base.taskRoot, options.env ?? {}), { subject: base.subject ?? "The base's handler", note: "" })
      : undefined;
    cold = await runColdRounds(work, options.events, options.runs, () => runOnce(runner, "bare", target, taskRoot, env, timeout, wording), invoke(taskRoot, target, env, wording), baseInvoke);
    const first = cold.events[0]!;
    if (options.event === undefined) {
      const ms = first.firstInvocation.samples[0]!;
      invocation = first.ok ? { ok: true, result: first.result, ms } : { ok: false, error: first.error ?? "", ms };
    }
  }
  if (options.event !== undefined) {
    const eventFile = path.join(work, "event.json");
    await fs.promises.writeFile(eventFile, JSON.stringify(options.event));
    const { answered } = await runOnce(runner, "invoke", { ...target, eventFile }, taskRoot, env, timeout, wording);
    const { ok, result, error: thrown, ms } = answered!;
    invocation = ok ? { ok, result, ms } : { ok, error: thrown ?? "", ms };
  }
  const init = stats(inits.map((r) => r.at));
  const bareStats = stats(bares.map((r) => r.at));
  const m: Measurement = {
    runs: options.runs,
    handler: `${path.relative(taskRoot, file).split(path.sep).join("/")}#${exportName}`,
    init,
    bare: bareStats,
    ratio: init.median / bareStats.median,
    importMs: stats(inits.map((r) => r.importMs)),
    rssBytes: stats(inits.map((r) => r.rss)).median,
    bareRssBytes: stats(bares.map((r) => r.rss)).median,
    node: process.version,
  };
  if (invocation) m.invocation = invocation;
  if (cold) m.cold = cold;
  return m;
}
