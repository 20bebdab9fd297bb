/**
 * `slimfn report --format html`, opened in a real headless Chromium: the treemap's rectangles
 * exist with the right labels and areas in proportion to bytes, the compressed/unzipped switch
 * lays it out again, lazy and shipped packages are marked, growth against a base is outlined,
 * and the page neither throws nor asks the network for anything.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReport } from "../src/report/command.js";
import { compareModels } from "../src/report/compare.js";
import type { SizeModel } from "../src/report/model.js";
import { formatBytes, formatByteDelta, formatDuration } from "../src/report/sizes.js";
import { treemapGroups, type TreemapGroup } from "../src/report/treemap.js";
import { launchChromium, openFile } from "./helpers/browser.js";
import { buildFixture } from "./helpers/build.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";

interface Rect {
  label: string;
  kind: string;
  classes: string;
  value: number;
  area: number;
  title: string;
  leaves: { path: string; value: number; area: number }[];
}

let browser: Browser;
let root: string;
let model: SizeModel;

async function html(args: string[], out: string): Promise<string> {
  let stderr = "";
  const code = await runReport([...args, "--format", "html", "--out", out], { stdout: () => {}, stderr: (t) => (stderr += t), env: {}, cwd: root });
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  return fs.readFileSync(path.join(root, out), "utf8");
}

/** The rectangles the page drew, per function, read from the DOM. */
async function rects(file: string): Promise<{ functions: Record<string, Rect[]>; errors: string[]; requests: string[]; page: Awaited<ReturnType<typeof openFile>>["page"] }> {
  const opened = await openFile(browser, file);
  const functions = await opened.page.evaluate(read);
  return { functions, ...opened };
}

function read(): Record<string, Rect[]> {
  const area = (el: Element) => {
    const r = el.getBoundingClientRect();
    return r.width * r.height;
  };
  const out: Record<string, Rect[]> = {};
  for (const section of document.querySelectorAll("section.fn")) {
    out[section.getAttribute("data-function")!] = [...section.querySelectorAll(".group")].map((g) => ({
      label: g.getAttribute("data-label")!,
      kind: g.getAttribute("data-kind")!,
      classes: g.className,
      value: Number(g.getAttribute("data-value")),
      area: area(g),
      title: (g as HTMLElement).title,
      leaves: [...g.querySelectorAll(".leaf")].map((l) => ({ path: l.getAttribute("data-path")!, value: Number(l.getAttribute("data-value")), area: area(l) })),
    }));
  }
  return out;
}

/** Each rectangle's share of the whole is its value's share, within a pixel's rounding. */
function expectProportional(items: { area: number; value: number }[], tolerance = 0.01): void {
  const totalArea = items.reduce((n, i) => n + i.area, 0);
  const totalValue = items.reduce((n, i) => n + i.value, 0);
  for (const i of items) expect(Math.abs(i.area / totalArea - i.value / totalValue)).toBeLessThan(tolerance);
}

const expected = (m: SizeModel, name: string, base?: SizeModel): TreemapGroup[] =>
  treemapGroups(compareModels([{ file: "head", model: m }], base ? [{ file: "base", model: base }] : undefined).functions.find((f) => f.name === name)!);

beforeAll(async () => {
  browser = await launchChromium();
  root = copyFixture(fixture("realistic"), repoTempDir("report-html-"));
  const built = await buildFixture("esbuild", {
    root,
    entries: ["src/handler.ts", "src/thumbnail.ts"],
    slimfn: {
      runtime: "nodejs20.x",
      zip: "dist/[name].zip",
      lazy: ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"],
      external: ["sharp"],
      include: ["assets/*.svg"],
      verify: { runs: 1 },
      report: { json: "dist/size.json" },
    },
  });
  expect(built.failure?.errors).toBeUndefined();
  model = built.model!;
});

afterAll(async () => {
  await browser?.close();
});

