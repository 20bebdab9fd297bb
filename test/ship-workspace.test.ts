/**
 * An npm-workspaces monorepo: the function is a package in a subfolder with its own
 * package.json, dependencies hoisted to the root node_modules, and a sibling workspace package
 * linked there (a symlink to its source folder). The linked package's folder holds everything a
 * developer keeps there (sources, a .env, coverage); what ships is what npm would publish: the
 * package's `files`, package.json, licences and what its manifest makes reachable.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FunctionModel } from "../src/report/model.js";
import { buildFixture } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

function write(root: string, files: Record<string, string>) {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

function monorepo(libManifest: Record<string, unknown>): string {
  const root = repoTempDir("qa-workspace-");
  write(root, {
    "package.json": JSON.stringify({ name: "mono", private: true, workspaces: ["packages/*"] }),
    "packages/lib/package.json": JSON.stringify({ name: "@qa/lib", version: "0.3.0", main: "lib/index.js", ...libManifest }),
    "packages/lib/lib/index.js":
      'const fs = require("fs");\nconst path = require("path");\nexports.greet = (n) => fs.readFileSync(path.join(__dirname, "../data/greeting.txt"), "utf8").trim().replace("{n}", n);\n',
    "packages/lib/data/greeting.txt": "Hello, {n}!\n",
    "packages/lib/data/signing.key": "not for the zip\n",
    "packages/lib/LICENSE": "MIT\n",
    "packages/lib/.env": "DB_PASSWORD=hunter2\n",
    "packages/lib/src/index.ts": "export const greet = (n: string) => n;\n",
    "packages/lib/tsconfig.json": "{}\n",
    "packages/lib/coverage/lcov.info": "TN:\n",
    "packages/fn/package.json": JSON.stringify({ name: "fn", version: "1.0.0", type: "module", dependencies: { "@qa/lib": "*" } }),
    "packages/fn/src/handler.mjs": 'import { greet } from "@qa/lib";\nexport const handler = async (e) => greet(e.name);\n',
  });
  fs.mkdirSync(path.join(root, "node_modules/@qa"), { recursive: true });
  fs.symlinkSync("../../packages/lib", path.join(root, "node_modules/@qa/lib"));
  return root;
}

async function buildFn(root: string, strip?: { keep?: string[] }, allowSecrets?: string[]) {
  const fnRoot = path.join(root, "packages/fn");
  const built = await buildFixture("esbuild", {
    root: fnRoot,
    entries: ["src/handler.mjs"],
    slimfn: { runtime: "nodejs20.x", external: ["@qa/lib"], verify: { runs: 1 }, report: { json: "dist/size.json" }, ...(strip ? { strip } : {}), ...(allowSecrets ? { allowSecrets } : {}) },
  });
  expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
  const zip = path.join(fnRoot, "dist/handler.zip");
  const fn = built.model!.functions[0] as FunctionModel;
  const dir = extractZip(zip);
  const { file, exportName } = handlerModule(dir, fn.handler);
  expect(invokeHandler(file, exportName, [{ name: "Ada" }])).toEqual([{ ok: "Hello, Ada!" }]);
  return { fn, lib: unzipList(zip).filter((p) => p.startsWith("node_modules/@qa/lib/")).map((p) => p.slice("node_modules/@qa/lib/".length)) };
}

describe("npm workspaces: a linked sibling package shipped with external", () => {
  it("ships what npm would publish of it: its files, package.json, licence; never its .env or sources", async () => {
    const { fn, lib } = await buildFn(monorepo({ files: ["lib", "data/*.txt"] }));
    expect(lib).toEqual(["LICENSE", "data/greeting.txt", "lib/index.js", "package.json"]);
    const shipped = fn.shipped!.find((p) => p.name === "@qa/lib")!;
    expect(shipped.unpublished).toEqual({ files: 5, bytes: expect.any(Number) });
  });

  it("strip.keep still wins over files", async () => {
    const { lib } = await buildFn(monorepo({ files: ["lib/", "./data/greeting.txt"] }), { keep: ["@qa/lib:data/signing.key"] });
    expect(lib).toEqual(["LICENSE", "data/greeting.txt", "data/signing.key", "lib/index.js", "package.json"]);
  });

  it("a negated files entry leaves its match out", async () => {
    const { lib } = await buildFn(monorepo({ files: ["lib", "data", "!data/signing.key"] }));
    expect(lib).toEqual(["LICENSE", "data/greeting.txt", "lib/index.js", "package.json"]);
  });

  it("without files it ships the source folder, but never its .env or .npmrc: they are refused as secrets (allowSecrets can still ask)", async () => {
    const root = monorepo({});
    write(root, { "packages/lib/config/.env.production": "API_KEY=secret\n", "packages/lib/.npmrc": "//registry/:_authToken=t\n" });
    const { fn, lib } = await buildFn(root);
    expect(lib.filter((p) => /(^|\/)\.(env|npmrc)/.test(p))).toEqual([]);
    expect(lib).toContain("lib/index.js");
    expect(fn.shipped!.find((p) => p.name === "@qa/lib")!.unpublished).toBeUndefined();
    expect(fn.refused).toEqual([
      { path: "node_modules/@qa/lib/.env", pattern: ".env: environment file", bytes: 20 },
      { path: "node_modules/@qa/lib/.npmrc", pattern: ".npmrc: npm credentials", bytes: 25 },
      { path: "node_modules/@qa/lib/config/.env.production", pattern: ".env.*: environment file", bytes: 15 },
    ]);
    // strip.keep is not a door for secrets; allowSecrets names the one file on purpose.
    expect((await buildFn(monorepo({}), { keep: ["@qa/lib:.env"] })).lib).not.toContain(".env");
    const kept = await buildFn(monorepo({}), undefined, ["node_modules/@qa/lib/.env"]);
    expect(kept.lib).toContain(".env");
    expect(kept.fn.refused).toBeUndefined();
  });
});

