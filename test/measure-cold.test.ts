/**
 * The whole cold start per kind of request (issue 12): real builds of the realistic fixture,
 * lazy and eager, with two events, one that touches a deferred SDK client (file-link: S3) and
 * one that touches none (health). No figure is asserted as a time: only presence, order and
 * consistency (cold total = init + first invocation, sample by sample). The laziness warning is
 * proven by a generated fixture whose only event needs every deferred module.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formatDuration } from "../src/report/sizes.js";
import type { SizeModel } from "../src/report/model.js";
import { formatSummary } from "../src/summary.js";
import { buildFixture } from "./helpers/build.js";
import { measure } from "./helpers/measure.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";

const LAZY = ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"];

interface StatsJson {
  median: number;
  samples: number[];
}
interface EventJson {
  event: string;
  init: StatsJson;
  firstInvocation: StatsJson;
  cold: StatsJson;
  rssBytes: number;
  ok: boolean;
  lazyLoaded: string[];
}

/** Each sample's cold total is its init plus its first invocation. */
function expectConsistent(e: EventJson, runs: number): void {
  expect(e.cold.samples).toHaveLength(runs);
  e.cold.samples.forEach((c, i) => expect(c).toBeCloseTo(e.init.samples[i]! + e.firstInvocation.samples[i]!, 9));
  for (const s of [e.init, e.firstInvocation, e.cold]) expect(s.samples.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
  expect(e.cold.median).toBeGreaterThanOrEqual(e.init.median);
  expect(e.rssBytes).toBeGreaterThan(0);
}

let root: string;
let model: SizeModel;
beforeAll(async () => {
  root = copyFixture(fixture("realistic"), repoTempDir("cold-"));
  const lazy = await buildFixture("esbuild", {
    root,
    entries: ["src/handler.ts"],
    slimfn: {
      runtime: "nodejs22.x",
      zip: "dist/[name].zip",
      lazy: LAZY,
      verify: { runs: 2, events: ["events/health.json", "events/file-link.json"] },
      report: { json: "dist/size.json" },
    },
  });
  expect(lazy.failure?.errors).toBeUndefined();
  model = lazy.model!;
  const eager = await buildFixture("esbuild", { root, entries: ["src/handler.ts"], outdir: "eager", slimfn: { runtime: "nodejs22.x", zip: "eager/[name].zip", verify: false } });
  expect(eager.failure?.errors).toBeUndefined();
});

describe("verify.events", () => {
  it("records per event init, first invocation and cold total in the size model, in the order given, and the summary shows cold totals", () => {
    const events = model.functions[0]!.init!.events!;
    expect(events.map((e) => [e.event, e.runs, e.ok])).toEqual([
      ["health", 2, true],
      ["file-link", 2, true],
    ]);
    for (const e of events) {
      expect(e.minColdMs).toBeLessThanOrEqual(e.coldMs);
      expect(e.coldMs).toBeLessThanOrEqual(e.maxColdMs);
      expect(e.initMs).toBeGreaterThan(0);
      expect(e.rssBytes).toBeGreaterThan(0);
    }
    // health needs no SDK client; file-link builds the deferred S3 client and its presigner.
    expect(events[0]!.lazyLoaded).toEqual([]);
    expect(events[1]!.lazyLoaded).toEqual(expect.arrayContaining(["@aws-sdk/client-s3", "@aws-sdk/s3-request-presigner"]));
    const summary = formatSummary([{ model: model.functions[0]!, zipPath: path.join(root, "dist/handler.zip") }], root, { color: false });
    const cold = summary.split("\n").find((l) => l.trimStart().startsWith("cold"));
    expect(cold).toBe(
      `    cold      ${events.map((e) => `${e.event} ${formatDuration(e.coldMs)} (${formatDuration(e.initMs)} + ${formatDuration(e.firstInvocationMs)})`).join(" · ")} · init + first invocation, median of 2`,
    );
  });

  it("refuses an events value that is neither a folder nor a list", async () => {
    const r = await buildFixture("esbuild", { root, entries: ["src/handler.ts"], outdir: "bad", slimfn: { zip: false, verify: { events: [] } } });
    expect(r.failure!.errors.map((e) => e.text)).toEqual([
      'OPTION_INVALID: slimfn option "verify.events" must be a folder of JSON files, or a non-empty list of JSON files or event objects, got an array.',
    ]);
  });
});

describe("slimfn measure --event ... --base", () => {
  it("times each event on both artifacts in the same rounds; JSON, text and the size model carry the same figures", async () => {
    fs.copyFileSync(path.join(root, "dist/size.json"), path.join(root, "dist/size-copy.json"));
    const args = ["dist/handler.zip", "--runs", "3", "--event", "events/health.json", "--event", "events/file-link.json", "--base", "eager/handler.zip"];
    const run = await measure([...args, "--json", "--report", "dist/size-copy.json"], root);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { base: string; cold: { runs: number; events: EventJson[]; base: EventJson[]; comparisons: { event: string; ratio: number; differenceMs: number; noiseMs: number; slowerRounds: number; worse: boolean }[] } };
    expect(json.base).toBe("eager/handler.zip");
    const { cold } = json;
    expect(cold.events.map((e) => e.event)).toEqual(["health", "file-link"]);
    expect(cold.base.map((e) => e.event)).toEqual(["health", "file-link"]);
    for (const e of [...cold.events, ...cold.base]) expectConsistent(e, 3);
    // The eager build loads nothing lazily; the lazy one loads the S3 client for file-link only.
    expect(cold.base.map((e) => e.lazyLoaded)).toEqual([[], []]);
    expect(cold.events[0]!.lazyLoaded).toEqual([]);
    expect(cold.events[1]!.lazyLoaded).toContain("@aws-sdk/client-s3");
    for (const [i, c] of cold.comparisons.entries()) {
      expect(c.event).toBe(cold.events[i]!.event);
      expect(c.ratio).toBeCloseTo(cold.events[i]!.cold.median / cold.base[i]!.cold.median, 9);
      // In three rounds even 3 of 3 slower is chance at 12.5%: only the noise counts.
      expect(c.worse).toBe(c.differenceMs > 0 && c.differenceMs > c.noiseMs);
    }
    // Any warning names a deferred module that event loaded: health loaded none.
    expect(run.stderr).not.toContain('Event "health"');

    const recorded = (JSON.parse(fs.readFileSync(path.join(root, "dist/size-copy.json"), "utf8")) as SizeModel).functions[0]!.init!.events!;
    const r2 = (n: number) => Math.round(n * 100) / 100;
    expect(recorded.map((e) => [e.event, e.runs, e.coldMs, e.initMs, e.firstInvocationMs, e.base!.coldMs, e.base!.worse])).toEqual(
      cold.events.map((e, i) => [e.event, 3, r2(e.cold.median), r2(e.init.median), r2(e.firstInvocation.median), r2(cold.base[i]!.cold.median), cold.comparisons[i]!.worse]),
    );

    const text = await measure(args, root);
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n");
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(at("  events     median of 3 fresh processes per event; cold total = init + first invocation")).toBeGreaterThan(0);
    expect(at("    health     init ")).toBe(at("  events ") + 1);
    expect(at("    file-link  init ")).toBe(at("  events ") + 2);
    expect(lines[at("    file-link  init ")]).toMatch(/ first invocation .+ cold total .+ after {2}lazy loaded: .*@aws-sdk\/client-s3/);
    expect(at("  base       eager/handler.zip, the same events in the same rounds")).toBe(at("  events ") + 3);
    expect(lines[at("  base ") + 1]).toMatch(/^ {4}health {5}cold total .+ vs .+ \(init .+, first invocation .+\): \d+\.\d\dx, [+-].+ \(noise .+\)$/);
  });

  it("--base without --event is a usage error", async () => {
    const run = await measure(["dist/handler.zip", "--base", "eager/handler.zip"], root);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe("slimfn measure: --base compares the cold start of events: give at least one --event");
  });
});

describe("LAZY_DOES_NOT_PAY", () => {
  it("warns, naming the deferred modules, when the only event needs every deferred module and the lazy build loses", async () => {
    // 150 small modules, each lazy by annotation (its own chunk, loaded on first use), all
    // needed by the one event: the lazy build reads 150 chunks where the eager one reads one.
    const dir = repoTempDir("loses-");
    const n = 150;
    fs.mkdirSync(path.join(dir, "src/mods"), { recursive: true });
    for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `src/mods/m${i}.mjs`), `export const v = Array.from({ length: 200 }, (_, k) => k * ${i + 1}).reduce((a, b) => a + b, 0);\n`);
    const source = (lazy: boolean) =>
      Array.from({ length: n }, (_, i) => `import ${lazy ? "/* @lazy */ " : ""}{ v as v${i} } from "./mods/m${i}.mjs";`).join("\n") +
      `\nexport const handler = async () => ({ total: ${Array.from({ length: n }, (_, i) => `v${i}`).join(" + ")} });\n`;
    fs.writeFileSync(path.join(dir, "src/lazy.mjs"), source(true));
    fs.writeFileSync(path.join(dir, "src/eager.mjs"), source(false));
    fs.writeFileSync(path.join(dir, "all.json"), "{}\n");
    for (const name of ["lazy", "eager"]) {
      const b = await buildFixture("esbuild", { root: dir, entries: { handler: `src/${name}.mjs` }, outdir: name, slimfn: { runtime: "nodejs22.x", zip: `${name}/[name].zip`, verify: false } });
      expect(b.failure?.errors).toBeUndefined();
    }
    const run = await measure(["lazy/handler.zip", "--base", "eager/handler.zip", "--event", "all.json", "--runs", "15", "--json"], dir);
    expect(run.code).toBe(0);
    const { cold } = JSON.parse(run.stdout) as { cold: { events: EventJson[]; base: EventJson[]; comparisons: { ratio: number; differenceMs: number; noiseMs: number; slowerRounds: number; worse: boolean }[] } };
    const [head, base, c] = [cold.events[0]!, cold.base[0]!, cold.comparisons[0]!];
    const mods = Array.from({ length: n }, (_, i) => `./mods/m${i}.mjs`).sort();
    expect(head.lazyLoaded).toEqual(mods);
    expect(c.worse).toBe(true);
    expect(run.stderr).toBe(
      `warning: [LAZY_DOES_NOT_PAY] Event "all": lazy/handler.zip's cold total (init + first invocation) is ${formatDuration(head.cold.median)}, ${c.ratio.toFixed(2)}x the base's ${formatDuration(base.cold.median)}: ${formatDuration(c.differenceMs)} slower (median of the paired rounds; slower in ${c.slowerRounds} of 15, this run's noise ${formatDuration(c.noiseMs)}). This request loaded the deferred modules ${mods.slice(0, 10).join(", ")} and 140 more on first use. If requests like it are the common case, mark those imports /* @eager */ or remove them from lazy.\n`,
    );
  });
});
