/**
 * The compare logic on models derived from a checked-in real build (test/golden/models): each
 * test changes the one thing it is about (a version, a package, a function) and asserts whole
 * rows. The golden test covers the same kinds of change between two real builds.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkBudgets, parseBudgetArg, unknownFunctionBudgets } from "../src/report/budgets.js";
import { compareModels, type PackageRow } from "../src/report/compare.js";
import type { FunctionModel, SizeModel } from "../src/report/model.js";
import type { LoadedModel } from "../src/report/read-model.js";
import { formatMarkdown } from "../src/report/format-markdown.js";
import { formatText } from "../src/report/format-text.js";
import { formatBytes } from "../src/report/sizes.js";
import { buildView } from "../src/report/view.js";
import { LAMBDA_LIMITS } from "../src/runtime.js";
import { REPO } from "./helpers/paths.js";

const real = (file: string): SizeModel => JSON.parse(fs.readFileSync(path.join(REPO, "test/golden/models", file), "utf8")) as SizeModel;
const loaded = (file: string, model: SizeModel): LoadedModel => ({ file, model });
const api = (): FunctionModel => structuredClone(real("head-api.json").functions[0]!);
const withFunctions = (...functions: FunctionModel[]): SizeModel => ({ ...real("head-api.json"), functions });
const summary = (rows: PackageRow[]) =>
  rows.filter((r) => r.change !== "unchanged").map((r) => ({ name: r.name, change: r.change, from: r.base?.version, to: r.head?.version, shipped: r.shipped }));

describe("compareModels", () => {
  it("matches functions by name across several files: added, removed, changed, unchanged", () => {
    const head = [loaded("head-api.json", real("head-api.json")), loaded("head-min.json", real("head-min.json"))];
    const base = [loaded("base-api.json", real("base-api.json")), loaded("base-min.json", real("base-min.json"))];
    const c = compareModels(head, base);
    expect(c.functions.map((f) => ({ name: f.name, change: f.change, file: f.file, head: Boolean(f.head), base: Boolean(f.base) }))).toEqual([
      { name: "api", change: "changed", file: "head-api.json", head: true, base: true },
      { name: "hello", change: "added", file: "head-min.json", head: true, base: false },
      { name: "legacy", change: "removed", file: "base-min.json", head: false, base: true },
      { name: "ping", change: "unchanged", file: "head-min.json", head: true, base: true },
      { name: "thumbnail", change: "unchanged", file: "head-api.json", head: true, base: true },
    ]);
    expect(c.hasBase).toBe(true);
  });

  it("without a base, marks nothing as changed", () => {
    const c = compareModels([loaded("head-api.json", real("head-api.json"))], undefined);
    expect(c.hasBase).toBe(false);
    expect(c.functions.map((f) => f.change)).toEqual([null, null]);
    expect(c.functions[0]!.packages.every((p) => p.change === null)).toBe(true);
  });

  it("a version bump is one changed row, a dropped package a removed row, a new one an added row", () => {
    const base = api();
    const head = api();
    const zod = head.packages.find((p) => p.name === "zod")!;
    zod.version = "4.7.0";
    head.packages = head.packages.filter((p) => p.name !== "mnemonist");
    head.packages.push({ name: "pdf-lib", version: "1.17.1", bytes: 520_000, zipBytes: 160_000 });
    head.packages.sort((a, b) => (a.name < b.name ? -1 : 1));
    const c = compareModels([loaded("h", withFunctions(head))], [loaded("b", withFunctions(base))]);
    expect(summary(c.functions[0]!.packages)).toEqual([
      { name: "mnemonist", change: "removed", from: "0.38.3", to: undefined, shipped: false },
      { name: "pdf-lib", change: "added", from: undefined, to: "1.17.1", shipped: false },
      { name: "zod", change: "changed", from: "4.6.7", to: "4.7.0", shipped: false },
    ]);
    // Same sizes, different packages: still a changed function.
    expect(c.functions[0]!.change).toBe("changed");
  });

  it("pairs nested copies of one package by version; the rest are added or removed", () => {
    const base = api();
    const head = api();
    base.packages.push({ name: "ms", version: "2.0.0", bytes: 3000, zipBytes: 900 }, { name: "ms", version: "2.1.3", bytes: 3100, zipBytes: 950 });
    head.packages.push({ name: "ms", version: "2.1.3", bytes: 3100, zipBytes: 950 }, { name: "ms", version: "3.0.0", bytes: 2900, zipBytes: 880 });
    const rows = compareModels([loaded("h", withFunctions(head))], [loaded("b", withFunctions(base))]).functions[0]!.packages.filter((p) => p.name === "ms");
    expect(rows.map((r) => [r.change, r.base?.version, r.head?.version])).toEqual([
      ["unchanged", "2.1.3", "2.1.3"],
      ["added", undefined, "3.0.0"],
      ["removed", "2.0.0", undefined],
    ]);
  });

  it("shipped packages are rows of their own, marked shipped; moving one out of the bundle shows both sides", () => {
    const base = api();
    const head = api();
    const zod = head.packages.find((p) => p.name === "zod")!;
    head.packages = head.packages.filter((p) => p !== zod);
    head.shipped = [
      { name: "zod", version: zod.version, path: "node_modules/zod", direct: true, reason: "external", neededBy: ["function"], files: 120, bytes: 2_400_000, zipBytes: 510_000, native: [], removed: { files: 0, bytes: 0 } },
    ];
    const rows = compareModels([loaded("h", withFunctions(head))], [loaded("b", withFunctions(base))]).functions[0]!.packages;
    expect(summary(rows)).toEqual([
      { name: "zod", change: "removed", from: "4.6.7", to: undefined, shipped: false },
      { name: "zod", change: "added", from: undefined, to: "4.6.7", shipped: true },
    ]);
    // A package budget counts shipped bytes too: moving a package out of the bundle does not dodge it.
    const [check] = checkBudgets([head], [parseBudgetArg("pkg:zod=1MB")]);
    expect(check).toMatchObject({ function: "api", status: "exceeded", actual: 2_400_000, limit: 1_000_000 });
  });

  it("marks packages imported lazily (a lazy decision not left eager) and shows them in both formats", () => {
    const base = api();
    delete base.lazy;
    const head = api();
    const decision = { importer: "src/routes/orders.ts", line: 1, column: 0, why: "allowlist", entry: "zod", deferred: [] };
    Object.assign(head, {
      // Replaces the real build's decisions (@aws-sdk/* lazy) with three of its own.
      lazy: [
        { ...decision, module: "zod", mode: "sync" },
        { ...decision, module: "@aws-sdk/client-s3/dist-cjs", mode: "async", entry: "@aws-sdk/*" },
        { ...decision, module: "@aws-sdk/lib-dynamodb", mode: "eager", entry: "@aws-sdk/*" },
      ],
    });
    const c = compareModels([loaded("h", withFunctions(head))], [loaded("b", withFunctions(base))]);
    const rows = c.functions[0]!.packages;
    expect(rows.filter((r) => r.lazy).map((r) => [r.name, r.change])).toEqual([
      ["@aws-sdk/client-s3", "changed"],
      ["zod", "changed"],
    ]);
    const view = buildView(c, checkBudgets([head], []));
    expect(formatText(view)).toMatch(/^ {2}~ zod \(lazy\) +4\.6\.7 /m);
    const zod = head.packages.find((p) => p.name === "zod")!;
    expect(formatMarkdown(view)).toContain(`| \`zod\` *(lazy)* | 4.6.7 | ${formatBytes(zod.bytes)} | ${formatBytes(zod.zipBytes)} | 0 B |`);
  });

  it("refuses one function in two head files, naming both", () => {
    const min = real("head-min.json");
    expect(() => compareModels([loaded("a.json", min), loaded("b.json", min)], undefined)).toThrow(
      'Function "hello" appears in two head size models, a.json and b.json: each function must come from one build. Pass each build\'s size model once.',
    );
  });
});

describe("checkBudgets", () => {
  it("checks every function against each budget and Lambda's two limits, in order", () => {
    const fn = api();
    const checks = checkBudgets([fn], ["zip=1MB", "unzipped=1MB"].map(parseBudgetArg));
    expect(checks.map((c) => [c.budget.label, c.status, c.actual, c.limit])).toEqual([
      ["zip=1MB", "ok", fn.zipBytes, 1_000_000],
      ["unzipped=1MB", "exceeded", fn.unzippedBytes, 1_000_000],
      ["Lambda zipped limit (50 MiB)", "ok", fn.zipBytes, LAMBDA_LIMITS.zipped],
      ["Lambda unzipped limit (250 MiB)", "ok", fn.unzippedBytes, LAMBDA_LIMITS.unzipped],
    ]);
  });

  it("a function's own budget replaces the general one of the same key, for that function only", () => {
    const [apiFn, thumbnail] = real("head-api.json").functions;
    const checks = checkBudgets([apiFn!, thumbnail!], ["zip=1MB", "thumbnail/zip=10MB", "unzipped=30MB"].map(parseBudgetArg));
    expect(checks.filter((c) => !c.budget.lambda).map((c) => [c.function, c.budget.label, c.status])).toEqual([
      ["api", "zip=1MB", "ok"],
      ["api", "unzipped=30MB", "ok"],
      ["thumbnail", "thumbnail/zip=10MB", "ok"],
      ["thumbnail", "unzipped=30MB", "ok"],
    ]);
    expect(unknownFunctionBudgets([apiFn!, thumbnail!], [parseBudgetArg("thumbnial/zip=10MB")])).toEqual([
      {
        code: "BUDGET_INVALID",
        severity: "error",
        message: 'Budget thumbnial/zip=10MB names function "thumbnial", which is not in the build. Functions: api, thumbnail.',
      },
    ]);
  });

  it("an init budget without a measured init time is not measured, never a zero", () => {
    const fn = api();
    delete fn.init;
    const [abs, ratio] = checkBudgets([fn], ["init=150ms", "init=1.5x"].map(parseBudgetArg));
    expect(abs).toMatchObject({ status: "not-measured", actual: null, limit: 150, use: null });
    expect(ratio).toMatchObject({ status: "not-measured", actual: null, limit: null, use: null });
  });

  it("a relative init budget is a multiple of the bare node start measured in the same run", () => {
    const fn = api();
    fn.init = { ...fn.init!, medianMs: 60, bareNodeMs: 40 };
    const [ok, over] = checkBudgets([fn], ["init=1.5x", "init=1.4x"].map(parseBudgetArg));
    expect([ok!.status, ok!.limit, over!.status, over!.limit]).toEqual(["ok", 60, "exceeded", 56]);
  });

  it("a package pattern sums its scope; an absent package is within a 0 B budget", () => {
    const fn = api();
    const sdk = fn.packages.filter((p) => p.name.startsWith("@aws-sdk/")).reduce((s, p) => s + p.bytes, 0);
    const [scope, absent] = checkBudgets([fn], ["pkg:@aws-sdk/*=1kB", "pkg:aws-sdk=0B"].map(parseBudgetArg));
    expect(scope).toMatchObject({ status: "exceeded", actual: sdk });
    expect(absent).toMatchObject({ status: "ok", actual: 0, limit: 0, use: 0 });
  });
});
