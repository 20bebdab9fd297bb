/** `slimfn build` and the summary, run as a user runs them: the compiled CLI in a child process. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, REPO } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { unzipList, unzipTest } from "./helpers/zip.js";

const CLI = path.join(REPO, "dist/src/cli.js");

function slimfn(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("slimfn build", () => {
  it("builds, zips and prints the summary without color under NO_COLOR", () => {
    const root = copyFixture(fixture("minimal"), repoTempDir("cli-"));
    const r = slimfn(["build", "src/handler.mjs", "--outdir", "out", "--report", "out/size.json"], root, { NO_COLOR: "1" });
    expect(r.stderr).not.toMatch(/\x1b\[/);
    expect(r.code).toBe(0);
    const model = JSON.parse(fs.readFileSync(path.join(root, "out/size.json"), "utf8"));
    const fn = model.functions[0];
    expect(unzipTest(path.join(root, "out/handler.zip"))).toMatch(/No errors/);
    expect(unzipList(path.join(root, "out/handler.zip"))).toEqual(["handler.mjs"]);
    expect(r.stderr).toContain(`  out/handler.zip  ${fn.zipBytes} B zipped (<0.1% of 50 MiB) · ${fn.unzippedBytes} B unzipped (<0.1% of 250 MiB) · 1 file`);
    expect(r.stderr).toContain("    handler   handler.handler  (nodejs22.x)");
    expect(r.stderr).toContain(`    sha256    ${fn.sha256}`);
  });

  it("--zip=PATH and --runtime reach the plugin", () => {
    const root = copyFixture(fixture("minimal"), repoTempDir("cli-"));
    const r = slimfn(["build", "src/handler.mjs", "--zip=artifacts/[name]-fn.zip", "--runtime", "nodejs20.x", "--report", "size.json"], root, { NO_COLOR: "1" });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(root, "artifacts/handler-fn.zip"))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(root, "size.json"), "utf8")).functions[0].runtime).toBe("nodejs20.x");
  });

  it("exits 1 with the diagnostic when the build fails, 2 on bad arguments, 0 on --help", () => {
    const root = copyFixture(fixture("minimal"), repoTempDir("cli-"));
    const missing = slimfn(["build", "src/nope.mjs"], root, { NO_COLOR: "1" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENTRY_NOT_FOUND: Entry point "src/nope.mjs" does not exist');
    expect(fs.existsSync(path.join(root, "dist"))).toBe(false);
    const bad = slimfn(["build", "src/handler.mjs", "--bogus"], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")[0]).toBe("slimfn build: unknown option --bogus. The options are listed below; a file name that starts with - goes after --, as in: slimfn build -- -handler.ts");
    const runtime = slimfn(["build", "src/handler.mjs", "--runtime", "nodejs18.x"], root, { NO_COLOR: "1" });
    expect(runtime.code).toBe(1);
    expect(runtime.stderr).toContain('OPTION_INVALID: slimfn option "runtime" must be one of "nodejs20.x", "nodejs22.x", "nodejs24.x", got "nodejs18.x".');
    const help = slimfn(["build", "--help"], root);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: slimfn build <entry\.\.\.> \[options\]/);
    const top = slimfn([], root);
    expect(top.code).toBe(2);
    expect(top.stdout).toContain("Commands:");
    const unknown = slimfn(["deploy"], root);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('slimfn: unknown command "deploy".');
  });

  it("prints no summary when esbuild's logLevel is set to warning", () => {
    const root = copyFixture(fixture("minimal"), repoTempDir("cli-"));
    const r = spawnSync(process.execPath, [path.join(REPO, "test/helpers/build-child.mjs"), root, "src/handler.mjs"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(true);
    expect(r.stderr).not.toContain("handler.handler");
  });

  it("shows progress on a terminal while several functions are packaged, and none in a log", () => {
    const root = copyFixture(fixture("multi"), repoTempDir("cli-"));
    const entries = "src/api/get.mjs src/api/put.mjs src/jobs/nightly.mjs";
    // `script` gives the CLI a real pseudo-terminal.
    const tty = spawnSync("script", ["-qc", `${process.execPath} ${CLI} build ${entries} --outbase=src`, "/dev/null"], {
      cwd: root, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
    });
    expect(tty.status).toBe(0);
    // Verified in parallel: they finish in any order, each said once, then the line is cleared.
    const progress = /\r\x1b\[K\[slimfn\] packaging 3 functions\r\x1b\[K\[slimfn\] packaged 1\/3 \((\S+) done\)\r\x1b\[K\[slimfn\] packaged 2\/3 \((\S+) done\)\r\x1b\[K/.exec(tty.stdout);
    expect(progress, tty.stdout).not.toBeNull();
    expect(["api-get", "api-put", "jobs-nightly"]).toEqual(expect.arrayContaining([progress![1], progress![2]]));
    expect(progress![1]).not.toBe(progress![2]);
    const log = slimfn(["build", ...entries.split(" "), "--outbase=src"], root, { NO_COLOR: "1" });
    expect(log.code).toBe(0);
    expect(log.stderr).not.toContain("[slimfn] packaging");
    expect(log.stderr).toContain("api/put.handler");
  });

  it("--arch and --no-strip reach the plugin", () => {
    const root = copyFixture(fixture("minimal"), repoTempDir("cli-"));
    const arm = slimfn(["build", "src/handler.mjs", "--arch", "arm64", "--no-strip", "--report", "size.json"], root, { NO_COLOR: "1" });
    expect(arm.code).toBe(0);
    // The zip holds JavaScript only, so it is verified on any CPU; the model records the target.
    expect(arm.stderr).not.toContain("VERIFY_SKIPPED");
    const [fn] = JSON.parse(fs.readFileSync(path.join(root, "size.json"), "utf8")).functions;
    expect(fn.arch).toBe("arm64");
    expect(fn.init.runs).toBe(5);
    // --no-strip ships a package whole: ms keeps the readme stripping leaves out.
    fs.writeFileSync(path.join(root, "src/ms.mjs"), 'import ms from "ms";\nexport const handler = async () => ms(1000);\n');
    const shippedMs = (args: string[]) => {
      const r = slimfn(["build", "src/ms.mjs", "--external", "ms", "--no-verify", "--report", "ms.json", ...args], root, { NO_COLOR: "1" });
      expect(r.code).toBe(0);
      const model = JSON.parse(fs.readFileSync(path.join(root, "ms.json"), "utf8"));
      return model.functions.find((f: { name: string }) => f.name === "ms").shipped.find((p: { name: string }) => p.name === "ms");
    };
    expect(shippedMs(["--no-strip"]).stripped).toEqual({ files: 0, bytes: 0 });
    expect(shippedMs([]).stripped.files).toBeGreaterThan(0);
    const bad = slimfn(["build", "src/handler.mjs", "--arch", "sparc"], root, { NO_COLOR: "1" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('OPTION_INVALID: slimfn option "arch" must be one of "x86_64", "arm64", got "sparc".');
  });

  it("--version prints slimfn's version", () => {
    const root = repoTempDir("cli-");
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    for (const args of [["--version"], ["-v"], ["build", "--version"]]) {
      expect(slimfn(args, root)).toEqual({ code: 0, stdout: `slimfn ${version}\n`, stderr: "" });
    }
    const report = slimfn(["report", "--bogus"], root);
    expect(report.code).toBe(2);
    expect(report.stderr.split("\n")[0]).toBe("slimfn report: unknown option --bogus. The options are listed below; a file name that starts with - goes after --, as in: slimfn report -- -handler.ts");
    const measure = slimfn(["measure", "x.zip", "--runs"], root);
    expect(measure.code).toBe(2);
    expect(measure.stderr.split("\n")[0]).toBe("slimfn measure: option --runs needs a value, as in --runs VALUE.");
  });

  it("--zip PATH with a space, runtime externals, budgets and a verify event reach the plugin", () => {
    const root = repoTempDir("cli-");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(
      path.join(root, "src/handler.mjs"),
      'import { S3Client } from "@aws-sdk/client-s3";\nexport const handler = async (e) => ({ n: e.n, client: typeof S3Client });\n',
    );
    fs.writeFileSync(path.join(root, "event.json"), '{ "n": 41 }\n');
    const r = slimfn(
      ["build", "--zip", "out/fn.zip", "src/handler.mjs", "--runtime-external", "@aws-sdk/*", "--event", "event.json", "--budget", "zip=1B", "--report", "size.json", "--runtime", "nodejs20.x"],
      root,
      { NO_COLOR: "1" },
    );
    // Over the budget: exit 1 with the budget's diagnostic; the zip and the size model are written to inspect.
    expect(r.code).toBe(1);
    const fn = JSON.parse(fs.readFileSync(path.join(root, "size.json"), "utf8")).functions[0];
    expect(r.stderr).toContain(`BUDGET_EXCEEDED: Function "handler" exceeds budget zip=1B: zipped size is ${fn.zipBytes} B, the budget is 1 B, ${fn.zipBytes - 1} B over.`);
    expect(fn.zip).toBe("out/fn.zip");
    expect(unzipList(path.join(root, "out/fn.zip"))).toEqual(["handler.mjs"]);
    expect(fn.runtimeExternals).toEqual(["@aws-sdk/client-s3"]);
    expect(fn.init.invocation).toMatchObject({ ok: true, preview: '{"n":41,"client":"function"}' });
    const badBudget = slimfn(["build", "src/handler.mjs", "--budget", "zip"], root);
    expect(badBudget.code).toBe(2);
    expect(badBudget.stderr.split("\n")[0]).toMatch(/^slimfn build: --budget zip: /);
  });
});
