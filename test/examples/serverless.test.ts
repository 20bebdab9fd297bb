/**
 * examples/serverless: Serverless Framework v3 packages the slimfn zip as it is
 * (`package.artifact`), with the zip path and handler read from the size model. The test runs
 * the real `sls package` (no AWS account needed) and reads the CloudFormation template it writes.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installExample, run } from "../helpers/example.js";

const SLS_ENV = { SLS_TELEMETRY_DISABLED: "1", SLS_NOTIFICATIONS_MODE: "off" };

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
}

function packageService(dir: string): Template {
  run(dir, "node", ["build.mjs"]);
  fs.rmSync(path.join(dir, ".serverless"), { recursive: true, force: true });
  run(dir, "npx", ["sls", "package"], SLS_ENV);
  return JSON.parse(fs.readFileSync(path.join(dir, ".serverless/cloudformation-template-update-stack.json"), "utf8")) as Template;
}

describe("examples/serverless", () => {
  let dir: string;
  beforeAll(() => {
    dir = installExample("serverless");
  }, 300_000);

  it("sls package deploys the slimfn zip with the size model's handler, and a rebuild changes nothing", () => {
    const template = packageService(dir);
    const model = JSON.parse(fs.readFileSync(path.join(dir, "dist/size.json"), "utf8"));
    const fn = Object.values(template.Resources).find((r) => r.Type === "AWS::Lambda::Function")!.Properties;
    expect(fn.Handler).toBe(model.functions[0].handler);
    expect(fn.Handler).toBe("api.handler");
    expect(fn.Runtime).toBe("nodejs20.x");
    expect(fn.Architectures).toEqual(["arm64"]);
    // The artifact is uploaded under its own file name: the slimfn zip, not a repackaged one.
    expect(fn.Code.S3Key).toMatch(/\/api\.zip$/);
    const state = JSON.parse(fs.readFileSync(path.join(dir, ".serverless/serverless-state.json"), "utf8"));
    expect(state.service.functions.api.package.artifact).toBe(model.functions[0].zip);

    // Serverless names the function's version after a hash of the artifact: the deterministic
    // zip keeps it across rebuilds, so nothing is published again.
    const version = (t: Template) => Object.keys(t.Resources).filter((k) => k.startsWith("ApiLambdaVersion"));
    const again = packageService(dir);
    expect(version(again)).toHaveLength(1);
    expect(version(again)).toEqual(version(template));
  }, 300_000);
});
