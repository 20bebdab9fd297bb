/**
 * The walk behind one `include` glob: the project root's folders in name order, entering only
 * folders the glob can reach, following symlinks only while their real target stays inside the
 * project root (`SYMLINK_OUTSIDE` otherwise: nothing outside it is read) and never into a
 * folder already on the walk path (`SYMLINK_LOOP`: `a -> .` beside `b -> .` made fast-glob's
 * walk grow without end, `d/up -> ..` ended in a 40-level ELOOP). A folder the glob matches
 * brings every file under it, as before.
 */
import fs from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { error, type Diagnostic } from "../diagnostics.js";
import { normaliseGlob } from "./glob-match.js";
import { isInside } from "./symlinks.js";

export interface IncludeWalk {
  /** Matched files: zip path (relative to the root, `/`-separated) and real path on disk. */
  files: { rel: string; abs: string }[];
  problems: Diagnostic[];
}

/**
 * A test for folders: false when no path under `dirRel` can match the glob, segment by segment
 * (`templates/*.txt` never needs `src/`). Globs whose braces or groups may span a `/` are walked
 * everywhere, which is slower but never misses a file.
 */
function mayHoldMatches(glob: string): (dirRel: string) => boolean {
  if (/[{(]/.test(glob)) return () => true;
  const segments = glob.split("/").map((s) => (s === "**" ? "**" : picomatch(s, { dot: true })));
  return (dirRel) => {
    const parts = dirRel.split("/");
    for (let i = 0; i < parts.length; i++) {
      const seg = segments[i];
      if (seg === undefined) return false;
      if (seg === "**") return true;
      if (!seg(parts[i]!)) return false;
    }
    return true;
  };
}

const rel2 = (root: string, real: string) => path.relative(root, real).split(path.sep).join("/") || ".";

/**
 * Walk `root` (a real path) for `glob`. `skip` leaves out a path (node_modules, the build's own
 * outputs) before anything under it is read.
 */
export function walkInclude(glob: string, root: string, skip: (rel: string, real: string, isDir: boolean) => boolean): IncludeWalk {
  const pattern = normaliseGlob(glob);
  const matches = picomatch(pattern, { dot: true });
  const mayHold = mayHoldMatches(pattern);
  const files: IncludeWalk["files"] = [];
  const problems: Diagnostic[] = [];
  const walking = new Set<string>();

  const walk = (absDir: string, realDir: string, relDir: string, all: boolean) => {
    walking.add(realDir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      problems.push(error("PACKAGE_UNREADABLE", `Cannot read the folder ${absDir} for the include glob ${JSON.stringify(glob)} (${(e as NodeJS.ErrnoException).code ?? String(e)}). Fix its permissions or narrow the glob.`));
      walking.delete(realDir);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const abs = path.join(absDir, entry.name);
      let real = path.join(realDir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      const wanted = () => all || matches(rel) || (isDir && mayHold(rel));
      if (entry.isSymbolicLink()) {
        try {
          real = fs.realpathSync(abs);
          const stat = fs.statSync(real);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // A dangling link is skipped unless the glob asks for it by name.
          if (code === "ELOOP" || matches(rel) || all) {
            problems.push(
              code === "ELOOP"
                ? loop(glob, rel, fs.readlinkSync(abs))
                : error("PACKAGE_UNREADABLE", `The included path ${rel} is a symlink to ${fs.readlinkSync(abs)}, which cannot be read (${code ?? String(e)}). Fix or remove the link.`),
            );
          }
          continue;
        }
        if (!isInside(real, root)) {
          if (wanted()) {
            problems.push(
              error(
                "SYMLINK_OUTSIDE",
                `The include glob ${JSON.stringify(glob)} reaches ${rel}, a symlink to ${real}, outside the project root ${root}: include never reads files from elsewhere on this machine. Copy the file into the project, or narrow the glob so it does not match the link.`,
              ),
            );
          }
          continue;
        }
      }
      if (skip(rel, real, isDir)) continue;
      if (isDir) {
        if (!wanted()) continue;
        if (walking.has(real)) {
          problems.push(loop(glob, rel, rel2(root, real)));
          continue;
        }
        walk(abs, real, rel, all || matches(rel));
      } else if (isFile && (all || matches(rel))) {
        files.push({ rel, abs: real });
      }
    }
    walking.delete(realDir);
  };
  walk(root, root, "", false);
  return { files, problems };
}

function loop(glob: string, rel: string, target: string): Diagnostic {
  return error(
    "SYMLINK_LOOP",
    `The include glob ${JSON.stringify(glob)} reaches ${rel}, a symlink back to ${target === "." ? "the project root" : target}, a folder that holds it: the walk would never end. Remove the link, or narrow the glob so it does not reach it.`,
  );
}
