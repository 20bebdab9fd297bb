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
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkBudgets, parseBudgetArg } from "../src/report/budgets.js";
import { compareModels, functionPackages } from "../src/report/compare.js";
import { formatJson } from "../src/report/format-json.js";
import { formatMarkdown, MARKDOWN_MARKER } from "../src/report/format-markdown.js";
import { formatText } from "../src/report/format-text.js";
import type { SizeModel } from "../src/report/model.js";
import { readModel, type LoadedModel } from "../src/report/read-model.js";
import { formatBytes } from "../src/report/sizes.js";
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

/** Build the four models for real, into a fresh copy of each fixture. */
async function buildModels(): Promise<Record<ModelFile, SizeModel>> {
  const build = async (name: "realistic" | "minimal", entryPoints: Record<string, string>, edit?: (root: string) => void) => {
    const root = copyFixture(fixture(name), repoTempDir(`golden-${name}-`));
    edit?.(root);
    // The realistic fixture's own options (fixtures/realistic/build.mjs).
    // The AWS SDK is lazy in both builds, so lazy packages appear in real reports.
    const ship = name === "realistic" ? { external: ["sharp"], include: ["assets/*.svg"], lazy: ["@aws-sdk/*"] } : {};
    const built = await buildFixture(BUNDLERS[0]!, { root, entries: entryPoints, slimfn: { ...ship, report: { json: "dist/size.json" } } });
    expect(built.failure?.errors).toBeUndefined();
    return built.model!;
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
  return { "base-api.json": baseApi!, "base-min.json": baseMin!, "head-api.json": headApi!, "head-min.json": headMin! };
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
  beforeAll(async () => {
    fresh = await buildModels();
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

  it("renders a fresh real build: every function with its real sizes, the marker first", async () => {
    const dir = repoTempDir("golden-fresh-");
    const file = path.join(dir, "size.json");
    fs.writeFileSync(file, JSON.stringify(fresh["head-api.json"]));
    const loaded = await readModel(file);
    const view = buildView(compareModels([loaded], undefined), checkBudgets(loaded.model.functions, []));
    const md = formatMarkdown(view);
    const fn = fresh["head-api.json"].functions[0]!;
    expect(md.split("\n")[0]).toBe(MARKDOWN_MARKER);
    const row = md.split("\n").find((l) => l.startsWith("| ✅ | `api` |"));
    expect(row).toBe(`| ✅ | \`api\` | ${formatBytes(fn.zipBytes)} | ${formatBytes(fn.unzippedBytes)} | ${view.functions[0]!.init} | ${view.functions[0]!.budgetUse} |`);
    // Every package of the real build has its row, with its real version.
    const packages = functionPackages(fn);
    for (const p of packages) {
      const tags = [p.lazy ? "lazy" : "", p.shipped ? "shipped" : ""].filter(Boolean).join(", ");
      expect(md).toContain(`| \`${p.name}\`${tags ? ` *(${tags})*` : ""} | ${p.version} | ${formatBytes(p.bytes)} | ${formatBytes(p.zipBytes)} |`);
    }
    // The SDK is lazy in this build (lazy: ["@aws-sdk/*"]): its clients are marked.
    expect(packages.filter((p) => p.lazy).map((p) => p.name)).toContain("@aws-sdk/client-dynamodb");
  });
});
