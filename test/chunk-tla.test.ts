/**
 * The required-chunk check (LAZY_REQUIRE_ASYNC) with the bundler's quick answer: esbuild, told
 * the target lacks top-level await, fails on every form of it and only then does slimfn parse a
 * chunk; a cleared chunk is not parsed; answers are kept by content (a peek does not compute).
 */
import * as esbuild from "esbuild";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { esbuildHost } from "../plugins/esbuild.js";
import { verdicts } from "../src/cache/verdicts.js";
import { checkRequiredChunks, type OutputChunk } from "../src/lazy/chunk-tla.js";
import type { BundlerHost } from "../src/session.js";
import { tempDir } from "./helpers/tmp.js";

async function realEsbuildHost(): Promise<BundlerHost> {
  let host: BundlerHost | undefined;
  await esbuild.build({ stdin: { contents: "1" }, write: false, logLevel: "silent", plugins: [{ name: "capture", setup: (b) => void (host = esbuildHost(b)) }] });
  return host!;
}

const CODE = {
  await: "const x = await fetch(1);\nexport { x };\n",
  forAwait: "for await (const x of y) console.log(x);\nexport {};\n",
  awaitUsing: "await using r = open();\nexport {};\n",
  inBlock: "if (process.env.X) { await import('./a.mjs'); }\nexport {};\n",
  inFunction: "export async function f() { await g(); for await (const x of y) h(x); }\n",
  inArrowAndStrings: "export const f = async () => { await x; };\nexport const s = 'await y'; // await z\n",
};

describe("required chunks with top-level await", () => {
  it("esbuild's quick answer: maybe for every form of top-level await, no for await only inside functions, strings and comments", async () => {
    const host = await realEsbuildHost();
    const answers = Object.fromEntries(await Promise.all(Object.entries(CODE).map(async ([k, code]) => [k, await host.mayHaveTopLevelAwait!(code)])));
    expect(answers).toEqual({ await: true, forAwait: true, awaitUsing: true, inBlock: true, inFunction: false, inArrowAndStrings: false });
  });

  it("fails a sync load whose chunk or imported chunk has it, parsing only what the bundler did not clear", async () => {
    const host = await realEsbuildHost();
    const chunk = (file: string, code: string, imports: string[] = [], entryPoint?: string): OutputChunk => ({ file, code, imports, ...(entryPoint ? { entryPoint } : {}) });
    const chunks = [
      chunk("dist/heavy-A.mjs", CODE.inFunction, ["dist/chunk-B.mjs"], "slimfn-lazy:src/heavy.ts?client"),
      chunk("dist/chunk-B.mjs", CODE.forAwait),
      chunk("dist/light-C.mjs", CODE.inArrowAndStrings, [], "slimfn-lazy:src/light.ts?x"),
      chunk("dist/async-D.mjs", CODE.await, [], "slimfn-lazy:src/other.ts?async:y"),
    ];
    const asked: string[] = [];
    const counting = (code: string) => {
      asked.push(chunks.find((c) => c.code === code)!.file);
      return host.mayHaveTopLevelAwait!(code);
    };
    const problems = await checkRequiredChunks(chunks, undefined, counting);
    expect(problems.map((d) => [d.code, d.message])).toEqual([
      [
        "LAZY_REQUIRE_ASYNC",
        '"src/heavy.ts" is loaded synchronously on first use with require(), but the chunk it imports dist/chunk-B.mjs has top-level await, which require() cannot load. Use it only directly in async functions (then it loads with import()), or mark the import /* @eager */.',
      ],
    ]);
    // The async load's chunk is never required: not asked about.
    expect(asked.sort()).toEqual(["dist/chunk-B.mjs", "dist/heavy-A.mjs", "dist/light-C.mjs"]);
    // Without the quick answer the same verdict, by parsing.
    expect(await checkRequiredChunks(chunks)).toEqual(problems);
    // A cleared chunk is not parsed: a (wrong) "surely none" is taken as it is.
    expect(await checkRequiredChunks(chunks, undefined, async () => false)).toEqual([]);
  });

  it("keeps answers by content: a peek finds what an earlier build computed, and computes nothing", () => {
    const dir = path.join(tempDir("slimfn-verdicts-"), "cache");
    const first = verdicts({ dir });
    expect(first.known("top-level await", CODE.await)).toBeUndefined();
    expect(first("top-level await", CODE.await, () => true)).toBe(true);
    const later = verdicts({ dir });
    expect(later.known("top-level await", CODE.await)).toBe(true);
    expect(later.known("top-level await", CODE.inFunction)).toBeUndefined();
    expect(later("top-level await", CODE.await, () => false)).toBe(true);
  });
});
