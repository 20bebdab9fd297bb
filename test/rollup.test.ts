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

describe("rollup: the preset", () => {
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

  it("fails LAZY_NEEDS_SPLITTING, writing no zip, when the output cannot keep a lazy import lazy", async () => {
    const root = copyFixture(fixture("realistic"), repoTempDir("inline-"));
    const built = await buildFixture("rollup", {
      root,
      entries: ["src/handler.ts"],
      slimfn: { lazy: ["zod"], verify: false },
      rollup: { output: { inlineDynamicImports: true } },
    });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "LAZY_NEEDS_SPLITTING", plugin: "slimfn",
        location: { file: "src/routes/orders.ts", line: 3, column: 0 },
        message: '"zod" was chosen to load on first use, but inlineDynamicImports puts every import() target in its importer\'s file, where it is evaluated at init. Build ES output with code splitting (format "es", an output dir, no inlineDynamicImports), or drop it from lazy / mark the import /* @eager */.',
      },
    ]);
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });
});

describe("rollup beside esbuild: the realistic fixture", () => {
  let esbuildModel: SizeModel;
  let rollupModel: SizeModel;
  let root: string;
  beforeAll(async () => {
    root = copyFixture(fixture("realistic"), repoTempDir("beside-"));
    const opts = (dir: string) => ({ lazy: LAZY, verify: false, zip: `${dir}/[name].zip`, report: { json: `${dir}/size.json` } });
    await buildFixture("esbuild", { root, entries: ["src/handler.ts"], outdir: "e", slimfn: opts("e") });
    const r = await buildFixture("rollup", { root, entries: ["src/handler.ts"], outdir: "r", slimfn: opts("r") });
    expect(r.failure?.errors).toBeUndefined();
    esbuildModel = modelOf(path.join(root, "e/size.json"));
    rollupModel = modelOf(path.join(root, "r/size.json"));
  });

  it("makes the same lazy decisions and answers every event as the source does", () => {
    const decisions = (m: SizeModel) => m.functions[0]!.lazy!.map((d) => [d.importer, d.line, d.module, d.mode, d.deferred]);
    expect(decisions(rollupModel)).toEqual(decisions(esbuildModel));
    expect(answersOf(path.join(root, "r/handler.zip"), rollupModel.functions[0]!.handler)).toEqual(fromSource);
  });

  it("models per-package sizes like esbuild's: each package's share within 5 points, the same two largest", () => {
    const shares = (m: SizeModel) => {
      const fn = m.functions[0]!;
      const total = fn.packages.reduce((s, p) => s + p.bytes, fn.ownCode.bytes);
      return new Map(fn.packages.map((p) => [p.name, (100 * p.bytes) / total]));
    };
    const e = shares(esbuildModel);
    const r = shares(rollupModel);
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([n]) => n);
    expect(top(r)).toEqual(top(e));
    // The one real difference of the bundles: rollup tree-shakes @aws-sdk/client-s3's command
    // index to a third of esbuild's output (46 kB vs 144 kB), not a difference of measurement.
    const differ = [...e].filter(([name, share]) => share >= 1 && name !== "@aws-sdk/client-s3" && Math.abs((r.get(name) ?? 0) - share) > 5);
    expect(differ).toEqual([]);
    // renderedLength (pre-minify UTF-16) scaled to the real bytes: the modules add up to the
    // files (but for chunks with no module of their own, such as a facade of re-exports).
    const fn = rollupModel.functions[0]!;
    const code = fn.files.filter((f) => f.path.endsWith(".mjs")).reduce((s, f) => s + f.bytes, 0);
    const modules = fn.packages.reduce((s, p) => s + p.bytes, fn.ownCode.bytes);
    expect(modules).toBeLessThanOrEqual(code);
    expect(modules / code).toBeGreaterThan(0.998);
  });

  it("gives the same zip bytes from a copy in another folder, built in another process under another TZ", () => {
    const copy = copyFixture(fixture("realistic"), repoTempDir("tz-"));
    const script = `process.chdir(${JSON.stringify(copy)});
const { rollup } = await import("rollup");
const { default: slimfn } = await import(${JSON.stringify(path.join(REPO, "dist/plugins/rollup.js"))});
const b = await rollup({ input: "src/handler.ts", logLevel: "silent", plugins: [slimfn({ lazy: ${JSON.stringify(LAZY)}, verify: false, zip: "r/[name].zip", report: { json: "r/size.json" } })] });
await b.write({ dir: "r" });`;
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO, env: { PATH: process.env.PATH ?? "", TZ: "Pacific/Chatham" }, stdio: "pipe" });
    expect(fs.readFileSync(path.join(copy, "r/handler.zip")).equals(fs.readFileSync(path.join(root, "r/handler.zip")))).toBe(true);
    expect(modelOf(path.join(copy, "r/size.json")).functions[0]!.sha256).toBe(rollupModel.functions[0]!.sha256);
  });
});

/** A config block of the README, between its markers. */
function readmeConfig(name: string): string {
  const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const block = readme.slice(readme.indexOf(`<!-- ${name}-config:start -->`), readme.indexOf(`<!-- ${name}-config:end -->`));
  return /```js\n([\s\S]*?)```/.exec(block)![1]!;
}

describe("the README's rollup, Vite and Rolldown configs, built by each tool's own CLI", () => {
  // Vite 7 builds with rollup, Vite 8 (the project's vite) with Rolldown: the same config file.
  const tools = [
    { name: "rollup", config: "rollup.config.mjs", args: ["node_modules/rollup/dist/bin/rollup", "-c", "rollup.config.mjs"] },
    { name: "rolldown", config: "rolldown.config.mjs", args: ["node_modules/rolldown/bin/cli.mjs", "-c", "rolldown.config.mjs"] },
    { name: "vite", config: "vite.config.mjs", args: ["node_modules/vite/bin/vite.js", "build", "--logLevel", "warn"] },
    { name: "vite7", config: "vite.config.mjs", args: ["node_modules/vite7/bin/vite.js", "build", "--logLevel", "warn"] },
  ];
  it.each(tools)("$name: the zip answers every event as the source does", ({ name, config, args }) => {
    const root = copyFixture(fixture("realistic"), repoTempDir(`readme-${name}-`));
    // As written, but verification off: the suite verifies zips elsewhere, and it costs five starts.
    const text = readmeConfig(name.startsWith("vite") ? "vite" : name);
    fs.writeFileSync(path.join(root, config), text.replace('zip: "dist/[name].zip"', 'zip: "dist/[name].zip", verify: false'));
    execFileSync(process.execPath, [path.join(REPO, args[0]!), ...args.slice(1)], { cwd: root, env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" }, stdio: "pipe" });
    expect(answersOf(path.join(root, "dist/handler.zip"), "handler.handler")).toEqual(fromSource);
  });
});
