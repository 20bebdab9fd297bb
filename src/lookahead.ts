/**
 * The lazy transform's look-ahead, one per build: may a file that mentions nothing lazy import a
 * project module that exports deferred consts? Only then is it parsed (the importers of such a
 * module are rewired to its accessors). Text tests, no parser: a module can export deferred
 * consts only when its text mentions something lazy and has an `export const`, or when it
 * re-exports a project module that may.
 *
 * The files are read and relative imports resolved with synchronous calls, against one listing
 * per folder: a source file is small, and `fs.promises.readFile`/`stat` cost a thread-pool round
 * trip per step (open, fstat, read, close), which made the look-ahead ~30 ms of a 600-file
 * build. The text read here is the text the bundler's load gets (`readSource`), so each file is
 * read once per build. A name the listing misses (another case on a case-insensitive disk) goes
 * to the bundler's resolver: slower, never wrong.
 */
import fs from "node:fs";
import path from "node:path";
import { isRelative, resolveRelativeSync } from "./resolve-relative.js";

/** `export ... from "x"` (named, namespace or star). */
export const REEXPORT = /\bexport\s*(?:type\s*)?(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*["']([^"']+)["']/g;
/**
 * `export const`: the only declaration the transform defers for importers (an exported const
 * built from a lazy import becomes `<name>$slimfn()`; a const exported by `export { x }` stays
 * eager). A module without one exports no deferred const of its own, whatever else it mentions.
 */
export const EXPORT_CONST = /\bexport\s+const\b/;
/** Static imports and re-exports: `from "x"`, `import "x"`. */
export const IMPORTED = /\b(?:from|import)\s*["']([^"']+)["']/g;

export interface LookAheadHost {
  /** The cheap text test of the lazy transform (`mayNeedLazy` with the build's allowlist). */
  mentionsLazy(code: string): boolean;
  /** The bundler's answer for a project specifier that is not relative (alias, `#x`, `/x`): a file on disk, or undefined. */
  resolve(specifier: string, file: string): Promise<string | undefined>;
  /** Whether a path is one of the project's own source files (never node_modules). */
  isSource(file: string): boolean;
  /** tsconfig `paths` prefixes: bare specifiers that name the project's own modules. */
  aliases(): readonly string[];
}

export interface LookAhead {
  /** A source file's text, read once per build. */
  readSource(file: string): Promise<string>;
  /** The same text, synchronously; undefined when the file cannot be read. */
  readSourceSync(file: string): string | undefined;
  /** The file a relative import names, found in this build's folder listings; undefined when none is. */
  resolveRelative(specifier: string, fromDir: string): string | undefined;
  /** The project file (never node_modules) an import of the user's own module names. */
  resolveOwn(specifier: string, file: string): Promise<string | undefined>;
  /** True when a project module `code` (of `file`) imports may export deferred consts. */
  importsDeferred(code: string, file: string): Promise<boolean>;
}

export function lookAhead(host: LookAheadHost): LookAhead {
  const sources = new Map<string, { text: string } | { failed: unknown }>();
  // One listing per folder instead of a stat per candidate path (./x.js is x.ts: two stats).
  const listings = new Map<string, Map<string, fs.Dirent> | null>();
  const isFile = (file: string): boolean => {
    const dir = path.dirname(file);
    let listing = listings.get(dir);
    if (listing === undefined) {
      try {
        listing = new Map(fs.readdirSync(dir, { withFileTypes: true }).map((d) => [d.name, d]));
      } catch {
        listing = null;
      }
      listings.set(dir, listing);
    }
    const entry = listing?.get(path.basename(file));
    if (!entry) return false;
    return entry.isFile() || (entry.isSymbolicLink() && fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true);
  };
  const local = new Map<string, Promise<string | undefined>>();
  const exporting = new Map<string, Promise<boolean>>();
  const isOwn = (spec: string) => isRelative(spec) || spec.startsWith("/") || spec.startsWith("#") || host.aliases().some((a) => spec.startsWith(a));

  const read = (file: string): { text: string } | { failed: unknown } => {
    let got = sources.get(file);
    if (!got) {
      try {
        got = { text: fs.readFileSync(file, "utf8") };
      } catch (failed) {
        got = { failed };
      }
      sources.set(file, got);
    }
    return got;
  };
  const readSource = (file: string): Promise<string> => {
    const got = read(file);
    return "text" in got ? Promise.resolve(got.text) : Promise.reject(got.failed);
  };
  const readSourceSync = (file: string): string | undefined => {
    const got = read(file);
    return "text" in got ? got.text : undefined;
  };

  const resolveRelative = (specifier: string, fromDir: string) => resolveRelativeSync(specifier, fromDir, undefined, isFile);

  const resolveOwn = (specifier: string, file: string): Promise<string | undefined> => {
    const key = `${path.dirname(file)}\n${specifier}`;
    let target = local.get(key);
    if (!target) {
      const relative = resolveRelative(specifier, path.dirname(file));
      target = (relative !== undefined ? Promise.resolve(relative) : host.resolve(specifier, file)).then((p) =>
        p !== undefined && host.isSource(p) ? p : undefined,
      );
      local.set(key, target);
    }
    return target;
  };

  /** Text test: `file` mentions something lazy and has an `export const`, or re-exports a project module that may. */
  const mayExportDeferred = (file: string, seen: ReadonlySet<string> = new Set()): Promise<boolean> => {
    let hit = exporting.get(file);
    if (hit) return hit;
    hit = (async () => {
      const code = await readSource(file).catch(() => "");
      if (host.mentionsLazy(code) && EXPORT_CONST.test(code)) return true;
      const chain = new Set([...seen, file]);
      for (const m of code.matchAll(REEXPORT)) {
        const target = isOwn(m[1]!) ? await resolveOwn(m[1]!, file) : undefined;
        if (target && !chain.has(target) && (await mayExportDeferred(target, chain))) return true;
      }
      return false;
    })();
    // A cycle's inner answers depend on where it was entered: only the outermost is kept.
    if (!seen.size) exporting.set(file, hit);
    return hit;
  };

  const importsDeferred = async (code: string, file: string): Promise<boolean> => {
    const own = [...new Set([...code.matchAll(IMPORTED)].map((m) => m[1]!))].filter(isOwn);
    const targets = await Promise.all(own.map((spec) => resolveOwn(spec, file)));
    const answers = await Promise.all(targets.map((t) => (t ? mayExportDeferred(t) : false)));
    return answers.some(Boolean);
  };

  return { readSource, readSourceSync, resolveRelative, resolveOwn, importsDeferred };
}
