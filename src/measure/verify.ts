/**
 * Verification after a build: prove the zip starts before it is written. Skipped with a
 * `VERIFY_SKIPPED` warning when this host cannot run the target's binaries (another OS, CPU or
 * libc); warns with `VERIFY_NODE_MISMATCH` when the host's Node major differs from the
 * runtime's, because then the measurement is of another Node.
 */
import { spawnSync } from "node:child_process";
import { downgraded, error, SlimfnError, warning, type Diagnostic } from "../diagnostics.js";
import type { ResolvedOptions } from "../options.js";
import { MAX_EVENT_BYTES, readTextCappedSync, TooLarge } from "../read-capped.js";
import { extractZip } from "./extract.js";
import { loadEvents } from "./events.js";
import { measureTaskRoot, type Invocation, type Measurement } from "./measure.js";
import { openLayers, type BuiltLayer } from "./layers.js";
import { provideRuntimePackages } from "./runtime-provided.js";

export interface VerifyResult {
  measurement?: Measurement;
  diagnostics: Diagnostic[];
}

export interface Host {
  platform: string;
  /** Node's `process.arch`: `x64`, `arm64`, ... */
  arch: string;
  /** glibc version, or undefined on musl and non-Linux hosts. */
  glibc: string | undefined;
  nodeMajor: number;
}

export function currentHost(): Host {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return {
    platform: process.platform,
    arch: process.arch,
    glibc: report?.header?.glibcVersionRuntime,
    nodeMajor: Number(process.versions.node.split(".")[0]),
  };
}

const NODE_ARCH: Record<string, string> = { x86_64: "x64", arm64: "arm64" };

/** The target's CPU (`arch`, Lambda's x86_64 by default). */
export function targetArch(options: ResolvedOptions): string {
  return options.arch;
}

/** Why this host cannot stand in for the target, or undefined when it can. */
export function hostMismatch(host: Host, arch: string): string | undefined {
  if (host.platform !== "linux") return `this host runs ${host.platform}, the target is Linux`;
  const want = NODE_ARCH[arch] ?? arch;
  if (host.arch !== want) return `this host's CPU is ${host.arch}, the target's is ${arch}`;
  if (!host.glibc) return "this host's C library is not glibc, the target's (Amazon Linux) is";
  return undefined;
}

export async function verifyZip(
  zip: Uint8Array,
  handler: string,
  functionName: string,
  options: ResolvedOptions,
  context: {
    watch: boolean;
    host?: Host;
    runtimeExternals?: readonly string[];
    /** Whether the zip holds binaries; JavaScript alone runs on any CPU. @default true */
    native?: boolean;
    /** Timed runs, when the build decides them (`verify.runs` unset in a large build). */
    runs?: number;
    /** The layer zip this build made (`layer: true`), applied after the user's `layers`. */
    builtLayers?: readonly BuiltLayer[];
  },
): Promise<VerifyResult> {
  const diagnostics: Diagnostic[] = [];
  const verify = options.verify;
  if (verify === false || (context.watch && !verify.watch)) return { diagnostics };
  const host = context.host ?? currentHost();
  const arch = targetArch(options);
  const mismatch = context.native === false ? undefined : hostMismatch(host, arch);
  if (mismatch) {
    diagnostics.push(
      warning(
        "VERIFY_SKIPPED",
        `Function "${functionName}" was not verified: ${mismatch}, so its binaries cannot run here. Verify on a matching machine (Linux ${arch}, glibc), or set verify: false to silence this.`,
      ),
    );
    return { diagnostics };
  }
  if (!hasUnzip()) {
    diagnostics.push(
      warning(
        "VERIFY_SKIPPED",
        `Function "${functionName}" was not verified: Info-ZIP unzip, which extracts the zip as Lambda's tooling does, is not installed (apt-get install unzip, or brew install unzip). Install it, or set verify: false to silence this.`,
      ),
    );
    return { diagnostics };
  }
  if (host.nodeMajor !== options.runtime.nodeMajor) {
    diagnostics.push(
      warning(
        "VERIFY_NODE_MISMATCH",
        `Verified with Node ${host.nodeMajor}, but the functions run on ${options.runtime.name} (Node ${options.runtime.nodeMajor}): init time and memory are Node ${host.nodeMajor}'s. Build with Node ${options.runtime.nodeMajor} for figures of the real runtime.`,
      ),
    );
  }
  let event: unknown;
  if (typeof verify.event === "string") {
    event = readEvent(verify.event);
  } else {
    event = verify.event;
  }
  const layers = await openLayers(options.layers, options.runtime.nodeMajor, context.builtLayers);
  for (const { layer, name } of layers.unheld) {
    diagnostics.push(
      warning(
        "LAYER_PACKAGE_MISSING",
        `The layer ${layer} lists "${name}" in provides, but holds no nodejs/node_modules/${name}: a function that imports it fails on Lambda. Add the package to the layer, or remove it from provides.`,
      ),
    );
  }
  const extracted = await extractZip(zip).catch(async (e: unknown) => {
    await layers.cleanup();
    throw e;
  });
  try {
    const runtime = await provideRuntimePackages(extracted.dir, context.runtimeExternals ?? [], options.root, layers);
    const measurement = await measureTaskRoot(extracted.dir, handler, {
      runs: context.runs ?? verify.runs,
      event,
      ...(verify.events === undefined ? {} : { events: loadEvents(verify.events, options.root) }),
      env: verify.env,
      // Several functions are verified per build: say which one failed.
      subject: `Function "${functionName}" (handler ${handler})`,
      failureNote: "The zip was not written.",
    }).catch((e: unknown) => {
      throw e instanceof SlimfnError ? withRuntimeNotes(e, runtime) : e;
    });
    // A handler that loads but fails on the test event is a broken artifact unless the user
    // says the event is meant to fail (a lazy import that went wrong shows only here).
    const failure = measurement.invocation ? invocationFailure(measurement.invocation) : undefined;
    if (failure) {
      const advice = verify.failOnError
        ? "The zip was not written. Fix the handler or the event, or set verify.failOnError: false when this event is meant to fail."
        : "verify.failOnError is false, so the zip is still written.";
      const message = `Function "${functionName}" (handler ${handler}) loads, but ${failure}. ${advice}`;
      if (verify.failOnError) throw new SlimfnError(error("VERIFY_FAILED", message));
      diagnostics.push(downgraded(error("VERIFY_FAILED", message)));
    }
    return { measurement, diagnostics };
  } finally {
    await extracted.cleanup();
    await layers.cleanup();
  }
}

