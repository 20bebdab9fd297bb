/**
 * `slimfn measure` and the verification runner on real zips: fixtures built with esbuild and
 * the plugin (verification off, so the command does the measuring), extracted with Info-ZIP,
 * imported in fresh node processes.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CommandIO } from "../src/cli-io.js";
import { runMeasure } from "../src/measure/command.js";
import { extractZip, nodeModulesAbove } from "../src/measure/extract.js";
import { currentHost, hostMismatch, verifyZip } from "../src/measure/verify.js";
import { resolveOptions } from "../src/options.js";
import { buildFixture } from "./helpers/build.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";

function io(cwd: string) {
  const out = { stdout: "", stderr: "" };
  const cio: CommandIO = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), env: {}, cwd };
  return { out, cio };
}

async function zipOf(name: string): Promise<{ root: string; zip: string }> {
  const root = copyFixture(fixture(name), repoTempDir(`${name}-`));
  const built = await buildFixture("esbuild", { root, entries: ["src/handler.ts"], slimfn: { verify: false } });
  expect(built.failure?.errors).toBeUndefined();
  return { root, zip: path.join(root, "dist/handler.zip") };
}

describe("slimfn measure", () => {
  let native: { root: string; zip: string };
  beforeAll(async () => {
    native = await zipOf("ship-native");
  });

  it("prints init median/min/max, the ratio to a bare node start, memory, and the invocation", async () => {
    const { out, cio } = io(native.root);
    const code = await runMeasure(["dist/handler.zip", "--runs", "3", "--event", path.join(fixture("ship-native"), "events/small.json")], cio);
    expect([code, out.stderr]).toEqual([0, ""]);
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`slimfn measure dist/handler.zip (handler.mjs#handler, 3 runs, node ${process.version})`);
    expect(lines[1]).toMatch(/^ {2}init {7}median \d[\d.]* m?s {2}min \d[\d.]* m?s {2}max \d[\d.]* m?s$/);
    expect(lines[2]).toMatch(/^ {2}bare node {2}median .+ \(same run, interleaved\)$/);
    expect(lines[3]).toMatch(/^ {2}ratio {6}\d+\.\d\dx a bare node start$/);
    expect(lines[5]).toMatch(/^ {2}memory {5}\d[\d.]* [kMG]?B resident after init \(bare node \d[\d.]* [kMG]?B\)$/);
    expect(lines[6]).toMatch(/^ {2}invoke {5}ok in .+: \{"format":"png","width":5,"height":2,"firstPixel":\[255,0,0\]\}$/);
  });

  it("gives every sample as JSON, the ratio to a bare start, and memory", async () => {
    const { out, cio } = io(native.root);
    expect(await runMeasure([native.zip, "--runs", "3", "--json"], cio)).toBe(0);
    const m = JSON.parse(out.stdout);
    expect(m.zip).toBe("dist/handler.zip");
    expect([m.runs, m.init.samples.length, m.bare.samples.length, m.importMs.samples.length]).toEqual([3, 3, 3, 3]);
    expect(m.init.min).toBeLessThanOrEqual(m.init.median);
    expect(m.init.median).toBeLessThanOrEqual(m.init.max);
    expect(m.ratio).toBeCloseTo(m.init.median / m.bare.median, 10);
    // No timing is asserted (machines are noisy); sharp's native library shows in memory.
    expect(m.rssBytes).toBeGreaterThan(m.bareRssBytes);
    expect(m.invocation).toBeUndefined();
  });

  it("fails with the handler's error output when the import throws", async () => {
    const throws = await zipOf("ship-throws");
    const { out, cio } = io(throws.root);
    expect(await runMeasure([throws.zip, "--runs", "1"], cio)).toBe(1);
    expect(out.stderr).toMatch(/^error: \[VERIFY_FAILED\] The handler threw while being imported/);
    expect(out.stderr).toContain("Error: ORDERS_TABLE is not set: the orders function cannot start");
    // The same zip starts once its configuration is given.
    const ok = io(throws.root);
    expect(await runMeasure([throws.zip, "--runs", "1", "--env", "ORDERS_TABLE=orders"], ok.cio)).toBe(0);
  });

  it("records the init figures in the size model of the build that wrote the zip", async () => {
    const root = copyFixture(fixture("ship-native"), repoTempDir("measure-report-"));
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.ts"],
      slimfn: { verify: false, report: { json: "dist/size.json" } },
    });
    expect(built.model!.functions[0]!.init).toBeUndefined();
    const { out, cio } = io(root);
    expect(await runMeasure(["dist/handler.zip", "--runs", "2", "--report", "dist/size.json"], cio)).toBe(0);
    const fn = JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")).functions[0];
    expect(Object.keys(fn.init).sort()).toEqual(["bareNodeMs", "maxMs", "medianMs", "minMs", "node", "ratio", "rssBytes", "runs"]);
    expect([fn.init.runs, fn.init.node]).toEqual([2, process.version]);
    expect(out.stdout).toMatch(/^slimfn measure dist\/handler\.zip/);
    // (The zip built in beforeAll is byte for byte the same: builds are deterministic.)
    expect(JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")).functions[0].sha256).toBe(
      createHash("sha256").update(fs.readFileSync(native.zip)).digest("hex"),
    );
    // Another function's zip: refused, and the model is left as it was.
    const { zip: otherZip } = await zipOf("ship-data");
    const other = io(root);
    const before = fs.readFileSync(path.join(root, "dist/size.json"), "utf8");
    expect(await runMeasure([otherZip, "--runs", "1", "--report", "dist/size.json"], other.cio)).toBe(2);
    expect(other.out.stderr).toMatch(/^error: \[REPORT_INVALID\] dist\/size\.json describes no function whose zip is .+handler\.zip \(sha256 [0-9a-f]{12}\.\.\.\): pass the size model of the build that wrote this zip\.\n$/);
    expect(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")).toBe(before);
  });

  it("rejects bad arguments with usage", async () => {
    const cases: [string[], string][] = [
      [[native.zip, "--runs", "0"], 'slimfn measure: --runs must be an integer from 1 to 1000, got "0"'],
      [[], "slimfn measure: Name exactly one zip: slimfn measure dist/handler.zip"],
      [["nope.zip"], `slimfn measure: No zip at ${path.join(native.root, "nope.zip")}`],
      [[native.zip, "--env", "NOVALUE"], 'slimfn measure: --env takes KEY=VALUE, got "NOVALUE"'],
    ];
    for (const [argv, first] of cases) {
      const { out, cio } = io(native.root);
      expect(await runMeasure(argv, cio)).toBe(2);
      expect(out.stderr.split("\n")[0]).toBe(first);
    }
  });
});

describe("verification", () => {
  it("extracts into a folder with no node_modules above it", async () => {
    const { zip } = await zipOf("ship-data");
    const extracted = await extractZip(zip);
    try {
      expect(nodeModulesAbove(extracted.dir)).toBeUndefined();
      // figlet is bundled here (no slimfn external): the zip holds the bundle alone.
      expect(fs.readdirSync(extracted.dir).sort()).toEqual(["handler.mjs"]);
    } finally {
      await extracted.cleanup();
    }
    expect(fs.existsSync(extracted.dir)).toBe(false);
  });

  it("skips with VERIFY_SKIPPED when the host cannot run the target's binaries", async () => {
    const options = resolveOptions({}, fixture("ship-native"));
    const here = currentHost();
    const zip = new Uint8Array(0);
    const skipped = async (host: typeof here) => (await verifyZip(zip, "handler.handler", "handler", options, { watch: false, host })).diagnostics;
    expect(await skipped({ ...here, platform: "darwin" })).toEqual([
      {
        code: "VERIFY_SKIPPED",
        severity: "warning",
        message: 'Function "handler" was not verified: this host runs darwin, the target is Linux, so its binaries cannot run here. Verify on a matching machine (Linux x86_64, glibc), or set verify: false to silence this.',
      },
    ]);
    expect(hostMismatch({ ...here, arch: "arm64" }, "x86_64")).toBe("this host's CPU is arm64, the target's is x86_64");
    expect(hostMismatch({ ...here, glibc: undefined }, "x86_64")).toBe("this host's C library is not glibc, the target's (Amazon Linux) is");
    expect(hostMismatch(here, "x86_64")).toBeUndefined();
  });

  it("does not verify on watch rebuilds unless asked, nor with verify: false", async () => {
    const zip = new Uint8Array(0); // never read: nothing runs
    const watchDefault = resolveOptions({}, fixture("ship-native"));
    expect(await verifyZip(zip, "handler.handler", "handler", watchDefault, { watch: true })).toEqual({ diagnostics: [] });
    const off = resolveOptions({ verify: false }, fixture("ship-native"));
    expect(await verifyZip(zip, "handler.handler", "handler", off, { watch: false })).toEqual({ diagnostics: [] });
  });

  it("warns that the host's Node is not the runtime's, and still measures", async () => {
    const { zip } = await zipOf("ship-data");
    const options = resolveOptions({ runtime: "nodejs22.x", verify: { runs: 1 } }, fixture("ship-data"));
    const result = await verifyZip(fs.readFileSync(zip), "handler.handler", "handler", options, { watch: false, host: { ...currentHost(), nodeMajor: 20 } });
    expect(result.diagnostics).toEqual([
      {
        code: "VERIFY_NODE_MISMATCH",
        severity: "warning",
        message: "Verified with Node 20, but the functions run on nodejs22.x (Node 22): init time and memory are Node 20's. Build with Node 22 for figures of the real runtime.",
      },
    ]);
    expect(result.measurement!.runs).toBe(1);
  });
});
