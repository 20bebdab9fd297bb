/**
 * The summary's shipped line counts in the user's words: one shipped package is "1 package".
 * A real build with ms shipped unbundled (it has no dependencies), run from the extracted zip.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FunctionModel } from "../src/report/model.js";
import { formatBytes } from "../src/report/sizes.js";
import { formatSummary } from "../src/summary.js";
import { buildFixture } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { repoTempDir } from "./helpers/tmp.js";
import { extractZip } from "./helpers/zip.js";

describe("summary of a function that ships one package", () => {
  it('says "1 package in node_modules"', async () => {
    const root = repoTempDir("qa-summary-");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/handler.mjs"), 'import ms from "ms";\nexport const handler = async () => ms(60000);\n');
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.mjs"],
      slimfn: { runtime: "nodejs20.x", external: ["ms"], verify: false, report: { json: "dist/size.json" } },
    });
    const fn = built.model!.functions[0] as FunctionModel;
    expect(fn.shipped!.map((p) => p.path)).toEqual(["node_modules/ms"]);
    const text = formatSummary([{ model: fn, zipPath: path.join(root, "dist/handler.zip") }], root, { color: false }).split("\n");
    expect(text.filter((l) => l.startsWith("    shipped "))).toEqual([
      `    shipped   ms ${fn.shipped![0]!.version} · 1 package in node_modules, ${formatBytes(fn.shipped![0]!.zipBytes)} zipped`,
    ]);
    const dir = extractZip(path.join(root, "dist/handler.zip"));
    const { file, exportName } = handlerModule(dir, fn.handler);
    expect(invokeHandler(file, exportName, [{}])).toEqual([{ ok: "1m" }]);
  });
});

describe("summary of what was left out of shipped packages", () => {
  it('says "1 file", and a linked package\'s .env is refused as a secret, not counted as docs, tests, declarations, maps', async () => {
    const root = repoTempDir("qa-summary-linked-");
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    write("src/handler.mjs", 'import ms from "ms";\nimport { greet } from "@qa/linked";\nexport const handler = async () => greet(ms(1000));\n');
    write("linked/package.json", JSON.stringify({ name: "@qa/linked", version: "1.0.0", main: "index.js" }));
    write("linked/index.js", "exports.greet = (s) => `hi ${s}`;\n");
    write("linked/.env", "DB_PASSWORD=hunter2\n");
    fs.mkdirSync(path.join(root, "node_modules/@qa"), { recursive: true });
    fs.symlinkSync("../../linked", path.join(root, "node_modules/@qa/linked"));
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.mjs"],
      slimfn: { runtime: "nodejs20.x", external: ["ms", "@qa/linked"], verify: false, report: { json: "dist/size.json" } },
    });
    expect(built.failure?.errors).toBeUndefined();
    const fn = built.model!.functions[0] as FunctionModel;
    const ms = fn.shipped!.find((p) => p.name === "ms")!;
    const linked = fn.shipped!.find((p) => p.name === "@qa/linked")!;
    expect(ms.stripped.files).toBe(1); // readme.md
    expect(linked.stripped).toEqual({ files: 0, bytes: 0 });
    expect(linked.unpublished).toBeUndefined();
    expect(fn.refused).toEqual([{ path: "node_modules/@qa/linked/.env", pattern: ".env: environment file", bytes: 20 }]);
    const text = formatSummary([{ model: fn, zipPath: path.join(root, "dist/handler.zip") }], root, { color: false }).split("\n");
    expect(text.filter((l) => /^    (stripped|kept out|refused) /.test(l))).toEqual([
      `    stripped  ${formatBytes(ms.stripped.bytes)} in 1 file (docs, tests, declarations, maps): ms ${formatBytes(ms.stripped.bytes)}`,
      "    refused   1 file that looks like a secret (never shipped; allowSecrets ships one on purpose): node_modules/@qa/linked/.env (.env: environment file)",
    ]);
    const dir = extractZip(path.join(root, "dist/handler.zip"));
    const { file, exportName } = handlerModule(dir, fn.handler);
    expect(invokeHandler(file, exportName, [{}])).toEqual([{ ok: "hi 1s" }]);
  });
});
