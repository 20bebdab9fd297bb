/**
 * Which of the project's source files the lazy transform must see, found before the build by
 * following imports from the entries. esbuild fixes a plugin's `onLoad` filter when the build
 * is set up, and every file the filter matches costs a round trip to JavaScript: on a 600-file
 * project where three files import an allowlisted package, the broad filter (every source file)
 * made the build ~1.7x plain esbuild's. With the exact paths, the other files never leave Go.
 *
 * A file needs the transform on the same test the transform's first line makes (transform.ts):
 * it mentions something lazy, or it imports a project module that may export deferred consts.
 * The scan follows what the bundler would load: static imports and re-exports, `import()` and
 * `require()` of string literals, resolved by slimfn's relative resolver. Where it cannot know
 * what the bundler loads, it says so (`unknown`) and the caller keeps the broad filter: an own
 * import that is not relative (tsconfig alias, `#x`, `/x`), a template-literal or concatenated
 * `import()` or `require()` (esbuild bundles every file such a pattern can name), a relative import it cannot
 * resolve or that names a folder with a package.json, a bare import that is not a builtin, not
 * left to the runtime, and not found in a node_modules folder (tsconfig `baseUrl`, `NODE_PATH`),
 * or found in one that links outside node_modules (a workspace sibling is source).
 * Over-inclusion is harmless (the transform returns nothing); leaving a file out is not, so
 * every doubt falls back.
 *
 * The look-ahead's question (does a file import a module that may export deferred consts?) is
 * answered here over the graph the scan builds, synchronously: asked per file through the
 * look-ahead's promises it cost ~12 ms of a 600-file build; over the graph it is one walk.
 */
import fs from "node:fs";
import path from "node:path";
import { EXPORT_CONST, IMPORTED, REEXPORT, type LookAhead } from "../lookahead.js";
import { isRelative } from "../resolve-relative.js";
import { fileStamp } from "../ship/files.js";
import { findPackageDir } from "../ship/resolve.js";
import { isBuiltin, packageName } from "../specifiers.js";

/** Static imports, re-exports, `import "x"`, and `import()`/`require()` of a string literal. */
const SPECIFIERS = /\b(?:from|import)\s*["']([^"']+)["']|\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g;
/**
 * `import(` or `require(` of a template literal or a string concatenation: esbuild turns
 * either into a glob and bundles every file it can match.
 */
