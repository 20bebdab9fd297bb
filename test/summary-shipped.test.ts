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
      entryPoints: ["src/handler.mjs"],
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
