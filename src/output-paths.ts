/**
 * Where slimfn may write: a zip or size model path must never be an input of the build (an
 * entry, a source file, a package.json, anything under node_modules), another output of the same
 * build, a folder, or an existing file slimfn did not write (a zip is a zip, a size model is a
 * size model). Checked before anything is written, so a typo in `zip` or `report.json` fails the
 * build instead of replacing the file it names.
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { BuildOutput } from "./build-output.js";
import { error, SlimfnError, type Diagnostic } from "./diagnostics.js";
import { unwritableReason } from "./fs-atomic.js";
import { functionName, zipPaths } from "./naming.js";
import type { ResolvedOptions } from "./options.js";
import { SCHEMA_ID } from "./report/model.js";
import { MAX_MODEL_BYTES } from "./report/read-model.js";

/** One file slimfn is about to write. */
export interface OutputTarget {
  kind: "zip" | "report";
  /** Absolute path. */
  path: string;
  /** The function whose zip it is (or what it is, "the shared layer"). */
  fn?: string;
}

/** What the build reads and the bundler writes, as far as it is known at this point. */
export interface OutputContext {
  root: string;
  /** Absolute output folder. */
  outdir?: string;
  /** Absolute source files the build reads, each with the function that bundles it (if known). */
  inputs: ReadonlyMap<string, string | undefined>;
  /** Absolute files the bundler writes. */
  bundle?: readonly string[];
}


const optionOf = (t: OutputTarget) => (t.kind === "zip" ? `"zip" option (--zip)` : `"report.json" option (--report)`);
const whose = (fn: string | undefined) => (fn === undefined ? "" : fn.startsWith("the ") ? `of ${fn} ` : `of function "${fn}" `);
const what = (t: OutputTarget) => (t.kind === "zip" ? `The zip ${whose(t.fn)}` : "The size model ");

/**
 * The path as the file system sees it: links in its folders resolved. One realpath(3) call
 * (Node's JavaScript realpath lstat's every segment: ~8 ms per build over a 600-file project).
 */
function canonical(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    try {
      return path.join(fs.realpathSync.native(path.dirname(p)), path.basename(p));
    } catch {
      return path.resolve(p);
    }
  }
}

/**
 * Which input (and its function) is the file at canonical path `p`. An input can be that file
 * only if its name is the same or it is itself a link (links in its folders do not change its
 * name), so only those are canonicalised: realpath(3) of each of the realistic fixture's 710
 * inputs took 7.5 ms of every build with a zip already there, an lstat of each 2 ms. Names are compared
 * ignoring case, as a case-insensitive file system may answer either.
 */
