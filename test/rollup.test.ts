/**
 * What only rollup, Rolldown and Vite have (the shared integration tests run under rollup via
 * BUNDLERS): the preset's composition, output shapes that cannot keep laziness, the size model
 * next to esbuild's, the same bytes under another TZ, and the README's configs built by the rollup,
 * Rolldown, Vite 8 (Rolldown) and Vite 7 (rollup) CLIs, answering from the extracted zip.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import json from "@rollup/plugin-json";
import { rollup } from "rollup";
import { beforeAll, describe, expect, it } from "vitest";
import slimfn from "../plugins/rollup.js";
import type { SizeModel } from "../src/report/model.js";
import { buildFixture } from "./helpers/build.js";
import { transpileSource } from "./helpers/from-source.js";
import { fixtureEvents, handlerModule, invokeHandler } from "./helpers/invoke.js";
import { seen } from "./helpers/messages.js";
import { fixture, REPO } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { extractZip } from "./helpers/zip.js";

const LAZY = ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"];
const modelOf = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as SizeModel;

/** The realistic fixture's answers from a zip, and from its own source. */
let fromSource: unknown[];
const answersOf = (zip: string, handler: string) => {
  const { file, exportName } = handlerModule(extractZip(zip), handler);
  return invokeHandler(file, exportName, fixtureEvents(fixture("realistic")).events);
};

beforeAll(async () => {
  fromSource = invokeHandler(path.join(await transpileSource(fixture("realistic")), "handler.mjs"), "handler", fixtureEvents(fixture("realistic")).events);
});

describe("rollup and Rolldown: the preset, and outputs that cannot keep a lazy import lazy", () => {
  it("steps aside for a plugin the config lists itself: the user's json plugin (no named exports) is the only one", async () => {
    const root = repoTempDir("preset-");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/data.json"), '{ "name": "data" }\n');
    fs.writeFileSync(path.join(root, "src/handler.mjs"), 'import { name } from "./data.json";\nexport const handler = async () => name;\n');
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const build = (plugins: Parameters<typeof rollup>[0]["plugins"]) => rollup({ input: "src/handler.mjs", logLevel: "silent", plugins });
      // The preset's json gives named exports; the user's alone does not, so the import fails.
      await (await build([slimfn({ zip: false, verify: false })])).close();
      await expect(build([slimfn({ zip: false, verify: false }), json({ namedExports: false })])).rejects.toThrow('"name" is not exported by "src/data.json"');
    } finally {
      process.chdir(cwd);
    }
  });

  it.each(["rollup", "rolldown"] as const)("%s: fails LAZY_NEEDS_SPLITTING, writing no zip, when the output cannot keep a lazy import lazy", async (bundler) => {
    // A small project: the check runs when rendering starts, after bundling.
    const root = repoTempDir("inline-");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/handler.ts"), 'import { z } from "zod";\nexport const handler = async () => z.string().parse("a");\n');
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts"],
      slimfn: { lazy: ["zod"], verify: false },
      rollup: { output: { inlineDynamicImports: true } },
    });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "LAZY_NEEDS_SPLITTING", plugin: "slimfn",
        location: { file: "src/handler.ts", line: 1, column: 0 },
        message: '"zod" was chosen to load on first use, but inlineDynamicImports puts every import() target in its importer\'s file, where it is evaluated at init. Build ES output with code splitting (format "es", an output dir, no inlineDynamicImports), or drop it from lazy / mark the import /* @eager */.',
      },
    ]);
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });
});

/** esbuild's build of the realistic fixture, made once: rollup's and Rolldown's are compared with it. */
let esbuildBuild: Promise<{ root: string; model: SizeModel }> | undefined;
const opts = (dir: string) => ({ lazy: LAZY, verify: false, zip: `${dir}/[name].zip`, report: { json: `${dir}/size.json` } });
const esbuildRealistic = () =>
  (esbuildBuild ??= (async () => {
    const root = copyFixture(fixture("realistic"), repoTempDir("beside-esbuild-"));
    await buildFixture("esbuild", { root, entries: ["src/handler.ts"], outdir: "e", slimfn: opts("e") });
    return { root, model: modelOf(path.join(root, "e/size.json")) };
  })());