/** How an invocation failed, in words, or undefined when it answered. */
export function invocationFailure(invocation: Invocation): string | undefined {
  if (!invocation.ok) return `threw when invoked with verify.event:\n${invocation.error ?? ""}`;
  const r = invocation.result as { errorType?: unknown; errorMessage?: unknown; statusCode?: unknown } | null | undefined;
  if (r === null || typeof r !== "object") return undefined;
  const text = JSON.stringify(r);
  const shown = text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
  if (typeof r.errorMessage === "string" && typeof r.errorType === "string") return `answered verify.event with Lambda's error shape (${r.errorType}):\n${shown}`;
  if (typeof r.statusCode === "number" && r.statusCode >= 500) return `answered verify.event with status ${r.statusCode}:\n${shown}`;
  return undefined;
}

/** Say why a package left to the runtime could not be found, beside the handler's own error. */
function withRuntimeNotes(e: SlimfnError, runtime: { missing: string[]; notProvided: string[] }): SlimfnError {
  const list = (names: string[]) => `${names.join(", ")} ${names.length > 1 ? "are" : "is"}`;
  const it = (names: string[]) => (names.length > 1 ? "them" : "it");
  const notes: string[] = [];
  if (runtime.missing.length) {
    notes.push(`${list(runtime.missing)} left to the runtime (esbuild external) but not installed in this project, so verification could not stand in for the runtime's copy. Install ${it(runtime.missing)} as a devDependency, or set verify: false.`);
  }
  if (runtime.notProvided.length) {
    const them = it(runtime.notProvided);
    notes.push(`${list(runtime.notProvided)} left to the runtime (esbuild external or packages: "external"), but Lambda's Node.js runtime provides only the AWS SDK v3 (@aws-sdk/*). Bundle ${them}, ship ${them} with slimfn's external, or, when a layer provides ${them}, name the layer in slimfn's layers.`);
  }
  if (!notes.length) return e;
  return new SlimfnError(e.diagnostics.map((d) => ({ ...d, notes: [...(d.notes ?? []), ...notes] })));
}

let unzipFound: boolean | undefined;
/** Whether Info-ZIP `unzip` can be run here (checked once per process). */
function hasUnzip(): boolean {
  unzipFound ??= spawnSync("unzip", ["-v"], { stdio: "ignore" }).error === undefined;
  return unzipFound;
}

/** Read a JSON event file; a missing or invalid one fails the build naming the file. */
export function readEvent(file: string): unknown {
  let text: string;
  try {
    text = readTextCappedSync(file, MAX_EVENT_BYTES);
  } catch (e) {
    if (e instanceof TooLarge) throw verifyEventError(file, `larger than 6 MiB, more than Lambda's limit on an invocation's payload; it was not read further`);
    throw verifyEventError(file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw verifyEventError(file, (e as Error).message);
  }
}

function verifyEventError(file: string, why: string): SlimfnError {
  return new SlimfnError(error("VERIFY_FAILED", `Cannot read the verify event ${file} (${why}). Point "verify.event" at a JSON file.`));
}
