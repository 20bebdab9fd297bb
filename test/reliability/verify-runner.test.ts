/**
 * The verification runner tells the truth and leaves nothing behind: `slimfn measure` (the
 * compiled CLI, as a user runs it) on zips made with Info-ZIP, each handler misbehaving in one
 * way. Every case asserts the whole message and exit code, that the zip is byte-identical
 * afterwards, that the run's TMPDIR is empty, and that no process of the run is alive.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { leftoverProcesses, makeZip, pidsIn, runCli, sandbox, sha256, type CliRun, type Sandbox } from "./helpers.js";

const RUNS = ["--runs", "1"];

/** Measure a one-file zip holding `source` as handler.mjs; check what every run must leave. */
async function measure(box: Sandbox, source: string, args: string[] = []): Promise<CliRun> {
  const zip = makeZip(box.root, "handler.zip", { "handler.mjs": source });
  const before = sha256(zip);
  const r = await runCli(["measure", "handler.zip", ...RUNS, ...args], box);
  expect(sha256(zip)).toBe(before);
  expect(fs.readdirSync(box.tmp)).toEqual([]);
  expect(leftoverProcesses({ owner: r.pid })).toEqual([]);
  return r;
}

const failed = (what: string, output: string) =>
  `error: [VERIFY_FAILED] The handler ${what} from the extracted zip in a fresh node. Its output:\n${output}\n`;