describe.each(["rollup", "rolldown"] as const)("%s beside esbuild: the realistic fixture", (bundler) => {
  let esbuildModel: SizeModel;
  let model: SizeModel;
  let root: string;
  beforeAll(async () => {
    root = copyFixture(fixture("realistic"), repoTempDir(`beside-${bundler}-`));
    const r = await buildFixture(bundler, { root, entries: ["src/handler.ts"], outdir: "r", slimfn: opts("r") });
    expect(r.failure?.errors).toBeUndefined();
    esbuildModel = (await esbuildRealistic()).model;
    model = modelOf(path.join(root, "r/size.json"));
  });

  it("makes the same lazy decisions and answers every event as the source does", () => {
    const decisions = (m: SizeModel) => m.functions[0]!.lazy!.map((d) => [d.importer, d.line, d.module, d.mode, d.deferred]);
    expect(decisions(model)).toEqual(decisions(esbuildModel));
    expect(answersOf(path.join(root, "r/handler.zip"), model.functions[0]!.handler)).toEqual(fromSource);
  });

  it("models per-package sizes like esbuild's: each package's share within 5 points, the same two largest", () => {
    const shares = (m: SizeModel) => {
      const fn = m.functions[0]!;
      const total = fn.packages.reduce((s, p) => s + p.bytes, fn.ownCode.bytes);
      return new Map(fn.packages.map((p) => [p.name, (100 * p.bytes) / total]));
    };
    const e = shares(esbuildModel);
    const r = shares(model);
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([n]) => n);
    expect(top(r)).toEqual(top(e));
    // The one real difference of the bundles: rollup and Rolldown tree-shake @aws-sdk/client-s3's
    // command index to a third of esbuild's output (46 kB vs 144 kB), not a difference of measurement.
    const differ = [...e].filter(([name, share]) => share >= 1 && name !== "@aws-sdk/client-s3" && Math.abs((r.get(name) ?? 0) - share) > 5);
    expect(differ).toEqual([]);
    // renderedLength (pre-minify UTF-16; Rolldown's counts region comments) scaled to the real
    // bytes: the modules add up to the files (but for chunks with no module of their own, such
    // as a facade of re-exports).
    const fn = model.functions[0]!;
    const code = fn.files.filter((f) => f.path.endsWith(".mjs")).reduce((s, f) => s + f.bytes, 0);
    const modules = fn.packages.reduce((s, p) => s + p.bytes, fn.ownCode.bytes);
    expect(modules).toBeLessThanOrEqual(code);
    expect(modules / code).toBeGreaterThan(0.998);
  });

  it("the README's config, built by the tool's CLI from a copy in another folder under another TZ, gives the same zip bytes and answers", () => {
    const copy = readmeBuild(bundler, { TZ: "Pacific/Chatham" });
    expect(answersOf(path.join(copy, "dist/handler.zip"), "handler.handler")).toEqual(fromSource);
    expect(fs.readFileSync(path.join(copy, "dist/handler.zip")).equals(fs.readFileSync(path.join(root, "r/handler.zip")))).toBe(true);
  });
});

/** A config block of the README, between its markers. */
function readmeConfig(name: string): string {
  const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const block = readme.slice(readme.indexOf(`<!-- ${name}-config:start -->`), readme.indexOf(`<!-- ${name}-config:end -->`));
  return /```js\n([\s\S]*?)```/.exec(block)![1]!;
}

// Vite 7 builds with rollup, Vite 8 (the project's vite) with Rolldown: the same config file.
const TOOLS = {
  rollup: { readme: "rollup", config: "rollup.config.mjs", args: ["node_modules/rollup/dist/bin/rollup", "-c", "rollup.config.mjs"] },
  rolldown: { readme: "rolldown", config: "rolldown.config.mjs", args: ["node_modules/rolldown/bin/cli.mjs", "-c", "rolldown.config.mjs"] },
  vite: { readme: "vite", config: "vite.config.mjs", args: ["node_modules/vite/bin/vite.js", "build", "--logLevel", "warn"] },
  vite7: { readme: "vite", config: "vite.config.mjs", args: ["node_modules/vite7/bin/vite.js", "build", "--logLevel", "warn"] },
};

/** The README's config for `tool`, written into a copy of the realistic fixture and built by the tool's CLI. */
function readmeBuild(tool: keyof typeof TOOLS, env: Record<string, string> = {}): string {
  const { readme, config, args } = TOOLS[tool];
  const root = copyFixture(fixture("realistic"), repoTempDir(`readme-${tool}-`));
  // As written, but verification off: the suite verifies zips elsewhere, and it costs five starts.
  fs.writeFileSync(path.join(root, config), readmeConfig(readme).replace('zip: "dist/[name].zip"', 'zip: "dist/[name].zip", verify: false'));
  execFileSync(process.execPath, [path.join(REPO, args[0]!), ...args.slice(1)], { cwd: root, env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env }, stdio: "pipe" });
  return root;
}

// The rollup and Rolldown configs are built by their CLIs above, beside the API builds.
describe("the README's Vite config, built by Vite 8 (Rolldown) and Vite 7 (rollup)", () => {
  it.each(["vite", "vite7"] as const)("%s: the zip answers every event as the source does", (tool) => {
    expect(answersOf(path.join(readmeBuild(tool), "dist/handler.zip"), "handler.handler")).toEqual(fromSource);
  });
});
