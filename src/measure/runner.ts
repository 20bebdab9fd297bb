/**
 * The child side of a measurement: a tiny ES module run by a fresh `node`. The same script runs
 * the bare start (mode `bare`) and the artifact (mode `import` / `invoke`), so the difference
 * between the two is exactly the handler's import. Times come from `performance.now()`, which
 * counts from the process's start: node's own boot plus the import, as in Lambda's Init
 * Duration, without spawn and exit overhead. The result travels on stdout behind a marker so
 * the handler's own logging cannot be mistaken for it.
 */

export const RESULT_MARKER = "__SLIMFN_MEASURE__";

/** Exit codes of the runner: import threw, export missing, runner misuse. */
export const EXIT = Object.freeze({ importFailed: 70, notAFunction: 71 });

export const RUNNER_SOURCE = `import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [mode, file, exportName, eventFile] = process.argv.slice(2);
const out = (r) => process.stdout.write("\\n${RESULT_MARKER}" + JSON.stringify(r) + "\\n");
if (mode === "bare") {
  const ready = performance.now();
  out({ ready, importMs: 0, rss: process.memoryUsage().rss });
  process.exit(0);
}
const start = performance.now();
let mod;
try {
  mod = await import(pathToFileURL(file).href);
} catch (e) {
  process.stderr.write((e && e.stack) ? String(e.stack) : String(e));
  process.exit(${70});
}
const ready = performance.now();
const rss = process.memoryUsage().rss;
let fn = mod[exportName];
if (typeof fn !== "function" && mod.default && typeof mod.default === "object") fn = mod.default[exportName];
if (typeof fn !== "function") {
  process.stderr.write("The handler module " + file + " has no exported function \\"" + exportName + "\\" (exports: " + Object.keys(mod).join(", ") + ").");
  process.exit(${71});
}
let invocation;
if (mode === "invoke") {
  const event = JSON.parse(readFileSync(eventFile, "utf8"));
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:" + process.env.AWS_REGION + ":000000000000:function:" + process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, awsRequestId: "00000000-0000-4000-8000-000000000000",
    logGroupName: "/aws/lambda/" + process.env.AWS_LAMBDA_FUNCTION_NAME, logStreamName: "slimfn-verify",
    callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000,
    done() {}, fail() {}, succeed() {},
  };
  const t = performance.now();
  try {
    // As Lambda's runtime: the callback or a returned promise, whichever answers first.
    const result = await new Promise((resolve, reject) => {
      const answer = fn(event, context, (err, res) => (err ? reject(err) : resolve(res)));
      if (answer && typeof answer.then === "function") answer.then(resolve, reject);
      else if (fn.length < 3) resolve(answer);
    });
    let json;
    try { json = JSON.parse(JSON.stringify(result === undefined ? null : result)); } catch { json = String(result); }
    invocation = { ok: true, result: json, ms: performance.now() - t };
  } catch (e) {
    invocation = { ok: false, error: (e && e.stack) ? String(e.stack) : String(e), ms: performance.now() - t };
  }
}
out({ ready, importMs: ready - start, rss, invocation });
process.exit(0);
`;
