/**
 * `include` as users write it: a `./` prefix, a folder named without a glob, and a `**` glob in
 * a project whose root holds node_modules (the packages there are shipped by `external`, never
 * by `include`). Real esbuild builds, the zip listed with Info-ZIP and the handler run from the
 * extracted zip in a fresh node.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FunctionModel } from "../src/report/model.js";
import { buildFixture } from "./helpers/build.js";
import { fixtureEvents, handlerModule, invokeHandler } from "./helpers/invoke.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

async function build(include: string[], prepare: (root: string) => void = () => {}) {
  const root = copyFixture(fixture("ship-data"), repoTempDir("qa-include-"));
  prepare(root);
  const built = await buildFixture("esbuild", {
    root,
    entries: ["src/handler.ts"],
    slimfn: { runtime: "nodejs20.x", external: ["figlet"], include, verify: false, report: { json: "dist/size.json" } },
  });
  return { root, built, fn: built.model?.functions[0] as FunctionModel };
}

function answers(root: string, fn: FunctionModel) {
  const dir = extractZip(path.join(root, "dist/handler.zip"));
  const { file, exportName } = handlerModule(dir, fn.handler);
  return invokeHandler(file, exportName, fixtureEvents(fixture("ship-data")).events, { env: { LAMBDA_TASK_ROOT: dir } });
}

describe("include globs as users write them", () => {
  it('zips "./templates/*.txt" at the same paths as "templates/*.txt"', async () => {
    const { root, built, fn } = await build(["./templates/*.txt"]);
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    expect(fn.included).toEqual(["templates/greeting.txt"]);
    expect(unzipList(path.join(root, "dist/handler.zip"))).toContain("templates/greeting.txt");
    expect(answers(root, fn)[0]).toMatchObject({ ok: { message: expect.stringMatching(/^Hello/) } });
  });

  it("a glob naming a folder includes every file under it, dotfiles and subfolders too", async () => {
    const { root, built, fn } = await build(["templates"], (r) => {
      fs.mkdirSync(path.join(r, "templates/.well-known"), { recursive: true });
      fs.writeFileSync(path.join(r, "templates/.well-known/config.json"), "{}\n");
    });
    expect(built.result?.warnings.map((w) => w.text)).toEqual([]);
    expect(fn.included).toEqual(["templates/.well-known/config.json", "templates/greeting.txt"]);
    expect(answers(root, fn)[0]).toMatchObject({ ok: { message: expect.stringMatching(/^Hello/) } });
  });

  it("a ** glob leaves the project's node_modules alone: shipped packages come from external", async () => {
    const { root, built, fn } = await build(["**/*.txt"], (r) => {
      // A package installed in the project itself, beside the figlet that is shipped.
      fs.mkdirSync(path.join(r, "node_modules/local-notes"), { recursive: true });
      fs.writeFileSync(path.join(r, "node_modules/local-notes/notes.txt"), "not the function's\n");
      fs.writeFileSync(path.join(r, "node_modules/local-notes/package.json"), '{"name":"local-notes","version":"1.0.0"}\n');
    });
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    expect(fn.included).toEqual(["templates/greeting.txt"]);
    expect(unzipList(path.join(root, "dist/handler.zip")).filter((p) => p.includes("local-notes"))).toEqual([]);
    expect(answers(root, fn)[0]).toMatchObject({ ok: { message: expect.stringMatching(/^Hello/) } });
  });

  it("a glob that names node_modules itself still reaches it", async () => {
    const { built, fn } = await build(["node_modules/local-notes/notes.txt"], (r) => {
      fs.mkdirSync(path.join(r, "node_modules/local-notes"), { recursive: true });
      fs.writeFileSync(path.join(r, "node_modules/local-notes/notes.txt"), "asked for\n");
    });
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    expect(fn.included).toEqual(["node_modules/local-notes/notes.txt"]);
  });

  it("never takes this build's own output (dist/, zips, size model): the same inputs give the same zip twice", async () => {
    const { root, built, fn } = await build(["**/*.json", "**/*.zip"]);
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    expect(fn.included).toEqual(["events/hi.json"]);
    const again = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.ts"],
      slimfn: { runtime: "nodejs20.x", external: ["figlet"], include: ["**/*.json", "**/*.zip"], verify: false, report: { json: "dist/size.json" } },
    });
    expect(again.model!.functions[0]!.included).toEqual(["events/hi.json"]);
    expect(again.model!.functions[0]!.sha256).toBe(fn.sha256);
  });
});


describe("include per function", () => {
  it('include: { "api-*": [...], "jobs-nightly": [...] } gives each function its own files; the array form still gives every function the same', async () => {
    const root = copyFixture(fixture("multi"), repoTempDir("qa-include-fn-"));
    for (const [rel, text] of Object.entries({ "assets/api.json": '{"api":true}\n', "assets/jobs.txt": "nightly\n", "shared/common.txt": "all\n" })) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    const entryPoints = ["src/api/get.mjs", "src/api/put.mjs", "src/jobs/nightly.mjs"];
    const built = await buildFixture("esbuild", {
      root, entryPoints, outbase: "src",
      slimfn: { verify: false, include: { "api-*": ["assets/api.json"], "jobs-nightly": ["assets/jobs.txt"], "*": ["shared"] }, report: { json: "dist/size.json" } },
    });
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    expect(built.model!.functions.map((f) => [f.name, f.included])).toEqual([
      ["api-get", ["assets/api.json", "shared/common.txt"]],
      ["api-put", ["assets/api.json", "shared/common.txt"]],
      ["jobs-nightly", ["assets/jobs.txt", "shared/common.txt"]],
    ]);
    expect(unzipList(path.join(root, "dist/jobs-nightly.zip")).filter((p) => !p.endsWith(".mjs"))).toEqual(["assets/jobs.txt", "shared/common.txt"]);
    // A key that names no function is a typo: the build fails when it starts, naming the functions.
    const typo = await buildFixture("esbuild", {
      root, entryPoints, outbase: "src",
      slimfn: { verify: false, include: { "apy-*": ["assets/api.json"] } },
    });
    expect(typo.failure!.errors.map((e) => e.text)).toEqual([
      'OPTION_INVALID: The include key "apy-*" matches no function of this build. Functions: api-get, api-put, jobs-nightly. Keys are function names, * matching any characters ("api-*", or "*" for every function).',
    ]);
    // The array form: every function gets the same files.
    const all = await buildFixture("esbuild", { root, entryPoints, outbase: "src", slimfn: { verify: false, include: ["shared"], report: { json: "dist/size.json" } } });
    expect(all.model!.functions.map((f) => f.included)).toEqual([["shared/common.txt"], ["shared/common.txt"], ["shared/common.txt"]]);
  });
});
