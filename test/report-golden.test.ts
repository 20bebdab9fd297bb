/**
 * Golden files for the text and Markdown reports.
 *
 * The size models they render are checked in (test/golden/models/), each written by a real
 * esbuild + slimfn build of a fixture: a dependency upgrade changes real byte counts, and a
 * golden file must not break for that. The first test rebuilds the same fixtures for real and
 * checks that the checked-in models still have the same shape (functions, packages, files);
 * when they drift, regenerate them with UPDATE_GOLDEN=models (which also rewrites the goldens)
 * and review the diff. UPDATE_GOLDEN=1 rewrites only the golden text and Markdown files.
 *
 * The pair: `base` is the realistic fixture (`api` without its /files route, so without the S3
 * presigner, and `thumbnail` with sharp shipped unbundled; `@aws-sdk/*` lazy) plus the minimal function built as
 * `legacy` and `ping`; `head` is the full realistic fixture plus the minimal function as
 * `hello` and `ping`. That is changed, added, removed and unchanged functions, and bundled and
 * shipped packages, from real builds.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkBudgets, parseBudgetArg } from "../src/report/budgets.js";
import { compareModels } from "../src/report/compare.js";
import { formatJson } from "../src/report/format-json.js";
import { formatMarkdown, MARKDOWN_MARKER } from "../src/report/format-markdown.js";
import { formatText } from "../src/report/format-text.js";
import type { SizeModel } from "../src/report/model.js";
import { readModel, type LoadedModel } from "../src/report/read-model.js";
import { buildView } from "../src/report/view.js";
import { BUNDLERS, buildFixture } from "./helpers/build.js";
import { markdownProblems } from "./report-markdown-check.js";
import { fixture, REPO } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";

const UPDATE_MODELS = process.env.UPDATE_GOLDEN === "models";
const UPDATE = process.env.UPDATE_GOLDEN === "1" || UPDATE_MODELS;
const GOLDEN = path.join(REPO, "test/golden");
const MODELS = path.join(GOLDEN, "models");
const MODEL_FILES = ["base-api.json", "base-min.json", "head-api.json", "head-min.json"] as const;
type ModelFile = (typeof MODEL_FILES)[number];

/** Build the four models for real, into a fresh copy of each fixture; `roots` says where. */
async function buildModels(roots: Partial<Record<ModelFile, string>> = {}): Promise<Record<ModelFile, SizeModel>> {
  const build = async (name: "realistic" | "minimal", entryPoints: Record<string, string>, edit?: (root: string) => void) => {
    const root = copyFixture(fixture(name), repoTempDir(`golden-${name}-`));
    edit?.(root);
    // The realistic fixture's own options (fixtures/realistic/build.mjs).
    // The AWS SDK is lazy in both builds, so lazy packages appear in real reports.
    const ship = name === "realistic" ? { external: ["sharp"], include: ["assets/*.svg"], lazy: ["@aws-sdk/*"] } : {};
    const built = await buildFixture(BUNDLERS[0]!, { root, entries: entryPoints, slimfn: { ...ship, report: { json: "dist/size.json" } } });
    expect(built.failure?.errors).toBeUndefined();
    return { model: built.model!, root };
  };
  const withoutFilesRoute = (root: string) => {
    const file = path.join(root, "src/handler.ts");
    const src = fs.readFileSync(file, "utf8");
    const edited = src
      .replace(/^import \{ fileLink \} from "\.\/routes\/files\.js";\n/m, "")
      .replace(/^.*fileLink\(event\).*\n/m, "");
    // The fixture changed under this test: say so rather than build the wrong base.
    expect(edited).not.toContain("fileLink");
    fs.writeFileSync(file, edited);
  };
  const [baseApi, baseMin, headApi, headMin] = await Promise.all([
    build("realistic", { api: "src/handler.ts", thumbnail: "src/thumbnail.ts" }, withoutFilesRoute),
    build("minimal", { legacy: "src/handler.mjs", ping: "src/handler.mjs" }),
    build("realistic", { api: "src/handler.ts", thumbnail: "src/thumbnail.ts" }),
    build("minimal", { hello: "src/handler.mjs", ping: "src/handler.mjs" }),
  ]);
  const built = { "base-api.json": baseApi, "base-min.json": baseMin, "head-api.json": headApi, "head-min.json": headMin };
  for (const f of MODEL_FILES) roots[f] = built[f].root;
  return { "base-api.json": baseApi.model, "base-min.json": baseMin.model, "head-api.json": headApi.model, "head-min.json": headMin.model };
}

/** What must not drift between the checked-in model and a fresh build: everything but timings. */
function shape(model: SizeModel) {
  return model.functions.map((fn) => ({
    name: fn.name,
    handler: fn.handler,
    runtime: fn.runtime,
    // Chunk names carry content hashes, which any change to the bundled code moves.
    files: [...new Set(fn.files.map((f) => f.path.replace(/-[A-Z0-9]{8}(\.m?js)$/, "-[hash]$1")))],
    packages: fn.packages.map((p) => `${p.name}@${p.version}`),
    shipped: (fn.shipped ?? []).map((p) => `${p.name}@${p.version}`),
    measured: fn.init !== undefined,
  }));
}

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, "utf8"));
}

