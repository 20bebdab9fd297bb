/**
 * `include`: files the function reads at run time (templates, certificates), matched by globs
 * relative to the project root and placed at the same relative paths in the zip. A glob that
 * matches a folder takes the files under it; the project's node_modules is left to `external`.
 */
import fs from "node:fs";
import path from "node:path";
import fg from "fast-glob";
import { error, SlimfnError, warning, type Diagnostic } from "../diagnostics.js";
import type { ZipEntryInput } from "../zip/write.js";

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
  const found = new Map<string, string>();
  const outputIgnores = outputs
    .map((o) => path.relative(root, o).split(path.sep).join("/"))
    .filter((rel) => rel !== "" && !rel.startsWith("../") && !path.isAbsolute(rel))
    .flatMap((rel) => [fg.escapePath(rel), `${fg.escapePath(rel)}/**`]);
  for (const glob of globs) {
    // Packages come from `external`, which ships them with their closure; a `**` glob must not
    // sweep the project's node_modules in beside them. A glob that names node_modules may.
    const ignore = [...(/(^|\/)node_modules(\/|$)/.test(glob) ? [] : ["**/node_modules/**"]), ...outputIgnores];
    const hits = fg.sync(glob, { cwd: root, dot: true, onlyFiles: false, markDirectories: true, followSymbolicLinks: true, unique: true, ignore });
    // A glob that names a folder (`templates`) includes every file under it, as strip globs do.
    const folders = hits.filter((h) => h.endsWith("/")).filter((d, _, all) => !all.some((o) => o !== d && d.startsWith(o)));
    const under = folders.length
      ? fg.sync(folders.map((d) => `${fg.escapePath(d)}**`), { cwd: root, dot: true, onlyFiles: true, followSymbolicLinks: true, unique: true, ignore })
      : [];
    // fast-glob answers `./x/*` with `./x/...`: zip paths have no `.` parts.
    const matches = [...hits.filter((h) => !h.endsWith("/")), ...under].map((m) => path.posix.normalize(m));
    if (matches.length === 0) {
      diagnostics.push(
        warning(
          "INCLUDE_EMPTY",
          `The include glob ${JSON.stringify(glob)} matches no file under ${root}. Fix the pattern (it is relative to the project root) or remove it.`,
        ),
      );
    }
    for (const m of matches) found.set(m, path.join(root, m));
  }
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
