/**
 * Recipes for the deploy tools users already have (examples/): tsup is run for real; SAM's
 * Makefile build target is run for real; Terraform, SST and SAM themselves cannot be installed
 * from npm here, so their configs are checked against the built output: every path, handler
 * and field they name exists, and the handler answers from the files they would upload.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installExample, run } from "../helpers/example.js";
import { handlerModule, invokeHandler } from "../helpers/invoke.js";
import { tempDir } from "../helpers/tmp.js";
import { extractZip } from "../helpers/zip.js";

const EVENT = { name: "recipes" };
const ANSWER = [{ ok: { statusCode: 200, body: JSON.stringify({ hello: "recipes", id: 36 }) } }];

const modelOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "dist/size.json"), "utf8"));
/** The first `key: value` (YAML) or `key: "value"` (TS) in a config file. */
const field = (text: string, key: string) => new RegExp(`^\\s*${key}:\\s*"?([^"\\s,]+)"?`, "m").exec(text)?.[1];
const answer = (dir: string, handler: string) => {
  const { file, exportName } = handlerModule(dir, handler);
  return invokeHandler(file, exportName, [EVENT]);
};

describe("examples/tsup", () => {
  it("tsup with esbuildPlugins: [slimfn()] writes a zip whose handler answers", () => {
    const dir = installExample("tsup");
    run(dir, "npx", ["tsup"]);
    const [fn] = modelOf(dir).functions;
    expect(fn.handler).toBe("api.handler");
    const root = extractZip(path.join(dir, fn.zip));
    // tsup names ESM output .js: the zip says it is an ES module.
    expect(fs.readdirSync(root).sort()).toEqual(["api.js", "package.json"]);
    expect(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))).toEqual({ type: "module" });
    expect(answer(root, fn.handler)).toEqual(ANSWER);
  }, 300_000);
});

describe("examples/sam", () => {
  it("the Makefile's build-ApiFunction fills ARTIFACTS_DIR with the zip's files, and template.yaml names the built handler", () => {
    const dir = installExample("sam");
    const artifacts = tempDir("sam-artifacts-");
    run(dir, "make", ["build-ApiFunction", `ARTIFACTS_DIR=${artifacts}`]);
    const [fn] = modelOf(dir).functions;
    const template = fs.readFileSync(path.join(dir, "template.yaml"), "utf8");
    expect(field(template, "Handler")).toBe(fn.handler);
    expect(field(template, "Runtime")).toBe(fn.runtime);
    expect(/Architectures:\s*\[(\w+)\]/.exec(template)?.[1]).toBe(fn.arch);
    expect(field(template, "BuildMethod")).toBe("makefile");
    expect(fs.readdirSync(artifacts).sort()).toEqual(fn.files.map((f: { path: string }) => f.path).sort());
    expect(answer(artifacts, fn.handler)).toEqual(ANSWER);
  }, 300_000);
});

describe("examples/terraform", () => {
  it("every field main.tf reads from the size model exists, and its zip is the built one", () => {
    const dir = installExample("terraform");
    run(dir, "npm", ["run", "build"]);
    const tf = fs.readFileSync(path.join(dir, "main.tf"), "utf8");
    expect(tf).toContain('jsondecode(file("${path.module}/dist/size.json"))');
    const name = /f\.name == "([^"]+)"/.exec(tf)?.[1];
    const fn = modelOf(dir).functions.find((f: { name: string }) => f.name === name);
    expect(fn).toBeDefined();
    const read = [...tf.matchAll(/local\.api\.(\w+)/g)].map((m) => m[1]!);
    expect([...new Set(read)].sort()).toEqual(["arch", "handler", "runtime", "zip"]);
    for (const key of read) expect(typeof fn[key]).toBe("string");
    expect(tf).toContain('filename         = "${path.module}/${local.api.zip}"');
    expect(fs.existsSync(path.join(dir, fn.zip))).toBe(true);
    expect(answer(extractZip(path.join(dir, fn.zip)), fn.handler)).toEqual(ANSWER);
  }, 300_000);
});

describe("examples/sst", () => {
  it("the bundle folder and handler sst.config.ts names are the extracted zip, and the handler answers from there", () => {
    const dir = installExample("sst");
    run(dir, "npm", ["run", "build"]);
    const [fn] = modelOf(dir).functions;
    const config = fs.readFileSync(path.join(dir, "sst.config.ts"), "utf8");
    const bundle = path.join(dir, field(config, "bundle")!);
    expect(field(config, "handler")).toBe(fn.handler);
    expect(field(config, "runtime")).toBe(fn.runtime);
    expect(field(config, "architecture")).toBe(fn.arch);
    expect(fs.readdirSync(bundle).sort()).toEqual(fn.files.map((f: { path: string }) => f.path).sort());
    expect(answer(bundle, fn.handler)).toEqual(ANSWER);
  }, 300_000);
});