const TEMPLATE_LOAD = /\b(?:import|require)\s*\(\s*(?:`|["'][^"'\n]*["']\s*\+)/;
/** A static import of a path: the transform's own test (transform.ts `LOCAL_IMPORT`). */
const LOCAL_IMPORT = /\bfrom\s*["'][./#]/;

export interface ReachHost {
  /** The project root, for the paths the reasons name. */
  root: string;
  /** The transform's cheap text test (`mayNeedLazy` with the build's allowlist). */
  mentionsLazy(code: string): boolean;
  /** The other reason a file's own text may need the transform: decorator metadata. */
  needsMetadata(code: string, file: string): boolean;
  /** Whether a path is one of the project's own source files (never node_modules). */
  isSource(file: string): boolean;
  /** tsconfig `paths` prefixes: any import starting with one is an own non-relative import. */
  aliases: readonly string[];
  /** Whether the bundler leaves a bare import to the runtime (it is never loaded). */
  leavesToRuntime(specifier: string): boolean;
  /** This build's reads, shared with the transform (each file is read once per build). */
  ahead: LookAhead;
}

export interface Reached {
  /** Source files that may need the transform (absolute paths). */
  needed: ReadonlySet<string>;
  /** Every source file the scan read. */
  scanned: ReadonlySet<string>;
  /** The answers it took from outside the files: bare imports left to the runtime, by specifier. */
  runtime: ReadonlyMap<string, boolean>;
  /** Whether a package is installed in a node_modules folder, by `folder\nname`. */
  packages: ReadonlyMap<string, boolean>;
  /** Stamps of the files it read and the folders it looked in, each taken before it was read. */
  stamps: ReadonlyMap<string, string | undefined>;
}

export type Reach = Reached | { unknown: string };

/**
 * What a scan's answer rests on: the stamps of the files it read, of their folders (a new
 * `x.tsx` beside `x.ts` changes what `./x` names) and of `extra` files (tsconfig), and its
 * answers from outside the files. While all hold, scanning again would give the same answer.
 */
export interface ReachProof {
  stamps: ReadonlyMap<string, string | undefined>;
  runtime: ReadonlyMap<string, boolean>;
  packages: ReadonlyMap<string, boolean>;
}

/** What changes when a file is edited, replaced or rewritten in place, or a folder gains or loses an entry. */
function stampOf(file: string): string | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st && fileStamp(st);
}

export function proofOf(reach: Reached, extra: readonly string[]): ReachProof {
  const stamps = new Map(reach.stamps);
  for (const f of extra) if (!stamps.has(f)) stamps.set(f, stampOf(f));
  return { stamps, runtime: reach.runtime, packages: reach.packages };
}

export function stillHolds(proof: ReachProof, leavesToRuntime: (specifier: string) => boolean): boolean {
  for (const [file, stamp] of proof.stamps) if (stampOf(file) !== stamp) return false;
  for (const [spec, left] of proof.runtime) if (leavesToRuntime(spec) !== left) return false;
  for (const [key, found] of proof.packages) {
    const cut = key.indexOf("\n");
    if (lookUp(key.slice(cut + 1), key.slice(0, cut)) !== found) return false;
  }
  return true;
}

/** What the scan keeps of a file. */
interface Scanned {
  code: string;
  /** Own modules it imports statically or re-exports (what the look-ahead follows). */
  imports: string[];
  /** Own modules it re-exports. */
  reexports: string[];
}

/** Follow imports from `entries` (absolute paths of files). */
export function findReach(entries: readonly string[], host: ReachHost): Reach {
  const files = new Map<string, Scanned>();
  const packages = new Map<string, boolean>();
  const runtime = new Map<string, boolean>();
  const leaves = (spec: string) => {
    let left = runtime.get(spec);
    if (left === undefined) runtime.set(spec, (left = host.leavesToRuntime(spec)));
    return left;
  };
  // Taken before each read, so an edit during the scan makes the proof fail rather than hold.
  const stamps = new Map<string, string | undefined>();
  const stamp = (f: string) => {
    if (!stamps.has(f)) stamps.set(f, stampOf(f));
  };
  const rel = (file: string) => path.relative(host.root, file).split(path.sep).join("/");
  for (const entry of entries) {
    if (!fs.statSync(entry, { throwIfNoEntry: false })?.isFile()) return { unknown: `the entry ${rel(entry)} is not a file` };
  }
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file) || !host.isSource(file)) continue;
    stamp(file);
    stamp(path.dirname(file));
    const code = host.ahead.readSourceSync(file);
    if (code === undefined) return { unknown: `${rel(file)} could not be read` };
    if (TEMPLATE_LOAD.test(code)) return { unknown: `${rel(file)} loads a path built at run time (a template literal or concatenation)` };
    const targets = new Map<string, string>();
    for (const m of code.matchAll(SPECIFIERS)) {
      const spec = (m[1] ?? m[2])!;
      if (targets.has(spec)) continue;
      if (isRelative(spec)) {
        // The folders whose listings the resolution reads: the one the path names, and the path
        // itself when it is a folder (its index).
        const named = path.resolve(path.dirname(file), spec);
        stamp(path.dirname(named));
        stamp(named);
        const target = host.ahead.resolveRelative(spec, path.dirname(file));
        if (target === undefined) return { unknown: `${rel(file)} imports "${spec}", which slimfn cannot resolve` };
        // A folder's package.json `main` wins over its index in the bundler's resolution.
        if (target.startsWith(named + path.sep) && fs.existsSync(path.join(named, "package.json"))) {
          return { unknown: `${rel(file)} imports the folder "${spec}", which has a package.json` };
        }
        targets.set(spec, target);
        queue.push(target);
        continue;
      }
      if (spec.startsWith("/") || spec.startsWith("#") || host.aliases.some((a) => spec.startsWith(a))) {
        return { unknown: `${rel(file)} imports "${spec}", which only the bundler resolves` };
      }
      if (isBuiltin(spec) || leaves(spec)) continue;
      const name = packageName(spec);
      if (name === undefined) return { unknown: `${rel(file)} imports "${spec}"` };
      const dir = path.dirname(file);
      if (!installed(name, dir, packages) && !installed(`@types/${name.replace(/^@([^/]+)\//, "$1__")}`, dir, packages)) {
        // Not installed, and no types of it either (an `import type` of a types-only package is erased).
        return { unknown: `${rel(file)} imports "${spec}", which is not installed in a node_modules folder` };
      }
    }
    const own = (re: RegExp) => [...new Set([...code.matchAll(re)].map((m) => targets.get(m[1]!)).filter((t) => t !== undefined))];
    files.set(file, { code, imports: own(IMPORTED), reexports: own(REEXPORT) });
  }
  // May a module export deferred consts: it mentions something lazy and has an `export const`,
  // or it re-exports one that may.
  const exporting = new Map<string, boolean>();
  const mayExport = (file: string, chain: Set<string> = new Set()): boolean => {
    const known = exporting.get(file);
    if (known !== undefined) return known;
    const f = files.get(file);
    if (!f) return false;
    if (host.mentionsLazy(f.code) && EXPORT_CONST.test(f.code)) return memo(file, true);
    chain.add(file);
    const yes = f.reexports.some((t) => !chain.has(t) && mayExport(t, chain));
    chain.delete(file);
    // Inside a re-export cycle a "no" may depend on where the cycle was entered: keep only a "yes".
    return yes ? memo(file, true) : chain.size === 0 ? memo(file, false) : false;
  };
  const memo = (file: string, v: boolean) => (exporting.set(file, v), v);
  const needed = new Set<string>();
  for (const [file, f] of files) {
    const own = host.mentionsLazy(f.code) || host.needsMetadata(f.code, file);
    if (own || (LOCAL_IMPORT.test(f.code) && f.imports.some((t) => mayExport(t)))) needed.add(file);
  }
  return { needed, scanned: new Set(files.keys()), runtime, packages, stamps };
}

/** Whether Node's lookup from `dir` finds package `name` in a node_modules folder, really there (not a link out of it). */
function installed(name: string, dir: string, cache: Map<string, boolean>): boolean {
  const key = `${dir}\n${name}`;
  let found = cache.get(key);
  if (found === undefined) cache.set(key, (found = lookUp(name, dir)));
  return found;
}

function lookUp(name: string, dir: string): boolean {
  let found: ReturnType<typeof findPackageDir>;
  try {
    found = findPackageDir(name, dir);
  } catch {
    return false;
  }
  return found !== undefined && found.realDir.split(path.sep).includes("node_modules");
}
