/**
 * `slimfn build --lazy` as a user runs it: the compiled CLI (`npm run build` first) in a child
 * process, on the realistic fixture.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SizeModel } from "../src/report/model.js";
import { fixture, REPO } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";

const CLI = path.join(REPO, "dist/src/cli.js");
const slimfn = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("slimfn build --lazy", () => {
  it("is repeatable, defers the matching imports and lists the decisions in the summary and the size model", () => {
    const root = copyFixture(fixture("realistic"), repoTempDir("cli-lazy-"));
    const built = slimfn(["build", "src/handler.ts", "--lazy", "@aws-sdk/*", "--lazy", "zod", "--lazy", "@aws-lambda-powertools/*", "--no-verify", "--report", "dist/size.json"], root);
    expect([built.code, built.stderr.match(/warning|error/g)]).toEqual([0, null]);
    expect(built.stderr).toMatch(/\n {4}lazy {6}@aws-sdk\/client-s3 sync \S+ kB · .+ · 3 more\n/);
    const model = JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")) as SizeModel;
    expect(model.functions.find((f) => f.name === "handler")!.lazy!.map((d) => `${d.module} ${d.mode} ${d.importer}:${d.line}`)).toEqual([
      "@aws-sdk/client-dynamodb sync src/lib/clients.ts:1",
      "@aws-sdk/lib-dynamodb sync src/lib/clients.ts:2",
      "@aws-sdk/client-s3 sync src/lib/clients.ts:3",
      "@aws-lambda-powertools/logger sync src/lib/logger.ts:1",
      "@aws-sdk/client-s3 async src/routes/files.ts:1",
      "@aws-sdk/s3-request-presigner async src/routes/files.ts:2",
      "@aws-sdk/lib-dynamodb sync src/routes/orders.ts:1",
      "@aws-sdk/util-dynamodb sync src/routes/orders.ts:2",
      "zod sync src/routes/orders.ts:3",
    ]);
  });

  it("a malformed glob fails the build with its diagnostic and writes nothing", () => {
    const root = copyFixture(fixture("realistic"), repoTempDir("cli-lazy-bad-"));
    const built = slimfn(["build", "src/handler.ts", "--lazy", "@aws-sdk/ *", "--no-verify"], root);
    expect(built.code).toBe(1);
    expect(built.stderr).toContain('LAZY_GLOB_INVALID: The lazy entry "@aws-sdk/ *" is not a valid glob');
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });
});
