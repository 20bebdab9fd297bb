/**
 * Rule 1 across module types, under every bundler: a lazy import of an `__esModule` CommonJS
 * package answers what the eager build answers. Node gives an ES module importer (`"type":
 * "module"`) `module.exports` as the default; a CommonJS importer gets `exports.default`. Each
 * bundler reads the eager import the importer's way, so the virtual module that stands in for a
 * deferred import must be read the same way (Rolldown took `exports.default` in a fresh build
 * of a `"type": "module"` project). Default, named and namespace imports, used in async
 * functions (`import()` in auto mode) and synchronously (required on first use), in both kinds
 * of importer, one build per bundler and mode.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseVirtualId, resolvedVirtualId } from "../src/lazy/virtual.js";
import type { Options } from "../src/options.js";
import { BUNDLERS, buildFixture, type Bundler, type FixtureBuild } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { repoTempDir, writeFiles } from "./helpers/tmp.js";
import { extractZip } from "./helpers/zip.js";

/** TypeScript's CommonJS output of `export default`, a named export and a live getter (read twice: it counts up). */
const CJS = (name: string) =>
  [
    `"use strict";`,
    `(globalThis.__order ??= []).push("${name}");`,
    `Object.defineProperty(exports, "__esModule", { value: true });`,
    `exports.default = "exports.default";`,
    `exports.named = "named";`,
    `let reads = 0;`,
    `Object.defineProperty(exports, "counter", { enumerable: true, get() { return ++reads; } });`,
    ``,
  ].join("\n");
/** The same package as `.cjs` (a virtual module named after it was refused by Rolldown) and as `.js`. */
const PACKAGES = {
  "node_modules/cjs-esm/package.json": `{ "name": "cjs-esm", "version": "1.0.0", "main": "index.cjs" }\n`,
  "node_modules/cjs-esm/index.cjs": CJS("cjs-esm"),
  "node_modules/cjs-esm-js/package.json": `{ "name": "cjs-esm-js", "version": "1.0.0", "main": "index.js" }\n`,
  "node_modules/cjs-esm-js/index.js": CJS("cjs-esm-js"),
};
const LAZY = ["cjs-esm", "cjs-esm-js"];

/** What a default import is, as a string the answers can compare. */
const SHOW = `const show = (v) => (typeof v === "string" ? v : v && typeof v === "object" ? "{" + Object.keys(v).sort().join(",") + "}" : typeof v);`;
const KINDS = {
  default: { imports: `import value from "cjs-esm";`, use: "show(value)" },
  named: { imports: `import { named, counter } from "cjs-esm";`, use: `[named, counter < counter].join(" ")` },
  namespace: { imports: `import * as ns from "cjs-esm";`, use: `[show(ns.default), ns.named, typeof ns.counter].join(" ")` },
  js: { imports: `import value from "cjs-esm-js";`, use: "show(value)" },
};
/** `sync`: used in a synchronous function (required on first use); `async`: directly in an async function's body (import() in auto mode). */
const USES = {
  sync: (use: string) => `const now = () => ${use};\nexport const run = async () => now();\n`,
  async: (use: string) => `export const run = async () => ${use};\n`,
};
/** Folders with their package.json, and the extension of their modules: `.mts` and `.cts` say their type themselves. */
const FOLDERS = {
  module: { pkg: `{ "name": "m", "private": true, "type": "module" }\n`, ext: ".ts" },
  commonjs: { pkg: `{ "name": "c", "private": true }\n`, ext: ".ts" },
  mts: { pkg: `{ "name": "c", "private": true }\n`, ext: ".mts" },
  // Import syntax in a `.cts` file: the sync loader once used import.meta there, which rollup's
  // and Rolldown's parsers refuse in a CommonJS module.
  cts: { pkg: `{ "name": "c", "private": true }\n`, ext: ".cts" },
} as const;
const CASES = Object.keys(KINDS).flatMap((kind) => Object.keys(USES).map((use) => `${kind}-${use}`));
/** One function per folder: its handler calls each case's module, after noting what was evaluated at init. */
const INDEX = (ext: string) =>
  `// @ts-nocheck\n${CASES.map((c, i) => `import { run as v${i} } from "./${c}${ext}";`).join("\n")}\nexport const handler = async () => {\n  const before = [...(globalThis.__order ?? [])];\n  return { before, values: { ${CASES.map((c, i) => `"${c}": await v${i}()`).join(", ")} } };\n};\n`;