describe("the verify runner reports on its own channel", () => {
  it("a handler that writes 300 KB to stdout at import is measured, not failed", async () => {
    const box = sandbox("stdout");
    fs.writeFileSync(path.join(box.root, "event.json"), "{}");
    const r = await measure(box, `process.stdout.write("x".repeat(300 * 1024));\nexport const handler = async () => ({ ok: true });\n`, ["--json", "--event", "event.json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const m = JSON.parse(r.stdout);
    expect(m.invocation).toMatchObject({ ok: true, result: { ok: true } });
  });
});

describe("each failure is named as it is", () => {
  const cases: [string, string, string[], string][] = [
    [
      "a top-level await that never settles",
      `await new Promise(() => {});\nexport const handler = async () => 1;\n`,
      [],
      failed("never finished importing (top-level await never settled; nothing was left to run) when loaded", "(none)"),
    ],
    [
      "process.exit(70) at import",
      `console.log("leaving");\nprocess.exit(70);\nexport const handler = async () => 1;\n`,
      [],
      failed("called process.exit(70) during import when loaded", "leaving"),
    ],
    [
      "an import that outlives --timeout",
      `await new Promise((r) => setTimeout(r, 60000));\nexport const handler = async () => 1;\n`,
      ["--timeout", "2500"],
      failed("did not finish importing within 2500 ms when loaded", "(none)"),
    ],
    [
      "a handler that does not answer the event in time",
      `export const handler = () => new Promise((r) => setTimeout(r, 60000));\n`,
      ["--event", "event.json", "--timeout", "2500"],
      failed("did not answer the event within 2500 ms when invoked", "(none)"),
    ],
    [
      "a handler whose promise nothing will settle",
      `export const handler = () => new Promise(() => {});\n`,
      ["--event", "event.json"],
      failed("never answered the event (its promise never settled, or its callback was never called; nothing was left to run) when invoked", "(none)"),
    ],
    [
      "a handler that calls process.exit on the event",
      `export const handler = async () => { console.error("bye"); process.exit(0); };\n`,
      ["--event", "event.json"],
      failed("called process.exit(0) while answering the event when invoked", "bye"),
    ],
  ];
  it.each(cases)("%s", async (_name, source, args, message) => {
    const box = sandbox("fail");
    fs.writeFileSync(path.join(box.root, "event.json"), "{}");
    const r = await measure(box, source, args);
    expect([r.code, r.stderr, r.stdout]).toEqual([1, message, ""]);
  });
});

describe("nothing the handler starts outlives the run", () => {
  it("ends the child's process group and what left it for a session of its own", async () => {
    const box = sandbox("spawn");
    const pids = path.join(box.root, "pids");
    const source = `import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
const own = spawn("sleep", ["600"], { stdio: "ignore" });
const away = spawn("sleep", ["601"], { stdio: "ignore", detached: true });
own.unref(); away.unref();
appendFileSync(process.env.PIDS, [process.pid, own.pid, away.pid].join(" ") + "\\n");
export const handler = async () => 1;
`;
    const r = await measure(box, source, ["--env", `PIDS=${pids}`]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const seen = pidsIn(pids);
    // Warm-up, bare start and one timed run: the handler was imported twice.
    expect(seen).toHaveLength(6);
    const groups = fs.readFileSync(pids, "utf8").trim().split("\n").map((l) => Number(l.split(" ")[0]));
    expect(leftoverProcesses({ pids: seen, groups })).toEqual([]);
  });
});

describe("handlers that leave the zip are refused before anything runs", () => {
  it("--handler ../../x/evil.handler and a size model pointing out of the zip exit 2", async () => {
    const box = sandbox("outside");
    const ran = path.join(box.root, "evil-ran");
    fs.mkdirSync(path.join(box.root, "x"));
    fs.writeFileSync(path.join(box.root, "x/evil.mjs"), `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(ran)}, "");\nexport const handler = async () => 1;\n`);
    const zip = makeZip(box.root, "handler.zip", { "handler.mjs": "export const handler = async () => 1;\n" });
    const before = sha256(zip);
    const refused = (handler: string) =>
      `error: [HANDLER_OUTSIDE_ZIP] The handler ${JSON.stringify(handler)} points outside the zip (${handler.replace(/\.handler$/, "")}): a handler is a path inside the zip, like "handler.handler" or "api/get.handler".\n`;
    for (const handler of ["../../x/evil.handler", "../x/evil.handler", `${box.root}/x/evil.handler`]) {
      const r = await runCli(["measure", "handler.zip", ...RUNS, "--handler", handler], box);
      expect([r.code, r.stderr, r.stdout]).toEqual([2, refused(handler), ""]);
    }
    // The same handler recorded in a size model (as if for this zip): refused, the model untouched.
    const model = {
      schema: "slimfn/size-model",
      schemaVersion: 1,
      bundler: { name: "esbuild", version: "0.28.0" },
      functions: [{ name: "handler", handler: "../../x/evil.handler", sha256: before, zipBytes: 1, unzippedBytes: 1, entryCount: 1, ownCode: { bytes: 1, zipBytes: 1 }, packages: [] }],
    };
    const modelFile = path.join(box.root, "size.json");
    fs.writeFileSync(modelFile, JSON.stringify(model));
    const modelBefore = sha256(modelFile);
    const r = await runCli(["measure", "handler.zip", ...RUNS, "--report", "size.json"], box);
    expect([r.code, r.stderr, r.stdout]).toEqual([2, refused("../../x/evil.handler"), ""]);
    expect([sha256(zip), sha256(modelFile), fs.existsSync(ran), fs.readdirSync(box.tmp)]).toEqual([before, modelBefore, false, []]);
  });

  it("--report with a file that is not a size model exits 2 before measuring", async () => {
    const box = sandbox("badmodel");
    const ran = path.join(box.root, "ran");
    const zip = makeZip(box.root, "handler.zip", { "handler.mjs": `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(ran)}, "");\nexport const handler = async () => 1;\n` });
    fs.writeFileSync(path.join(box.root, "size.json"), "{ not json");
    const before = [sha256(zip), sha256(path.join(box.root, "size.json"))];
    const r = await runCli(["measure", "handler.zip", ...RUNS, "--report", "size.json"], box);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: \[REPORT_INVALID\] size\.json is not JSON \(.+\), so it is not a slimfn size model\.\n$/);
    expect([sha256(zip), sha256(path.join(box.root, "size.json")), fs.existsSync(ran), fs.readdirSync(box.tmp)]).toEqual([...before, false, []]);
  });
});

describe("signals during measure", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("%s: the children are killed, the extracted folder removed, exit %i", async (signal, exit) => {
    const box = sandbox("signal");
    const pids = path.join(box.root, "pids");
    const zip = makeZip(box.root, "handler.zip", {
      "handler.mjs": `import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
const away = spawn("sleep", ["602"], { stdio: "ignore", detached: true });
away.unref();
appendFileSync(process.env.PIDS, [process.pid, away.pid].join(" ") + "\\n");
await new Promise((r) => setTimeout(r, 60000));
export const handler = async () => 1;
`,
    });
    const before = sha256(zip);
    const r = await runCli(["measure", "handler.zip", ...RUNS, "--env", `PIDS=${pids}`], box, { when: () => pidsIn(pids).length === 2, signal });
    expect([r.code, r.signal, r.stderr, r.stdout]).toEqual([exit, null, "", ""]);
    expect([sha256(zip), fs.readdirSync(box.tmp)]).toEqual([before, []]);
    const [leader, away] = pidsIn(pids);
    expect(leftoverProcesses({ pids: [leader!, away!], groups: [leader!], owner: r.pid })).toEqual([]);
  });
});
