/**
 * CommonJS interop under lazy imports (issue 15, part 1): async mode's `import()` chunk of a
 * CommonJS package had only `export default require_x()`, so named and namespace imports were
 * undefined on first use (`lookup is not a function`), and sync mode snapshotted getters and
 * took `__esModule` defaults where the eager build did not. Every mode and output shape must
 * answer what the eager build answers, with the packages still deferred.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Answer } from "./helpers/invoke.js";
import { REPO } from "./helpers/paths.js";
import { buildEntry, ORDER, run, type Shape } from "./lazy-helpers.js";

const LAZY = ["mime-types", "cjs-interop", "cjs-fn", "cjs-class"];
const ok = (answers: Answer[]) => answers.map((a) => ("ok" in a ? (a.ok as Record<string, unknown>) : expect.fail(`handler failed: ${(a as { error: string }).error}`)));

const VARIANTS: { name: string; shape: Shape; mode: "auto" | "sync" | "async"; runtime?: "nodejs20.x" }[] = [
  { name: "auto, split esm (async chunks)", shape: "esm-split", mode: "auto" },
  { name: "async, split esm", shape: "esm-split", mode: "async" },
  { name: "sync, split esm on nodejs22.x (required chunks)", shape: "esm-split", mode: "sync" },
  { name: "sync, split esm on nodejs20.x (wrapped in the entry)", shape: "esm-split", mode: "sync", runtime: "nodejs20.x" },
  { name: "auto, esm without splitting", shape: "esm", mode: "auto" },
  { name: "auto, cjs", shape: "cjs", mode: "auto" },
  { name: "auto, esm outfile", shape: "esm-outfile", mode: "auto" },
];

describe.each(["src/interop.ts", "src/commonjs/interop.ts"])("%s with the packages left external (required at run time)", (entry) => {
  // cjs output: esm output imports externals natively, and Node's ESM resolution has no NODE_PATH.
  it.each(["auto", "sync"] as const)("%s, cjs: every answer equals the eager build's", async (mode) => {
    const shape = "cjs";
    const external = { external: LAZY };
    const lazy = await buildEntry(entry, { modules: LAZY, mode }, shape, external);
    const eager = await buildEntry(entry, [], shape, external);
    expect(lazy.errors).toEqual([]);
    // Found at run time through NODE_PATH, as the runtime's own packages are.
    const env = { NODE_PATH: `${path.join(ORDER, "packages")}${path.delimiter}${path.join(REPO, "node_modules")}` };
    const [answer] = ok(run(lazy, [{}], [], env));
    const [eagerAnswer] = ok(run(eager, [{}], [], env));
    expect(answer!.before).toEqual(["interop"]);
    expect(answer!.result).toEqual(eagerAnswer!.result);
  });
});

describe.each(["src/interop.ts", "src/commonjs/interop.ts"])("%s (node ESM importer, then a type: commonjs one)", (entry) => {
  it.each(VARIANTS)("$name: every answer equals the eager build's, and the packages load on first use", async ({ shape, mode, runtime }) => {
    const lazy = await buildEntry(entry, { modules: LAZY, mode }, shape, {}, runtime ? { runtime } : {});
    // The eager build: slimfn without lazy modules (its require shim lets bundled CommonJS
    // require built-ins in ESM output, which plain esbuild's output cannot).
    const eager = await buildEntry(entry, [], shape, {}, runtime ? { runtime } : {});
    expect(lazy.errors).toEqual([]);
    expect(lazy.warnings).toEqual([]);
    const [answer] = ok(run(lazy, [{}]));
    const [eagerAnswer] = ok(run(eager, [{}]));
    expect(answer!.before).toEqual(["interop"]);
    expect(answer!.result).toEqual(eagerAnswer!.result);
  });
});
