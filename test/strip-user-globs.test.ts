/**
 * `strip.remove` / `strip.keep` globs as users write them: a `./` prefix and a folder with a
 * trailing slash mean what they say, in a real build of figlet shipped unbundled, and the
 * handler still renders from the extracted zip with the one font kept.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FunctionModel } from "../src/report/model.js";
import { buildFixture } from "./helpers/build.js";
import { fixtureEvents, handlerModule, invokeHandler } from "./helpers/invoke.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

describe("strip globs with ./ and a trailing slash", () => {
  it.each([
    [["figlet:./fonts/*.flf"], ["figlet:./fonts/Standard.flf"]],
    [["figlet:fonts/"], ["figlet:fonts/Standard.flf"]],
    [["figlet:./fonts/"], ["figlet:fonts//Standard.flf"]],
  ])("remove %j, keep %j: one font left, and it renders from the zip", async (remove, keep) => {
    const root = copyFixture(fixture("ship-data"), repoTempDir("qa-strip-"));
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.ts"],
      slimfn: { runtime: "nodejs20.x", external: ["figlet"], include: ["templates/*.txt"], verify: false, strip: { remove, keep }, report: { json: "dist/size.json" } },
    });
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    expect(built.result?.warnings.map((w) => w.text)).toEqual([]);
    const zip = path.join(root, "dist/handler.zip");
    expect(unzipList(zip).filter((p) => p.startsWith("node_modules/figlet/fonts/"))).toEqual(["node_modules/figlet/fonts/Standard.flf"]);
    const fn = built.model!.functions[0] as FunctionModel;
    expect(fn.shipped!.find((p) => p.name === "figlet")!.stripped.files).toBeGreaterThan(300);
    const dir = extractZip(zip);
    const { file, exportName } = handlerModule(dir, fn.handler);
    const [answer] = invokeHandler(file, exportName, fixtureEvents(fixture("ship-data")).events, { env: { LAMBDA_TASK_ROOT: dir } });
    expect(answer).toMatchObject({ ok: { banner: expect.arrayContaining([expect.any(String)]) } });
  });
});