function project(): string {
  const root = repoTempDir("lazy-type-");
  const files: Record<string, string> = { ...PACKAGES };
  for (const [dir, { pkg, ext }] of Object.entries(FOLDERS)) {
    files[`${dir}/package.json`] = pkg;
    files[`${dir}/index.ts`] = INDEX(ext);
    for (const c of CASES) {
      const [kind, use] = c.split("-") as [keyof typeof KINDS, keyof typeof USES];
      files[`${dir}/${c}${ext}`] = `// @ts-nocheck\n${KINDS[kind].imports}\n${SHOW}\n${USES[use](KINDS[kind].use)}`;
    }
  }
  return writeFiles(root, files);
}

/** Each folder's answer, from its function's extracted zip in a fresh node. */
async function build(bundler: Bundler, slimfn: Options): Promise<Record<string, unknown>> {
  const root = project();
  const built: FixtureBuild = await buildFixture(bundler, {
    root,
    entries: Object.fromEntries(Object.keys(FOLDERS).map((dir) => [dir, `${dir}/index.ts`])),
    slimfn: { verify: false, zip: "dist/[name].zip", report: { json: "dist/size.json" }, ...slimfn },
  });
  expect(built.failure?.errors).toBeUndefined();
  return Object.fromEntries(
    built.model!.functions.map((fn) => {
      const { file, exportName } = handlerModule(extractZip(path.join(root, fn.zip!)), fn.handler);
      return [fn.name, invokeHandler(file, exportName, [{}])[0]];
    }),
  );
}

const MODES = [
  { name: "auto", slimfn: { lazy: { modules: LAZY, mode: "auto" } } },
  { name: "sync", slimfn: { lazy: { modules: LAZY, mode: "sync" } } },
  { name: "sync on nodejs20.x", slimfn: { lazy: { modules: LAZY, mode: "sync" }, runtime: "nodejs20.x" } },
] as const;

describe.each(BUNDLERS)("%s: lazy CommonJS with __esModule in Node ES module and CommonJS importers", (bundler) => {
  const eager = new Map<string, Promise<Record<string, unknown>>>();
  const eagerFor = (runtime?: string) => {
    const key = runtime ?? "";
    if (!eager.has(key)) eager.set(key, build(bundler, runtime ? { runtime: runtime as "nodejs20.x" } : {}));
    return eager.get(key)!;
  };
  beforeAll(async () => {
    await eagerFor();
  });

  it("the eager build: esbuild and Rolldown read the default the importer's way (module.exports in an ES module), rollup's commonjs plugin exports.default", async () => {
    const nodeWay = (dir: string) => bundler !== "rollup" && dir !== "commonjs" && dir !== "cts";
    const values = (dir: string) => {
      const def = nodeWay(dir) ? "{counter,default,named}" : "exports.default";
      const of = { default: def, named: "named true", namespace: `${def} named number`, js: def };
      return Object.fromEntries(CASES.map((c) => [c, of[c.split("-")[0] as keyof typeof of]]));
    };
    expect(await eagerFor()).toEqual(Object.fromEntries(Object.keys(FOLDERS).map((dir) => [dir, { ok: { before: ["cjs-esm", "cjs-esm-js"], values: values(dir) } }])));
  });

  it.each(MODES)("$name: every lazy answer equals the eager build's, the package loaded on first use", async ({ slimfn }) => {
    const lazy = await build(bundler, slimfn as Options);
    const eagerAnswers = await eagerFor("runtime" in slimfn ? slimfn.runtime : undefined);
    const deferred = Object.fromEntries(Object.entries(eagerAnswers).map(([dir, a]) => [dir, { ok: { ...(a as { ok: object }).ok, before: [] } }]));
    expect(lazy).toEqual(deferred);
  });
});

it("a resolved virtual id ends in the importer's interop extension and gives back its target", () => {
  const cases = [
    ["/p/node_modules/a/index.cjs", true], ["/p/node_modules/a/index.cjs", false], ["/p/node_modules/a/index.js", true],
    ["/p/node_modules/a/index.js", false], ["/p/node_modules/a/index.mjs", false], ["/p/src/no-extension", true],
  ] as const;
  expect(cases.map(([target, nodeEsm]) => {
    const id = resolvedVirtualId(target, ["default", "x"], { nodeEsm, async: false });
    return [id.slice(id.lastIndexOf("/") + 1), parseVirtualId(id)];
  })).toEqual(cases.map(([target, nodeEsm]) => [
    `${path.basename(target).replace(/\.[cm]?js$/, "")}${nodeEsm ? ".mjs" : ".js"}`,
    { specifier: target, names: ["default", "x"], nodeEsm, async: false },
  ]));
});
