/**
 * examples/cdk: a real CDK app deploys a slimfn-built zip through `slimfn/cdk`. The test runs the
 * real `cdk synth` (aws-cdk CLI and aws-cdk-lib from npm; no AWS account) and reads the template.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { slimfnCode } from "../../src/cdk.js";
import { SlimfnError } from "../../src/diagnostics.js";
import { installExample, run } from "../helpers/example.js";
import { repoTempDir } from "../helpers/tmp.js";

const CDK_ENV = { CDK_DISABLE_VERSION_CHECK: "1", CDK_DISABLE_CLI_TELEMETRY: "true" };
const sha256 = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
}

function synth(dir: string, out: string): Template {
  run(dir, "node", ["build.mjs"]);
  run(dir, "npx", ["cdk", "synth", "--no-notices", "-q", "-o", out], CDK_ENV);
  return JSON.parse(fs.readFileSync(path.join(out, "SlimfnExample.template.json"), "utf8")) as Template;
}

describe("examples/cdk", () => {
  let dir: string;
  beforeAll(() => {
    dir = installExample("cdk");
  }, 300_000);

  it("synthesizes a Lambda function whose code is the slimfn zip, with its handler, runtime and architecture", () => {
    const out = path.join(repoTempDir("cdk-"), "cdk.out");
    const template = synth(dir, out);
    const model = JSON.parse(fs.readFileSync(path.join(dir, "dist/size.json"), "utf8"));
    const zip = fs.readFileSync(path.join(dir, "dist/api.zip"));
    expect(model.functions[0].sha256).toBe(sha256(zip));

    const functions = Object.values(template.Resources).filter((r) => r.Type === "AWS::Lambda::Function");
    expect(functions).toHaveLength(1);
    const props = functions[0]!.Properties;
    expect(props.Handler).toBe("api.handler");
    expect(props.Runtime).toBe("nodejs22.x");
    expect(props.Architectures).toEqual(["arm64"]);
    expect(props.MemorySize).toBe(512);
    // CDK hashes a custom asset hash once more: the key is sha256 of the zip's sha256.
    expect(props.Code.S3Key).toBe(`${sha256(model.functions[0].sha256)}.zip`);
    // The asset CDK uploads is the zip itself, byte for byte.
    expect(fs.readFileSync(path.join(out, `asset.${sha256(model.functions[0].sha256)}.zip`)).equals(zip)).toBe(true);

    // A second build of the same sources gives the same zip, so the same key: nothing to upload.
    const again = synth(dir, path.join(repoTempDir("cdk-"), "cdk.out"));
    const key = (t: Template) => Object.values(t.Resources).find((r) => r.Type === "AWS::Lambda::Function")!.Properties.Code.S3Key;
    expect(key(again)).toBe(props.Code.S3Key);
  }, 300_000);

  it("names the function, the files and the fix when the size model does not fit", () => {
    const root = repoTempDir("cdk-bad-");
    fs.writeFileSync(path.join(root, "package.json"), "{}");
    const model = JSON.parse(fs.readFileSync(path.join(dir, "dist/size.json"), "utf8"));
    fs.mkdirSync(path.join(root, "dist"));
    fs.writeFileSync(path.join(root, "dist/size.json"), JSON.stringify(model));
    const thrown = (options: Parameters<typeof slimfnCode>[0]) => {
      try {
        slimfnCode({ root, ...options });
      } catch (e) {
        expect(e).toBeInstanceOf(SlimfnError);
        return (e as SlimfnError).diagnostics;
      }
      throw new Error("slimfnCode did not throw");
    };
    expect(thrown({ report: "dist/size.json", name: "apo" })).toEqual([
      { code: "CDK_FUNCTION_UNKNOWN", severity: "error", message: 'dist/size.json has no function "apo": pass name as one of "api".' },
    ]);
    expect(thrown({ report: "dist/nothing.json" })).toEqual([
      {
        code: "REPORT_INVALID",
        severity: "error",
        message: 'dist/nothing.json cannot be read: it does not exist. Run the slimfn build (with report: { json: "dist/nothing.json" }) before cdk synth.',
      },
    ]);
    expect(thrown({ report: "dist/size.json" })).toEqual([
      { code: "CDK_ZIP_MISSING", severity: "error", message: 'dist/api.zip, the zip dist/size.json names for "api", does not exist. Run the slimfn build again before cdk synth.' },
    ]);
    fs.writeFileSync(path.join(root, "dist/api.zip"), "not the zip");
    expect(thrown({ report: "dist/size.json" })).toEqual([
      {
        code: "CDK_ZIP_MISSING",
        severity: "error",
        message: `dist/api.zip is 11 bytes but dist/size.json describes ${model.functions[0].zipBytes}: the zip and the size model come from different builds. Run the slimfn build again so both are written together.`,
      },
    ]);
    // With the real zip, aws-cdk-lib found from the app's folder (here, up in this repository) gives the props.
    fs.copyFileSync(path.join(dir, "dist/api.zip"), path.join(root, "dist/api.zip"));
    const props = slimfnCode({ root, report: "dist/size.json" });
    expect(props.handler).toBe("api.handler");
    expect(props.runtime.name).toBe("nodejs22.x");
  }, 300_000);
});
