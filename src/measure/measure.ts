/**
 * Measure a function artifact's cold start: import its handler in fresh `node` processes,
 * interleaved with bare `node` starts in the same run, so the ratio between the two holds on
 * any machine. Used by verification after a build and by `slimfn measure`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError, type Diagnostic } from "../diagnostics.js";
import { EXIT, RESULT_MARKER, RUNNER_SOURCE } from "./runner.js";

export interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

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
}

/** Why the handler could not be loaded: it threw, exports no such function, hung, or crashed. */
export type LoadFailure = "import" | "export" | "timeout" | "exit";

/** A `VERIFY_FAILED` raised while loading the handler, with the kind of failure. */
export class HandlerLoadError extends SlimfnError {
  constructor(
    diagnostic: Diagnostic,
    readonly failure: LoadFailure,
  ) {
    super(diagnostic);
  }
}

interface FailureWording {
  subject: string;
  note: string;
}

interface ChildResult {
  ready: number;
  importMs: number;
  rss: number;
  invocation?: Invocation;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
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
  for (const ext of [".js", ".mjs", ".cjs"]) {
    const file = path.join(taskRoot, base + ext);
    if (fs.existsSync(file)) return { file, exportName };
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

function runChild(runner: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, wording: FailureWording): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new SlimfnError(error("VERIFY_FAILED", `Cannot start node (${process.execPath}): ${e.message}`)));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_MARKER));
      if (code === 0 && line) {
        resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult);
        return;
      }
      const [failure, what]: [LoadFailure, string] =
        signal === "SIGKILL"
          ? ["timeout", `did not finish importing within ${timeoutMs} ms`]
          : code === EXIT.importFailed
            ? ["import", "threw while being imported"]
            : code === EXIT.notAFunction
              ? ["export", "does not export the handler function"]
              : ["exit", `exited with ${signal ?? `code ${code}`}`];
      const output = stderr.trim() || stdout.trim();
      const note = wording.note ? ` ${wording.note}` : "";
      reject(
        new HandlerLoadError(
          error("VERIFY_FAILED", `${wording.subject} ${what} when loaded from the extracted zip in a fresh node.${note} Its output:\n${output.length > 8000 ? `...${output.slice(-8000)}` : output}`),
          failure,
        ),
      );
    });
  });
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
  const bare = () => runChild(runner, ["bare"], taskRoot, env, timeout, wording);
  const load = () => runChild(runner, ["import", file, exportName], taskRoot, env, timeout, wording);
  // One untimed start of each warms the file cache, as a real init finds it after the first.
  await load();
  await bare();
  const inits: ChildResult[] = [];
  const bares: ChildResult[] = [];
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
  if (options.event !== undefined) {
    const eventFile = path.join(work, "event.json");
    await fs.promises.writeFile(eventFile, JSON.stringify(options.event));
    invocation = (await runChild(runner, ["invoke", file, exportName, eventFile], taskRoot, env, timeout, wording)).invocation;
  }
  const init = stats(inits.map((r) => r.ready));
  const bareStats = stats(bares.map((r) => r.ready));
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
  return m;
}
