/**
 * slimfn for the AWS CDK: hand a slimfn-built zip to a `lambda.Function` without a second
 * bundling step. CDK's own `NodejsFunction` drives the esbuild CLI, which takes no plugins; this
 * helper reads the size model the slimfn build wrote (handler, runtime, architecture, zip path,
 * sha256) and returns the props to spread into `new lambda.Function(...)`.
 *
 * The zip's sha256 becomes the asset's custom hash: CDK then neither re-reads the zip to
 * fingerprint it nor uploads it again while its bytes are unchanged (slimfn zips are
 * deterministic, so an unchanged function keeps its hash across machines). CDK hashes a custom
 * hash once more before it names the asset (`sha256(<zip sha256 hex>)`, verified with
 * aws-cdk-lib 2.276): the S3 key still changes exactly when the zip's bytes do.
 *
 * aws-cdk-lib is loaded from the CDK app's own project (`root`), never from slimfn's folder, so
 * the `Code` and `Runtime` returned are instances of the copy the app's constructs use.
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as cdk from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { error, SlimfnError } from "./diagnostics.js";
import type { FunctionModel } from "./report/model.js";
import { validateModel } from "./report/read-model.js";

export interface SlimfnCodeOptions {
  /**
   * The size model the slimfn build wrote (`report: { json }` or `slimfn build --report`),
   * relative to `root`.
   */
  report: string;
  /**
   * The function's name in the size model (its entry's output path without extension). May be
   * left out when the model holds one function.
   * @default undefined (the only function)
   */
  name?: string;
  /**
   * The CDK app's project folder: relative paths resolve against it and aws-cdk-lib is loaded
   * from it.
   * @default process.cwd()
   */
  root?: string;
}

/** Props for `new lambda.Function(scope, id, { ...slimfnCode(...), memorySize: 512 })`. */
export interface SlimfnCode {
  code: lambda.Code;
  handler: string;
  runtime: lambda.Runtime;
  /** Present when the model records the build's `arch`. */
  architecture?: lambda.Architecture;
}

/** The function, the absolute zip path and its sha256, read from the size model. */
export interface SlimfnArtifact {
  fn: FunctionModel;
  zip: string;
  sha256: string;
}

/** Find the function's zip in a size model; every failure names the file and the fix. */
export function readArtifact(options: SlimfnCodeOptions): SlimfnArtifact {
  const root = path.resolve(options.root ?? process.cwd());
  const file = path.resolve(root, options.report);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : (e as Error).message;
    throw new SlimfnError(error("REPORT_INVALID", `${options.report} cannot be read: ${reason}. Run the slimfn build (with report: { json: "${options.report}" }) before cdk synth.`));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SlimfnError(error("REPORT_INVALID", `${options.report} is not JSON (${(e as Error).message}), so it is not a slimfn size model.`));
  }
  const model = validateModel(json, options.report);
  const names = model.functions.map((f) => f.name);
  const fn = options.name === undefined && model.functions.length === 1 ? model.functions[0] : model.functions.find((f) => f.name === options.name);
  if (!fn) {
    const what = options.name === undefined ? `holds ${names.length} functions` : `has no function "${options.name}"`;
    throw new SlimfnError(error("CDK_FUNCTION_UNKNOWN", `${options.report} ${what}: pass name as one of ${names.map((n) => JSON.stringify(n)).join(", ") || "(none)"}.`));
  }
  if (fn.zip === null) {
    throw new SlimfnError(error("CDK_ZIP_MISSING", `Function "${fn.name}" was built with zip: false, so there is no zip to deploy. Turn slimfn's zip option on.`));
  }
  const zip = path.resolve(root, fn.zip);
  let size: number;
  try {
    size = statSync(zip).size;
  } catch {
    throw new SlimfnError(error("CDK_ZIP_MISSING", `${fn.zip}, the zip ${options.report} names for "${fn.name}", does not exist. Run the slimfn build again before cdk synth.`));
  }
  // A zip rebuilt without the model (or the other way round) would upload under a stale hash.
  if (size !== fn.zipBytes) {
    throw new SlimfnError(
      error("CDK_ZIP_MISSING", `${fn.zip} is ${size} bytes but ${options.report} describes ${fn.zipBytes}: the zip and the size model come from different builds. Run the slimfn build again so both are written together.`),
    );
  }
  return { fn, zip, sha256: fn.sha256 };
}

/**
 * The `code`, `handler`, `runtime` (and `architecture`) of a slimfn-built function, to spread
 * into `lambda.Function` props. Throws a `SlimfnError` (`REPORT_INVALID`, `CDK_FUNCTION_UNKNOWN`,
 * `CDK_ZIP_MISSING`) naming the file and the fix.
 */
export function slimfnCode(options: SlimfnCodeOptions): SlimfnCode {
  const { fn, zip, sha256 } = readArtifact(options);
  const root = path.resolve(options.root ?? process.cwd());
  const load = createRequire(path.join(root, "package.json"));
  let core: typeof cdk;
  let aws: typeof lambda;
  try {
    core = load("aws-cdk-lib") as typeof cdk;
    aws = load("aws-cdk-lib/aws-lambda") as typeof lambda;
  } catch {
    throw new SlimfnError(error("CDK_NOT_INSTALLED", `aws-cdk-lib cannot be loaded from ${path.basename(root)}/: install it in the CDK app (npm install aws-cdk-lib constructs), or pass root as the app's folder.`));
  }
  const code = aws.Code.fromAsset(zip, { assetHash: sha256, assetHashType: core.AssetHashType.CUSTOM });
  // The runtime's own constant (Runtime.NODEJS_22_X) where this aws-cdk-lib has one.
  const known = Object.values(aws.Runtime).find((r): r is lambda.Runtime => r instanceof aws.Runtime && r.name === fn.runtime);
  const runtime = known ?? new aws.Runtime(fn.runtime, aws.RuntimeFamily.NODEJS, { supportsInlineCode: true });
  const architecture = fn.arch === "arm64" ? aws.Architecture.ARM_64 : fn.arch === "x86_64" ? aws.Architecture.X86_64 : undefined;
  return { code, handler: fn.handler, runtime, ...(architecture ? { architecture } : {}) };
}
