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
import { includedSecret, secretByContent, secretByName, type SecretMatch } from "./secrets.js";
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
export function includedFiles(
  globs: readonly string[],
  root: string,
  outputs: readonly string[] = [],
  allowSecrets: readonly string[] = [],
): IncludedFiles {
  const diagnostics: Diagnostic[] = [];
  const problems: Diagnostic[] = [];
  const found = new Map<string, { abs: string; glob: string }>();
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
    for (const f of walked.files) if (!found.has(f.rel)) found.set(f.rel, { abs: f.abs, glob });
  }
  if (problems.length) throw new SlimfnError(problems);
  const entries: ZipEntryInput[] = [];
  // Files under a secrets folder (.git/) are one problem per folder, not one per file.
  const folders = new Map<string, { glob: string; rel: string; match: SecretMatch; files: number }>();
  for (const [rel, { abs, glob }] of [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const allowed = allowSecrets.includes(rel);
    const byName = secretByName(rel);
    if (byName && !allowed) {
      if (byName.folder) {
        const seen = folders.get(byName.folder);
        if (seen) seen.files++;
        else folders.set(byName.folder, { glob, rel, match: byName, files: 1 });
      } else {
        problems.push(includedSecret(glob, rel, byName));
      }
      continue;
    }
    let data: Buffer;
    try {
      data = fs.readFileSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new SlimfnError(error("PACKAGE_UNREADABLE", `Cannot read the included file ${abs} (${code}).`));
    }
    const byContent = allowed ? undefined : secretByContent(data);
    if (byContent && !allowed) {
      problems.push(includedSecret(glob, rel, byContent));
      continue;
    }
    entries.push({ path: rel, data });
  }
  for (const f of folders.values()) problems.push(includedSecret(f.glob, f.rel, f.match, f.files));
  if (problems.length) throw new SlimfnError(problems.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)));
  return { entries, diagnostics };
}