describe("slimfn report --format html", () => {
  it("draws one rectangle per group and per file, with areas in proportion to compressed bytes; no errors, no network", async () => {
    const page = await html(["dist/size.json"], "report.html");
    expect(page).not.toMatch(/https?:\/\//);
    const { functions, errors, requests } = await rects(path.join(root, "report.html"));
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(Object.keys(functions)).toEqual(["handler", "thumbnail"]);
    for (const [name, drawn] of Object.entries(functions)) {
      const groups = expected(model, name);
      // Every byte of the zip is in one group: the groups add up to the zip's entries.
      const fn = model.functions.find((f) => f.name === name)!;
      expect(groups.reduce((n, g) => n + g.zipBytes, 0)).toBe(fn.files.reduce((n, f) => n + f.zipBytes, 0));
      expect(groups.reduce((n, g) => n + g.bytes, 0)).toBe(fn.unzippedBytes);
      expect(drawn.map((g) => g.label).sort()).toEqual(groups.filter((g) => g.zipBytes > 0).map((g) => g.label).sort());
      for (const g of drawn) expect(g.value).toBe(groups.find((e) => e.label === g.label)!.zipBytes);
      expectProportional(drawn);
      // Files inside a group large enough to hold them: in proportion to each other too.
      for (const g of drawn.filter((d) => d.area > 20_000 && d.leaves.length > 1)) expectProportional(g.leaves, 0.02);
    }
    const handler = functions.handler!;
    const zod = handler.find((g) => g.label === "zod")!;
    expect(zod).toMatchObject({ kind: "package", classes: "group k-package lazy" });
    expect(zod.leaves.map((l) => l.path)).toEqual([model.functions[0]!.outputs!.find((o) => o.packages.some((p) => p.name === "zod"))!.path]);
    expect(handler.find((g) => g.label === "own code")!.kind).toBe("own");
    expect(handler.find((g) => g.label === "included files")!.leaves.map((l) => l.path)).toEqual(["assets/logo.svg"]);
    const sharp = functions.thumbnail!.find((g) => g.label === "sharp")!;
    expect(sharp.kind).toBe("shipped");
    expect(sharp.leaves.map((l) => l.path)).toContain("node_modules/sharp/package.json");
    // init is shown when measured
    expect(page).toContain(`init ${formatDuration(model.functions[0]!.init!.medianMs)}`);
  });

  it("the switch lays the map out again by unzipped bytes", async () => {
    await html(["dist/size.json"], "report.html");
    const opened = await openFile(browser, path.join(root, "report.html"));
    await opened.page.click('input[value="bytes"]');
    expect(await opened.page.getAttribute("body", "data-metric")).toBe("bytes");
    const functions = await opened.page.evaluate(read);
    expect(opened.errors).toEqual([]);
    for (const [name, drawn] of Object.entries(functions)) {
      const groups = expected(model, name);
      for (const g of drawn) expect(g.value).toBe(groups.find((e) => e.label === g.label)!.bytes);
      expectProportional(drawn);
    }
    // zod minifies well: its share of the unzipped map is larger than of the compressed one.
    const zod = expected(model, "handler").find((g) => g.label === "zod")!;
    const fn = model.functions[0]!;
    expect(zod.bytes / fn.unzippedBytes).toBeGreaterThan(zod.zipBytes / fn.zipBytes);
    await opened.page.click('input[value="zipBytes"]');
    const back = await opened.page.evaluate(read);
    expect(back.handler!.find((g) => g.label === "zod")!.value).toBe(zod.zipBytes);
  });

  it("against a base: what grew is outlined red with its change, what shrank green, what went is listed", async () => {
    const base = structuredClone(model);
    const fn = base.functions.find((f) => f.name === "handler")!;
    const zod = fn.packages.find((p) => p.name === "zod")!;
    zod.bytes -= 10_000;
    const s3 = fn.packages.find((p) => p.name === "@aws-sdk/client-s3")!;
    s3.bytes += 5_000;
    fn.packages.push({ name: "left-pad", version: "1.3.0", bytes: 1_234, zipBytes: 600 });
    fs.writeFileSync(path.join(root, "base.json"), JSON.stringify(base));
    const page = await html(["dist/size.json", "--base", "base.json"], "compare.html");
    const { functions, errors } = await rects(path.join(root, "compare.html"));
    expect(errors).toEqual([]);
    const drawn = functions.handler!;
    expect(drawn.find((g) => g.label === "zod")).toMatchObject({ classes: "group k-package lazy grew" });
    expect(drawn.find((g) => g.label === "zod")!.title).toContain(`${formatByteDelta(10_000)} against the base`);
    expect(drawn.find((g) => g.label === "@aws-sdk/client-s3")).toMatchObject({ classes: "group k-package lazy shrank" });
    expect(drawn.filter((g) => /grew|shrank/.test(g.classes)).map((g) => g.label).sort()).toEqual(["@aws-sdk/client-s3", "zod"]);
    expect(page).toContain(`Removed since the base: left-pad (${formatBytes(1_234)})`);
    expect(functions.thumbnail!.some((g) => /grew|shrank/.test(g.classes))).toBe(false);
  });

  it("shows the cold totals per event when the model has them", async () => {
    const withEvents = structuredClone(model);
    const init = withEvents.functions[0]!.init!;
    init.events = [
      { event: "health", runs: 3, initMs: 25.5, firstInvocationMs: 0.25, coldMs: 25.75, minColdMs: 25, maxColdMs: 27, rssBytes: 1, ok: true, lazyLoaded: [] },
      { event: "create-order", runs: 3, initMs: 26, firstInvocationMs: 40.5, coldMs: 66.5, minColdMs: 60, maxColdMs: 70, rssBytes: 1, ok: true, lazyLoaded: ["zod"], base: { initMs: 98, firstInvocationMs: 2, coldMs: 100, ratio: 0.665, differenceMs: -33.5, noiseMs: 3, slowerRounds: 0, worse: false } },
    ];
    fs.writeFileSync(path.join(root, "events.json"), JSON.stringify(withEvents));
    await html(["events.json"], "events.html");
    const opened = await openFile(browser, path.join(root, "events.html"));
    expect(opened.errors).toEqual([]);
    const rows = await opened.page.evaluate(() => [...document.querySelectorAll('section[data-function="handler"] table.cold tr')].map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toEqual([
      ["event", "init", "first invocation", "cold total", "cold total vs base"],
      ["health", "25.5 ms", "0.25 ms", "25.8 ms", "-"],
      ["create-order", "26.0 ms", "40.5 ms", "66.5 ms", "0.67x"],
    ]);
  });

  it("is the same bytes for the same models, and a hostile package name cannot end its script", async () => {
    const first = await html(["dist/size.json"], "a.html");
    const second = await html(["dist/size.json"], "b.html");
    expect(second).toBe(first);
    const hostile = structuredClone(model);
    const name = "</script><script>window.__slimfnPwned=1</script>";
    const out = hostile.functions[0]!.outputs![0]!;
    out.packages.push({ name, version: "1.0.0", bytes: 10, zipBytes: 5 });
    hostile.functions[0]!.packages.push({ name, version: "1.0.0", bytes: 10, zipBytes: 5 });
    fs.writeFileSync(path.join(root, "hostile.json"), JSON.stringify(hostile));
    await html(["hostile.json"], "hostile.html");
    const opened = await openFile(browser, path.join(root, "hostile.html"));
    expect(opened.errors).toEqual([]);
    expect(await opened.page.evaluate(() => (window as unknown as { __slimfnPwned?: number }).__slimfnPwned)).toBeUndefined();
    expect(await opened.page.locator(".group", { hasText: name }).count()).toBe(1);
  });
});
