/**
 * After the build: a sync load that `require`s its own chunk (nodejs22.x+, split esm output)
 * fails at run time when that chunk, or a chunk it imports, has top-level await
 * (ERR_REQUIRE_ASYNC_MODULE). The transform only sees the target's entry file; the output shows
 * the whole graph, so the check runs here and fails the build before anything is zipped.
 */
import { error, type Diagnostic } from "../diagnostics.js";
import { hasTopLevelAwait } from "./tla.js";

export interface OutputChunk {
  /** Output path relative to the project root. */
  file: string;
  /** The chunk's entry module as the bundler names it, when it is one. */
  entryPoint?: string;
  /**
   * The specifier whose sync load requires this chunk, when the adapter knows it from the
   * virtual module's id (rollup, Rolldown); otherwise read from `entryPoint`'s name (esbuild).
   */
  required?: string;
  /** Output files it imports statically. */
  imports: string[];
  code: string;
}

/**
 * Bundler names of the virtual modules sync mode loads as chunks (`slimfn-lazy:<target>.js?<names>`);
 * those async mode imports say `?async:` and are never required.
 */
const VIRTUAL_NAME = /^slimfn-lazy:(.*?)(?:\.m?js)?\?(?!async:)/;

/** `ask` may answer from the build cache (an unchanged chunk is not parsed again). */
export type Ask = ((question: string, code: string, compute: () => boolean) => boolean) & {
  known?: (question: string, code: string) => boolean | undefined;
};

const QUESTION = "top-level await";

/**
 * `mayHave`: the bundler's quick answer (off the main thread), false only when a chunk surely
 * has no top-level await; the chunks it cannot clear, and all of them without it, are parsed.
 */
export async function checkRequiredChunks(
  chunks: readonly OutputChunk[],
  ask: Ask = (_q, _c, compute) => compute(),
  mayHave?: (code: string) => Promise<boolean>,
): Promise<Diagnostic[]> {
  const byFile = new Map(chunks.map((c) => [c.file, c]));
  const cleared = new Set<string>();
  if (mayHave) {
    // Every chunk a sync load may reach whose answer is not known yet: asked all at once.
    const reached = new Set<string>();
    const queue = chunks.filter((c) => c.entryPoint !== undefined && VIRTUAL_NAME.test(c.entryPoint)).map((c) => c.file);
    while (queue.length) {
      const c = byFile.get(queue.shift()!);
      if (!c || reached.has(c.file)) continue;
      reached.add(c.file);
      queue.push(...c.imports);
    }
    const open = [...reached].map((f) => byFile.get(f)!).filter((c) => /\bawait\b/.test(c.code) && ask.known?.(QUESTION, c.code) === undefined);
    const answers = await Promise.all(open.map((c) => mayHave(c.code).catch(() => true)));
    open.forEach((c, i) => answers[i] === false && cleared.add(c.file));
  }
  const awaits = new Map<string, boolean>();
  const hasTla = (c: OutputChunk) => {
    let hit = awaits.get(c.file);
    if (hit === undefined) awaits.set(c.file, (hit = ask(QUESTION, c.code, () => !cleared.has(c.file) && hasTopLevelAwait(c.code, c.file))));
    return hit;
  };
  const out: Diagnostic[] = [];
  for (const chunk of chunks) {
    const specifier = chunk.required ?? (chunk.entryPoint === undefined ? undefined : VIRTUAL_NAME.exec(chunk.entryPoint)?.[1]);
    if (specifier === undefined) continue;
    const seen = new Set<string>();
    const queue = [chunk.file];
    while (queue.length) {
      const c = byFile.get(queue.shift()!);
      if (!c || seen.has(c.file)) continue;
      seen.add(c.file);
      if (hasTla(c)) {
        out.push(
          error(
            "LAZY_REQUIRE_ASYNC",
            `"${specifier}" is loaded synchronously on first use with require(), but ${c.file === chunk.file ? "its chunk" : `the chunk it imports`} ${c.file} has top-level await, which require() cannot load. Use it only directly in async functions (then it loads with import()), or mark the import /* @eager */.`,
          ),
        );
        break;
      }
      queue.push(...c.imports);
    }
  }
  return out;
}
