/**
 * slimfn never loses a file: `slimfn build` (the compiled CLI, a real esbuild build) with zip and
 * size model paths that name inputs, other outputs or foreign files fails before anything is
 * written, naming both; a project linked into its own node_modules is not shipped; stale temp
 * files of a killed build are removed. Each case asserts the whole error, the exit code, that the
 * named file is byte-identical, and that no zip, temp file or output folder was left.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sandbox, sha256, type Sandbox } from "./helpers.js";

/** A project with src/handler.mjs importing src/lib.mjs, and a package.json. */
function project(box: Sandbox): string {
  const root = box.root;
  fs.mkdirSync(path.join(root, "src"));
  fs.writeFileSync(path.join(root, "package.json"), '{ "name": "p1", "version": "1.0.0", "type": "module", "main": "lib.mjs" }\n');
  fs.writeFileSync(path.join(root, "src/handler.mjs"), 'import { answer } from "./lib.mjs";\nexport const handler = async () => answer();\n');
  fs.writeFileSync(path.join(root, "src/lib.mjs"), 'export const answer = () => ({ ok: Date.now() > 0 });\n');
  fs.writeFileSync(path.join(root, "notes.txt"), "my notes\n");
  return root;
}

/** The error lines esbuild prints for slimfn's messages. */
const errors = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("✘ [ERROR]"));