function inputsAt(inputs: ReadonlyMap<string, string | undefined>): (p: string) => { fn: string | undefined } | undefined {
  const real = new Map<string, string>();
  const isLink = new Map<string, boolean>();
  const linked = (input: string) => {
    let link = isLink.get(input);
    if (link === undefined) {
      try {
        link = fs.lstatSync(input, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
      } catch {
        link = false;
      }
      isLink.set(input, link);
    }
    return link;
  };
  // Names worked out once for all targets (two zips and a model look at the same inputs).
  let named: { input: string; abs: string; name: string; fn: string | undefined }[] | undefined;
  return (p) => {
    const name = path.basename(p).toLowerCase();
    named ??= [...inputs].map(([input, fn]) => {
      const abs = path.resolve(input);
      return { input, abs, name: path.basename(abs).toLowerCase(), fn };
    });
    // The last input that is the file names the function, as when they were a map by real path.
    let found: { fn: string | undefined } | undefined;
    for (const { input, abs, name: inputName, fn } of named) {
      if (inputName !== name && !linked(abs)) continue;
      let c = real.get(input);
      if (c === undefined) real.set(input, (c = canonical(input)));
      if (c === p) found = { fn };
    }
    return found;
  };
}

function shown(root: string, p: string): string {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : p;
}

/** Whether an existing file is one slimfn could have written there: a zip, or a size model. */
function isOurKind(kind: OutputTarget["kind"], file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    if (kind === "zip") {
      const head = Buffer.alloc(4);
      const n = fs.readSync(fd, head, 0, 4, 0);
      // A local file header, or the end record of an empty zip.
      return n === 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
    }
    const size = fs.fstatSync(fd).size;
    if (size > MAX_MODEL_BYTES) return false;
    const buf = Buffer.alloc(size);
    fs.readSync(fd, buf, 0, size, 0);
    const json: unknown = JSON.parse(buf.toString("utf8"));
    return typeof json === "object" && json !== null && (json as { schema?: unknown }).schema === SCHEMA_ID;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

/** Every reason the targets cannot be written where they point; empty when all are fine. */
export function checkOutputPaths(targets: readonly OutputTarget[], ctx: OutputContext): Diagnostic[] {
  const problems: Diagnostic[] = [];
  if (!targets.length) return problems;
  // Only when a target exists: an input was read, so it exists, and a path that does not exist
  // cannot be one (a build without zips looks at no input).
  const inputs = inputsAt(ctx.inputs);
  const bundle = new Set((ctx.bundle ?? []).map(canonical));
  const outdir = ctx.outdir === undefined ? undefined : canonical(ctx.outdir);
  const claimed = new Map<string, OutputTarget>();
  for (const t of targets) {
    const p = canonical(t.path);
    const here = shown(ctx.root, t.path);
    const refuse = (code: "OUTPUT_IS_INPUT" | "OUTPUT_COLLISION" | "OUTPUT_NOT_OURS", why: string) =>
      problems.push(error(code, `${what(t)}would be written to ${here}, ${why} Choose another path with the ${optionOf(t)}.`));
    const other = claimed.get(p);
    if (other) {
      refuse("OUTPUT_COLLISION", `where ${what(other).trim().replace(/^The/, "the")} is written too.`);
      continue;
    }
    claimed.set(p, t);
    const input = fs.existsSync(p) ? inputs(p) : undefined;
    if (input) {
      const { fn } = input;
      refuse("OUTPUT_IS_INPUT", `a source file of the build${fn === undefined ? "" : ` (bundled into function "${fn}")`}, which it would replace.`);
    } else if (bundle.has(p)) {
      refuse("OUTPUT_COLLISION", "an output file of the bundle: one would replace the other.");
    } else if (path.basename(p) === "package.json") {
      refuse("OUTPUT_IS_INPUT", "a package.json, which npm and Node read.");
    } else if (p.split(path.sep).includes("node_modules")) {
      refuse("OUTPUT_IS_INPUT", "inside node_modules, where installed packages live.");
    } else if (p === outdir || (fs.existsSync(p) && fs.statSync(p).isDirectory())) {
      refuse("OUTPUT_COLLISION", `a folder${p === outdir ? " (the output folder)" : ""}, not a file.`);
    } else if (fs.existsSync(p) && !fs.statSync(p).isFile()) {
      refuse("OUTPUT_NOT_OURS", "which is not a regular file (a device, FIFO or socket).");
    } else if (fs.existsSync(p) && !isOurKind(t.kind, p)) {
      const kinds = t.kind === "zip" ? ["a zip", "zips"] : ["a slimfn size model", "size models"];
      refuse("OUTPUT_NOT_OURS", `which exists and is not ${kinds[0]}: slimfn replaces only ${kinds[1]}, so it is left as it is (delete it first if it may go).`);
    }
  }
  return problems;
}

/** The zips (by function name) and the size model a build writes. */
export function outputTargets(zips: Iterable<readonly [string | undefined, string]> | undefined, report: string | undefined): OutputTarget[] {
  const targets: OutputTarget[] = [...(zips ?? [])].map(([fn, p]) => (fn === undefined ? { kind: "zip", path: p } : { kind: "zip", path: p, fn }));
  if (report !== undefined) targets.push({ kind: "report", path: report });
  return targets;
}

/** What a finished bundle read and wrote: its modules (by function) and its output files. */
export function buildInputs(build: BuildOutput, root: string): OutputContext {
  const inputs = new Map<string, string | undefined>();
  for (const input of build.inputs ?? []) inputs.set(input, undefined);
  for (const fn of build.functions) {
    const name = functionName(build.outdir, fn.entry);
    for (const m of fn.modules) {
      const file = path.resolve(root, m.path);
      if (inputs.get(file) === undefined) inputs.set(file, name);
    }
  }
  return { root, outdir: build.outdir, inputs, bundle: [...build.files.keys()] };
}

/**
 * The part of the check that can run before bundling: the size model and the zips (all of them
 * when the function names can be foretold, else a zip path without `[name]`), against the entry
 * files and what exists on disk.
 */
export function earlyOutputProblems(options: ResolvedOptions, outdir: string, entries: readonly string[], names: readonly string[] | undefined): Diagnostic[] {
  let zips: [string | undefined, string][] = [];
  try {
    if (options.zip !== false && names) zips = [...zipPaths(options.zip, outdir, names)];
    else if (options.zip !== false && !options.zip.includes("[name]")) zips = [[undefined, path.resolve(options.zip.replaceAll("[outdir]", outdir))]];
  } catch {
    // ZIP_NAME_MISSING and ZIP_NAME_COLLISION are said once the build has its functions.
  }
  return checkOutputPaths(outputTargets(zips, options.report.json), { root: options.root, outdir, inputs: new Map(entries.map((e) => [e, undefined])) });
}

/**
 * Write the bundler's output files (slimfn writes them itself, after adding shims). A folder that
 * cannot be written fails with OUTPUT_WRITE_FAILED naming the file and why (read-only, not
 * writable), not as if it were a zip.
 */
export async function writeBundleFiles(files: readonly { path: string; contents: Uint8Array }[], root: string): Promise<void> {
  await Promise.all(
    files.map(async (f) => {
      try {
        await fsp.mkdir(path.dirname(f.path), { recursive: true });
        await fsp.writeFile(f.path, f.contents);
      } catch (e) {
        const why = unwritableReason(path.dirname(f.path)) ?? (e as Error).message;
        throw new SlimfnError(
          error("OUTPUT_WRITE_FAILED", `Cannot write the output file ${shown(root, f.path)} (${why}). Choose a writable output folder (esbuild outdir, slimfn build --outdir).`),
        );
      }
    }),
  );
}
