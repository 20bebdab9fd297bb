/**
 * Handlers in subfolders (several entry points, a shared chunk at the zip's root) as
 * verification and `slimfn measure` meet them: a failing handler is named, and measure never
 * mistakes a chunk for the handler nor claims it did not write a zip it never writes.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMeasure } from "../src/measure/command.js";
import { buildFixture } from "./helpers/build.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { unzipList } from "./helpers/zip.js";

async function measure(argv: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const code = await runMeasure(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd });
  return { code, stdout, stderr };
}

/** The zip's bytes with its archive comment cut off (the end record's comment length set to 0). */
function withoutComment(zip: Buffer): Buffer {
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) !== 0x06054b50 || i + 22 + zip.readUInt16LE(i + 20) !== zip.length) continue;
    const out = Buffer.from(zip.subarray(0, i + 22));
    out.writeUInt16LE(0, i + 20);
    return out;
  }
  throw new Error("no end record");
}

async function buildMulti(prepare: (root: string) => void = () => {}) {
  const root = copyFixture(fixture("multi"), repoTempDir("qa-measure-"));
  prepare(root);
  const built = await buildFixture("esbuild", {
    root,
    entries: ["src/api/get.mjs", "src/api/put.mjs", "src/jobs/nightly.mjs"],
    outbase: "src",
    slimfn: { runtime: "nodejs20.x", zip: "dist/[name].zip", verify: { runs: 1 } },
  });
  return { root, built };
}

describe("handlers in subfolders", () => {
  it("slimfn measure finds a handler in a subfolder from the zip's comment; a zip without one whose root holds only a chunk asks for --handler", async () => {
    const { root, built } = await buildMulti();
    expect(built.failure).toBeUndefined();
    const names = unzipList(path.join(root, "dist/api-get.zip"));
    const rootModules = names.filter((n) => !n.includes("/") && /\.m?js$/.test(n));
    // The premise: the shared module went to a chunk at the zip's root, the handler is api/get.mjs.
    expect(rootModules).toHaveLength(1);
    expect(rootModules[0]).toMatch(/^chunk-/);
    expect(names).toContain("api/get.mjs");

    // slimfn's zip records its handler: measure finds it without --handler.
    const recorded = await measure(["dist/api-get.zip", "--runs", "1"], root);
    expect([recorded.code, recorded.stderr]).toEqual([0, ""]);
    expect(recorded.stdout.split("\n")[0]).toBe(`slimfn measure dist/api-get.zip (api/get.mjs#handler, 1 runs, node ${process.version})`);

    // The same zip without its comment, as another tool would write it, has to be told.
    fs.writeFileSync(path.join(root, "dist/api-get.zip"), withoutComment(fs.readFileSync(path.join(root, "dist/api-get.zip"))));
    const guessed = await measure(["dist/api-get.zip", "--runs", "1"], root);
    expect(guessed.code).toBe(2);
    expect(guessed.stdout).toBe("");
    expect(guessed.stderr).toContain(`${rootModules[0]}, the zip's only root module, exports no function "handler"`);
    expect(guessed.stderr).toContain("name the handler with --handler file.export (modules outside node_modules: api/get.mjs, " + rootModules[0] + ")");
    expect(guessed.stderr).not.toContain("was not written");

    const named = await measure(["dist/api-get.zip", "--runs", "1", "--handler", "api/get.handler"], root);
    expect([named.code, named.stderr]).toEqual([0, ""]);
    expect(named.stdout.split("\n")[0]).toBe(`slimfn measure dist/api-get.zip (api/get.mjs#handler, 1 runs, node ${process.version})`);
  });

  it("slimfn measure of a handler that throws at import says so without talking of a zip it did not write", async () => {
    const { root, built } = await buildMulti();
    expect(built.failure).toBeUndefined();
    fs.writeFileSync(path.join(root, "throws.mjs"), 'throw new Error("no table");\nexport const handler = () => 1;\n');
    const { execFileSync } = await import("node:child_process");
    execFileSync("zip", ["-q", "-X", path.join(root, "throws.zip"), "throws.mjs"], { cwd: root });
    const r = await measure(["throws.zip", "--runs", "1"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: \[VERIFY_FAILED\] The handler threw while being imported when loaded from the extracted zip in a fresh node\. Its output:\n/);
    expect(r.stderr).toContain("no table");
    expect(r.stderr).not.toContain("was not written");
  });

  it("a build whose second function throws at import names that function and its handler", async () => {
    const { built } = await buildMulti((root) => {
      fs.appendFileSync(path.join(root, "src/jobs/nightly.mjs"), '\nif (!process.env.NIGHTLY_BUCKET) throw new Error("NIGHTLY_BUCKET is not set");\n');
    });
    const texts = built.failure?.errors.map((e) => e.text) ?? [];
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(
      /^VERIFY_FAILED: Function "jobs-nightly" \(handler jobs\/nightly\.run\) threw while being imported when loaded from the extracted zip in a fresh node\. The zip was not written\. Its output:\n/,
    );
    expect(texts[0]).toContain("NIGHTLY_BUCKET is not set");
  });

  it("an async handler that also takes a callback answers with its promise, as Lambda's runtime takes either", async () => {
    const root = repoTempDir("qa-callback-");
    fs.writeFileSync(path.join(root, "handler.mjs"), "export const handler = async (event, context, callback) => ({ echoed: event.n * 2 });\n");
    fs.writeFileSync(path.join(root, "cb.mjs"), "export const handler = (event, context, callback) => { setTimeout(() => callback(null, { later: event.n }), 5); };\n");
    fs.writeFileSync(path.join(root, "event.json"), '{"n":21}');
    const { execFileSync } = await import("node:child_process");
    execFileSync("zip", ["-q", "-X", "promise.zip", "handler.mjs"], { cwd: root });
    execFileSync("zip", ["-q", "-X", "callback.zip", "cb.mjs"], { cwd: root });
    const promise = await measure(["promise.zip", "--runs", "1", "--event", "event.json", "--json"], root);
    expect([promise.code, promise.stderr]).toEqual([0, ""]);
    expect(JSON.parse(promise.stdout).invocation).toMatchObject({ ok: true, result: { echoed: 42 } });
    const callback = await measure(["callback.zip", "--runs", "1", "--event", "event.json", "--json"], root);
    expect([callback.code, callback.stderr]).toEqual([0, ""]);
    expect(JSON.parse(callback.stdout).invocation).toMatchObject({ ok: true, result: { later: 21 } });
  });

  it("slimfn measure --report takes the handler from the size model of the build that wrote the zip", async () => {
    const root = copyFixture(fixture("multi"), repoTempDir("qa-measure-report-"));
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/api/get.mjs", "src/api/put.mjs", "src/jobs/nightly.mjs"],
      outbase: "src",
      slimfn: { runtime: "nodejs20.x", zip: "dist/[name].zip", verify: false, report: { json: "dist/size.json" } },
    });
    expect(built.failure).toBeUndefined();
    const r = await measure(["dist/jobs-nightly.zip", "--runs", "1", "--report", "dist/size.json"], root);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout.split("\n")[0]).toBe(`slimfn measure dist/jobs-nightly.zip (jobs/nightly.mjs#run, 1 runs, node ${process.version})`);
    const model = JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")) as { functions: { name: string; init?: { runs: number } }[] };
    expect(model.functions.map((f) => [f.name, f.init?.runs])).toEqual([["api-get", undefined], ["api-put", undefined], ["jobs-nightly", 1]]);
  });
});

