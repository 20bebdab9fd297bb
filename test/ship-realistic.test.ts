/**
 * The realistic fixture's second function: sharp shipped unbundled and an included asset. Built
 * the way its build.mjs does (both functions in one build), answered from the extracted zip
 * exactly as from the source.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SizeModel } from "../src/report/model.js";
import { BUNDLERS, buildFixture } from "./helpers/build.js";
import { transpileSource } from "./helpers/from-source.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";
import { SHARP_LINUX_X64 } from "./helpers/host.js";

const events = () => {
  const dir = path.join(fixture("realistic"), "thumbnail-events");
  return fs.readdirSync(dir).sort().map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as unknown);
};

describe.each(BUNDLERS)("%s: realistic fixture with sharp and an included asset", (bundler) => {
  let root: string;
  let model: SizeModel;
  beforeAll(async () => {
    root = copyFixture(fixture("realistic"), repoTempDir("realistic-ship-"));
    const built = await buildFixture(bundler, {
      root,
      entries: ["src/handler.ts", "src/thumbnail.ts"],
      slimfn: { runtime: "nodejs20.x", zip: "dist/[name].zip", external: ["sharp"], include: ["assets/*.svg"], report: { json: "dist/size.json" } },
    });
    expect(built.failure?.errors).toBeUndefined();
    expect(built.result!.warnings).toEqual([]);
    model = built.model!;
  });

  it.skipIf(!SHARP_LINUX_X64)("ships sharp only with the function that imports it; both get the asset", () => {
    const [handler, thumbnail] = model.functions;
    expect([handler!.name, thumbnail!.name]).toEqual(["handler", "thumbnail"]);
    expect(handler!.shipped).toBeUndefined();
    expect(thumbnail!.shipped!.filter((p) => p.direct).map((p) => [p.name, p.reason, p.path])).toEqual([
      ["sharp", "external", "node_modules/sharp"],
    ]);
    expect(thumbnail!.shipped!.some((p) => p.name === "@img/sharp-linux-x64" && p.native.length === 1)).toBe(true);
    for (const fn of [handler!, thumbnail!]) {
      expect(fn.included).toEqual(["assets/logo.svg"]);
      expect(unzipList(path.join(root, fn.zip!))).toContain("assets/logo.svg");
      expect(fn.init!.runs).toBe(5);
    }
  });

  it("renders the included logo with sharp from the extracted zip, exactly as from source", async () => {
    const fn = model.functions.find((f) => f.name === "thumbnail")!;
    const dir = extractZip(path.join(root, fn.zip!));
    const { file, exportName } = handlerModule(dir, fn.handler);
    const fromZip = invokeHandler(file, exportName, events(), { env: { LAMBDA_TASK_ROOT: dir } });
    const src = await transpileSource(root);
    const fromSource = invokeHandler(path.join(src, "thumbnail.mjs"), "handler", events(), { env: { LAMBDA_TASK_ROOT: root } });
    expect(fromZip).toEqual(fromSource);
    expect(fromZip.map((a) => "ok" in a && JSON.parse((a.ok as { body: string }).body))).toEqual([
      { format: "png", width: 48, height: 48, corner: [255, 255, 255, 255], center: [228, 87, 46, 255] },
      { error: "size must be an integer from 1 to 512" },
    ]);
  });
});