/** Every file under `dir` (relative), folders and slimfn's own cache (node_modules/.cache) left out. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => !f.startsWith(`node_modules${path.sep}.cache`) && fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

const choose = (option: "zip" | "report") => (option === "zip" ? `Choose another path with the "zip" option (--zip).` : `Choose another path with the "report.json" option (--report).`);

describe("an output path that would replace something fails before anything is written", () => {
  const zipOf = `The zip of function "handler" would be written to`;
  const model = "The size model would be written to";
  const cases: [string[], string, string][] = [
    [["--zip=src/handler.mjs"], "src/handler.mjs", `OUTPUT_IS_INPUT: ${zipOf} src/handler.mjs, a source file of the build, which it would replace. ${choose("zip")}`],
    [["--zip=package.json"], "package.json", `OUTPUT_IS_INPUT: ${zipOf} package.json, a package.json, which npm and Node read. ${choose("zip")}`],
    [["--report=src/handler.mjs"], "src/handler.mjs", `OUTPUT_IS_INPUT: ${model} src/handler.mjs, a source file of the build, which it would replace. ${choose("report")}`],
    [["--report=package.json"], "package.json", `OUTPUT_IS_INPUT: ${model} package.json, a package.json, which npm and Node read. ${choose("report")}`],
    [["--report=dist/handler.zip"], "package.json", `OUTPUT_COLLISION: ${model} dist/handler.zip, where the zip of function "handler" is written too. ${choose("report")}`],
    [["--zip=dist/handler.mjs"], "package.json", `OUTPUT_COLLISION: ${zipOf} dist/handler.mjs, an output file of the bundle: one would replace the other. ${choose("zip")}`],
    [["--zip=notes.txt"], "notes.txt", `OUTPUT_NOT_OURS: ${zipOf} notes.txt, which exists and is not a zip: slimfn replaces only zips, so it is left as it is (delete it first if it may go). ${choose("zip")}`],
    [["--report=notes.txt"], "notes.txt", `OUTPUT_NOT_OURS: ${model} notes.txt, which exists and is not a slimfn size model: slimfn replaces only size models, so it is left as it is (delete it first if it may go). ${choose("report")}`],
    [["--zip=node_modules/handler.zip"], "package.json", `OUTPUT_IS_INPUT: ${zipOf} node_modules/handler.zip, inside node_modules, where installed packages live. ${choose("zip")}`],
  ];
  it.each(cases)("%j", async (args, kept, message) => {
    const box = sandbox("outputs");
    const root = project(box);
    const before = sha256(path.join(root, kept));
    const listed = filesUnder(root);
    const r = await runCli(["build", "src/handler.mjs", "--no-verify", ...args], box);
    expect([r.code, errors(r.stderr)]).toEqual([1, [`✘ [ERROR] ${message} [plugin slimfn]`]]);
    expect(sha256(path.join(root, kept))).toBe(before);
    // Nothing written: no dist/, no zip, no temp file, nothing in TMPDIR.
    expect([filesUnder(root), fs.readdirSync(box.tmp)]).toEqual([listed, []]);
  });

  it("a second function's zip path is checked too, with the names the build will have", async () => {
    const box = sandbox("outputs-name");
    const root = project(box);
    fs.writeFileSync(path.join(root, "src/other.mjs"), "export const handler = async () => 2;\n");
    const listed = filesUnder(root);
    const before = sha256(path.join(root, "src/other.mjs"));
    const r = await runCli(["build", "src/handler.mjs", "src/other.mjs", "--no-verify", "--zip=src/[name].mjs"], box);
    expect([r.code, errors(r.stderr)]).toEqual([
      1,
      [
        `✘ [ERROR] OUTPUT_IS_INPUT: The zip of function "handler" would be written to src/handler.mjs, a source file of the build, which it would replace. ${choose("zip")} [plugin slimfn]`,
        `✘ [ERROR] OUTPUT_IS_INPUT: The zip of function "other" would be written to src/other.mjs, a source file of the build, which it would replace. ${choose("zip")} [plugin slimfn]`,
      ],
    ]);
    expect([sha256(path.join(root, "src/other.mjs")), filesUnder(root)]).toEqual([before, listed]);
  });
});

describe("a project linked into its own node_modules", () => {
  it("is never shipped as a package: PACKAGE_IS_PROJECT, and the previous zip stays as it was", async () => {
    const box = sandbox("selflink");
    const root = project(box);
    fs.writeFileSync(path.join(root, "key.pem"), "-----BEGIN PRIVATE KEY-----\n");
    fs.writeFileSync(path.join(root, "src/handler.mjs"), 'import { answer } from "p1";\nexport const handler = async () => answer();\n');
    fs.writeFileSync(path.join(root, "lib.mjs"), "export const answer = () => 1;\n");
    // The first build bundles p1 (through the link) and writes dist/handler.zip.
    fs.mkdirSync(path.join(root, "node_modules"));
    fs.symlinkSync("..", path.join(root, "node_modules/p1"));
    const first = await runCli(["build", "src/handler.mjs", "--no-verify"], box);
    expect([first.code, errors(first.stderr)]).toEqual([0, []]);
    const zip = path.join(root, "dist/handler.zip");
    const before = sha256(zip);
    const r = await runCli(["build", "src/handler.mjs", "--no-verify", "--external", "p1"], box);
    expect([r.code, errors(r.stderr)]).toEqual([
      1,
      [
        `✘ [ERROR] PACKAGE_IS_PROJECT: Package "p1" (needed by src/handler.mjs) is the project itself (${fs.realpathSync(root)}): shipping it would put the project's own files, its build outputs and any keys in the zip. Import the project's files by relative path, or let the bundler bundle "p1" (remove it from slimfn's "external"). [plugin slimfn]`,
      ],
    ]);
    expect(sha256(zip)).toBe(before);
    expect(filesUnder(path.join(root, "dist"))).toEqual(["handler.mjs", "handler.zip"]);
  });
});

describe("temp files a killed build left behind", () => {
  it("are removed by the next build of the same output, unless their writer still runs", async () => {
    const box = sandbox("stale");
    const root = project(box);
    fs.mkdirSync(path.join(root, "dist"));
    const stale = [".handler.zip.999999999.0123456789ab.tmp", ".handler.zip.0123456789ab.tmp"];
    const live = `.handler.zip.${process.pid}.0123456789ab.tmp`;
    const unrelated = ".other.zip.999999999.0123456789ab.tmp";
    for (const f of [...stale, live, unrelated]) fs.writeFileSync(path.join(root, "dist", f), "partial");
    const r = await runCli(["build", "src/handler.mjs", "--no-verify"], box);
    expect([r.code, errors(r.stderr)]).toEqual([0, []]);
    expect(filesUnder(path.join(root, "dist"))).toEqual([live, unrelated, "handler.mjs", "handler.zip"].sort());
  });
});
