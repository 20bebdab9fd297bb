/**
 * `include`: files the function reads at run time (templates, certificates), matched by globs
 * relative to the project root and placed at the same relative paths in the zip. A glob that
 * matches a folder takes the files under it; the project's node_modules is left to `external`.
 * Nothing outside the project root is read (`include-walk.ts`).
 */
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError, warning, type Diagnostic } from "../diagnostics.js";
import type { ZipEntryInput } from "../zip/write.js";
import { walkInclude } from "./include-walk.js";
import { isInside } from "./symlinks.js";

/** The real path of `p`, or `p` itself while it does not exist (a zip not written yet). */
function realOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

export interface IncludedFiles {
  entries: ZipEntryInput[];
  diagnostics: Diagnostic[];
}

/** Why an `include` glob is not allowed, or `undefined`: globs stay inside the project root. */
export function includeGlobProblem(glob: string): string | undefined {
  if (path.isAbsolute(glob) || glob.startsWith("/")) return "a glob relative to the project root, not an absolute path";
  if (glob.split("/").includes("..")) return 'a glob inside the project root (no ".." parts)';
  return undefined;
}

/**
 * The files of `globs` under `root`. `outputs` are absolute paths this build writes (its output
 * folder, zips, size model): never included, or a `**` glob would take the last build's output
 * into this build's zip and the same inputs would stop giving the same bytes.
 */
export function includedFiles(globs: readonly string[], root: string, outputs: readonly string[] = []): IncludedFiles {
  const diagnostics: Diagnostic[] = [];
  const problems: Diagnostic[] = [];
  const found = new Map<string, string>();
  const realRoot = realOr(root);
  const outputReals = outputs.map((o) => realOr(path.resolve(root, o)));
  for (const glob of globs) {
    // Packages come from `external`, which ships them with their closure; a `**` glob must not
    // sweep the project's node_modules in beside them. A glob that names node_modules may.
    const namesNodeModules = /(^|\/)node_modules(\/|$)/.test(glob);
    const walked = walkInclude(glob, realRoot, (rel, real, isDir) =>
      (isDir && !namesNodeModules && rel.slice(rel.lastIndexOf("/") + 1) === "node_modules") || outputReals.some((o) => isInside(real, o)),
    );
    for (const p of walked.problems) if (!problems.some((q) => q.message === p.message)) problems.push(p);
    if (walked.files.length === 0 && walked.problems.length === 0) {
      diagnostics.push(
        warning(
          "INCLUDE_EMPTY",
          `The include glob ${JSON.stringify(glob)} matches no file under ${root}. Fix the pattern (it is relative to the project root) or remove it.`,
        ),
      );
    }
    for (const f of walked.files) found.set(f.rel, f.abs);
  }
  if (problems.length) throw new SlimfnError(problems);
  const entries: ZipEntryInput[] = [];
  for (const [rel, abs] of [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      entries.push({ path: rel, data: fs.readFileSync(abs) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new SlimfnError(error("PACKAGE_UNREADABLE", `Cannot read the included file ${abs} (${code}).`));
    }
  }
  return { entries, diagnostics };
}
