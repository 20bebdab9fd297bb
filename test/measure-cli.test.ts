/**
 * `slimfn measure` and the shipping flags of `slimfn build`, run as a user runs them: the
 * compiled CLI (`npm run build` first) in a child process, on a real fixture.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, REPO } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { unzipList } from "./helpers/zip.js";

const CLI = path.join(REPO, "dist/src/cli.js");

function slimfn(args: string[], cwd: string, PATH = process.env.PATH ?? "") {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { PATH, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("slimfn build --external --include, then slimfn measure", () => {
  it("ships figlet and the template, verifies, and measures the zip it wrote", () => {
    const root = copyFixture(fixture("ship-data"), repoTempDir("cli-ship-"));
    const built = slimfn(["build", "src/handler.ts", "--runtime", "nodejs20.x", "--external", "figlet", "--include", "templates/*.txt"], root);
    expect(built.code).toBe(0);
    expect(built.stderr).toMatch(/\n {4}shipped {3}figlet \S+ · 2 packages in node_modules, .+ zipped\n/);
    expect(built.stderr).toContain("    included  1 file (templates/greeting.txt)");
    expect(built.stderr).toMatch(/\n {4}init {6}.+ median of 5 \(\d+\.\d\dx a bare node start/);
    const names = unzipList(path.join(root, "dist/handler.zip"));
    expect(names).toContain("node_modules/figlet/fonts/Standard.flf");
    expect(names).toContain("templates/greeting.txt");

    const measured = slimfn(["measure", "dist/handler.zip", "--runs", "2", "--event", "events/hi.json"], root);
    expect([measured.code, measured.stderr]).toEqual([0, ""]);
    expect(measured.stdout.split("\n")[0]).toBe(`slimfn measure dist/handler.zip (handler.mjs#handler, 2 runs, node ${process.version})`);
    // The invocation reads the included template from the task root and figlet's font files.
    expect(measured.stdout).toMatch(/\n {2}invoke {5}ok in .+: \{"banner":\[.+\],"message":"Hello, Ada!"\}\n/);
  });

  it("--no-verify writes the zip of a handler that cannot start; measure then shows why", () => {
    const root = copyFixture(fixture("ship-throws"), repoTempDir("cli-throws-"));
    const failed = slimfn(["build", "src/handler.ts", "--runtime", "nodejs20.x"], root);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("ORDERS_TABLE is not set");
    const built = slimfn(["build", "src/handler.ts", "--runtime", "nodejs20.x", "--no-verify"], root);
    expect(built.code).toBe(0);
    const measured = slimfn(["measure", "dist/handler.zip", "--runs", "1"], root);
    expect(measured.code).toBe(1);
    expect(measured.stderr).toMatch(/^error: \[VERIFY_FAILED\] The handler threw while being imported[\s\S]*ORDERS_TABLE is not set/);
  });

  it("skips verification with VERIFY_SKIPPED where Info-ZIP unzip is not installed", () => {
    const root = copyFixture(fixture("ship-throws"), repoTempDir("cli-nounzip-"));
    // A PATH holding node alone: no unzip on it.
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    const r = slimfn(["build", "src/handler.ts", "--runtime", "nodejs20.x"], root, bin);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'VERIFY_SKIPPED: Function "handler" was not verified: Info-ZIP unzip, which extracts the zip as Lambda\'s tooling does, is not installed',
    );
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(true);
  });

  it("lists measure among the commands and prints its help", () => {
    expect(slimfn(["--help"], REPO).stdout).toMatch(/\n {2}measure {3}cold-start init time and memory of a zip/);
    const help = slimfn(["measure", "--help"], REPO);
    expect([help.code, help.stdout.split("\n")[0]]).toEqual([0, "Usage: slimfn measure <zip> [options]"]);
  });
});