const load = (files: readonly string[]): Promise<LoadedModel[]> => Promise.all(files.map((f) => readModel(path.join("test/golden/models", f), REPO)));

describe("size report golden files", () => {
  let fresh: Record<ModelFile, SizeModel>;
  const roots: Partial<Record<ModelFile, string>> = {};
  beforeAll(async () => {
    fresh = await buildModels(roots);
    if (UPDATE_MODELS) {
      fs.mkdirSync(MODELS, { recursive: true });
      for (const f of MODEL_FILES) fs.writeFileSync(path.join(MODELS, f), `${JSON.stringify(fresh[f], null, 2)}\n`);
    }
  });

  it("renders from models that a real build of the fixtures still produces", async () => {
    for (const f of MODEL_FILES) {
      const checkedIn = JSON.parse(fs.readFileSync(path.join(MODELS, f), "utf8")) as SizeModel;
      expect({ file: f, shape: shape(fresh[f]) }).toEqual({ file: f, shape: shape(checkedIn) });
    }
    // The pair holds each kind of change the report distinguishes, for real.
    const comparison = compareModels(await load(["head-api.json", "head-min.json"]), await load(["base-api.json", "base-min.json"]));
    expect(comparison.functions.map((f) => [f.name, f.change])).toEqual([
      ["api", "changed"],
      ["hello", "added"],
      ["legacy", "removed"],
      ["ping", "unchanged"],
      ["thumbnail", "unchanged"],
    ]);
    // The thumbnail ships sharp unbundled, with its platform package.
    const thumbnail = comparison.functions[4]!;
    expect(thumbnail.packages.filter((p) => p.shipped).map((p) => p.name)).toContain("@img/sharp-linux-x64");
    const api = comparison.functions[0]!;
    expect(api.packages.find((p) => p.name === "@aws-sdk/s3-request-presigner")?.change).toBe("added");
  });

  it("text, Markdown and JSON, head against base, with budgets", async () => {
    const head = await load(["head-api.json", "head-min.json"]);
    const base = await load(["base-api.json", "base-min.json"]);
    const budgets = ["zip=250kB", "pkg:@aws-sdk/s3-request-presigner=0B", "init=1.5x"].map(parseBudgetArg);
    const comparison = compareModels(head, base);
    const view = buildView(comparison, checkBudgets(head.flatMap((m) => m.model.functions), budgets));
    golden("compare.txt", formatText(view));
    golden("compare.md", formatMarkdown(view));
    golden("compare.json", formatJson(view));
  });

  it("text and Markdown of one build without a base", async () => {
    const head = await load(["head-api.json"]);
    const view = buildView(compareModels(head, undefined), checkBudgets(head[0]!.model.functions, []));
    golden("single.txt", formatText(view));
    golden("single.md", formatMarkdown(view));
  });

  it("golden Markdown is well-formed for GitHub: table rows as wide as their header, details closed, blank lines", () => {
    for (const name of ["compare.md", "single.md"]) {
      expect({ name, problems: markdownProblems(fs.readFileSync(path.join(GOLDEN, name), "utf8")) }).toEqual({ name, problems: [] });
    }
    // The check itself catches a cell with an unescaped pipe and an unclosed <details>.
    expect(markdownProblems("\n| a | b |\n|--|--|\n| x | y | z |\n\n<details><summary>s</summary>\n\n")).toEqual([
      "line 4: 3 cells, the header has 2",
      "1 <details> but 0 </details>",
    ]);
  });

  it("renders a fresh real build: its row shows the real zip's sizes (Info-ZIP), every package with its installed version", async () => {
    const root = roots["head-api.json"]!;
    const dir = repoTempDir("golden-fresh-");
    const file = path.join(dir, "size.json");
    fs.writeFileSync(file, JSON.stringify(fresh["head-api.json"]));
    const loaded = await readModel(file);
    const md = formatMarkdown(buildView(compareModels([loaded], undefined), checkBudgets(loaded.model.functions, [])));
    expect(md.split("\n")[0]).toBe(MARKDOWN_MARKER);
    const fn = fresh["head-api.json"].functions[0]!;

    // The zip on disk, measured without slimfn: its size, and Info-ZIP's total of the entries.
    const zip = path.join(root, "dist/api.zip");
    const zipBytes = fs.statSync(zip).size;
    const totals = /^(\d+) files?, (\d+) bytes uncompressed, (\d+) bytes compressed/m.exec(execFileSync("unzip", ["-Zt", zip], { encoding: "utf8" }))!;
    const unzippedBytes = Number(totals[2]);
    const row = cells(md.split("\n").find((l) => l.startsWith("| ✅ | `api` |"))!);
    expect(row.slice(0, 2)).toEqual(["✅", "`api`"]);
    expectShows(row[2]!, zipBytes);
    expectShows(row[3]!, unzippedBytes);
    // The init cell: the verification's median and its ratio to a bare node start (raw figures).
    const init = /^(\d+(?:\.\d+)?) ms \((\d+\.\d)x node\)$/.exec(row[4]!)!;
    expect(init, row[4]).not.toBeNull();
    expect(Math.abs(Number(init[1]) - fn.init!.medianMs)).toBeLessThanOrEqual(roundingOf(init[1]!) * 1.01);
    expect(Math.abs(Number(init[2]) - fn.init!.medianMs / fn.init!.bareNodeMs)).toBeLessThanOrEqual(0.051);
    // Budget use: the zip against Lambda's 52,428,800 B limit for a direct upload.
    const use = /^(\d+(?:\.\d+)?)% of Lambda zipped limit \(50 MiB\)$/.exec(row[5]!)!;
    expect(use, row[5]).not.toBeNull();
    expect(Math.abs(Number(use[1]) - (100 * zipBytes) / 52_428_800)).toBeLessThanOrEqual(roundingOf(use[1]!) * 1.01);

    // Package rows: every package of the model, with the version installed here; the ones the
    // fixture's source imports from @aws-sdk are lazy (lazy: ["@aws-sdk/*"]).
    const start = md.indexOf("<summary>✅ <code>api</code>");
    expect(start).toBeGreaterThan(0);
    const section = md.slice(start, md.indexOf("</details>", start));
    const apiRows = section
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .map(cells);
    for (const r of apiRows) expect(r).toHaveLength(4);
    const shown = apiRows.map((r) => /^`([^`]+)`(?: \*\((.+)\)\*)?$/.exec(r[0]!)!);
    expect(shown.map((m) => m[1]).sort()).toEqual(fn.packages.map((p) => p.name).sort());
    apiRows.forEach((r, i) => {
      const name = shown[i]![1]!;
      expect(installedVersions(name), name).toContain(r[1]);
      const pkg = fn.packages.find((p) => p.name === name)!;
      expectShows(r[2]!, pkg.bytes);
      expectShows(r[3]!, pkg.zipBytes);
    });
    const imported = new Set(
      sourceFiles(path.join(root, "src")).flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/from "(@aws-sdk\/[^/"]+)/g)].map((m) => m[1]!)),
    );
    expect(shown.filter((m) => m[2] === "lazy").map((m) => m[1]).sort()).toEqual([...imported].sort());
    expect(imported).toContain("@aws-sdk/client-dynamodb");
  });
});

/** The cells of a Markdown table row. */
const cells = (line: string) => line.replace(/^\| | \|$/g, "").split(" | ");

/** Half a unit of the last digit a figure is shown with (`1.44` -> 0.005, `325` -> 0.5). */
function roundingOf(figure: string): number {
  const decimals = figure.includes(".") ? figure.length - figure.indexOf(".") - 1 : 0;
  return 0.5 * 10 ** -decimals;
}

/** A size cell (`325 kB`, `1.44 MB`, `899 B`; kB = 1000 B) shows `bytes` to three figures. */
function expectShows(text: string, bytes: number): void {
  const m = /^(\d+(?:\.\d+)?) (B|kB|MB)$/.exec(text);
  expect(m, text).not.toBeNull();
  const unit = { B: 1, kB: 1e3, MB: 1e6 }[m![2] as "B" | "kB" | "MB"];
  expect(Math.abs(Number(m![1]) * unit - bytes), `${text} for ${bytes} B`).toBeLessThanOrEqual(roundingOf(m![1]!) * unit);
  // Three significant figures, in the largest unit that keeps the number below 1000.
  if (bytes >= 1000) expect(m![1]!.replace(".", "").replace(/^0+/, "").length, text).toBe(3);
  expect(Number(m![1]), text).toBeLessThan(1000);
}

/** Versions of `name` installed anywhere under the repository's node_modules. */
function installedVersions(name: string): string[] {
  const out: string[] = [];
  const visit = (modules: string, depth: number) => {
    const manifest = path.join(modules, name, "package.json");
    if (fs.existsSync(manifest)) out.push((JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version);
    if (depth > 4) return;
    for (const entry of fs.readdirSync(modules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const pkgs = entry.name.startsWith("@") ? fs.readdirSync(path.join(modules, entry.name)).map((n) => path.join(modules, entry.name, n)) : [path.join(modules, entry.name)];
      for (const pkg of pkgs) if (fs.existsSync(path.join(pkg, "node_modules"))) visit(path.join(pkg, "node_modules"), depth + 1);
    }
  };
  visit(path.join(REPO, "node_modules"), 0);
  return out;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sourceFiles(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}
