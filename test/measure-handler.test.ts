/**
 * `slimfn measure dist/handler.zip` finds the handler of any slimfn-built zip by itself: the
 * handler is recorded in the zip's archive comment (read back here by Info-ZIP `unzip -z` as
 * well as by slimfn). A zip from another tool falls back to its only root module, then
 * `handler.*`, then `index.*`, and otherwise asks for --handler naming what it found.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { handlerComment, readArchiveComment, recordedHandler } from "../src/zip/comment.js";
import { buildZip } from "../src/zip/write.js";
import { buildFixture } from "./helpers/build.js";
import { measure } from "./helpers/measure.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir, tempDir } from "./helpers/tmp.js";

const firstLine = (s: string) => s.split("\n")[0];
const mod = (body = "export const handler = async () => 1;\n") => Buffer.from(body);

let root: string;
beforeAll(async () => {
  root = copyFixture(fixture("realistic"), repoTempDir("measure-handler-"));
  const built = await buildFixture("esbuild", {
    root,
    entries: ["src/handler.ts"],
    slimfn: { runtime: "nodejs20.x", zip: "dist/[name].zip", lazy: ["@aws-sdk/*", "zod"], verify: false },
  });
  expect(built.failure?.errors).toBeUndefined();
});

describe("the handler recorded in the zip", () => {
  it("a split build with lazy chunks at the zip's root is measured without --handler", async () => {
    const zip = path.join(root, "dist/handler.zip");
    const roots = execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).split("\n").filter((n) => /^[^/]+\.mjs$/.test(n));
    expect(roots.length).toBeGreaterThan(5);
    // Info-ZIP reads the same comment slimfn wrote.
    expect(execFileSync("unzip", ["-z", zip], { encoding: "utf8" }).trim().split("\n").slice(-1)).toEqual(["slimfn handler=handler.handler"]);
    expect(recordedHandler(fs.readFileSync(zip))).toBe("handler.handler");
    const run = await measure(["dist/handler.zip", "--runs", "1"], root);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(firstLine(run.stdout)).toBe(`slimfn measure dist/handler.zip (handler.mjs#handler, 1 runs, node ${process.version})`);
  });

  it("the comment is deterministic and round-trips handlers in folders and outside ASCII", async () => {
    const entries = [{ path: "api/get.mjs", data: mod() }];
    const a = await buildZip(entries, { comment: handlerComment("api/get.handler") });
    const b = await buildZip(entries, { comment: handlerComment("api/get.handler") });
    expect(a.sha256).toBe(b.sha256);
    expect(readArchiveComment(a.bytes)).toBe("slimfn handler=api/get.handler");
    const odd = await buildZip(entries, { comment: handlerComment("api/café.handler") });
    expect(readArchiveComment(odd.bytes)).toBe("slimfn handler=api/caf%C3%A9.handler");
    expect(recordedHandler(odd.bytes)).toBe("api/café.handler");
    expect(recordedHandler((await buildZip(entries)).bytes)).toBeUndefined();
  });
});

describe("zips slimfn did not write", () => {
  it("handler.* wins over other root modules, then index.*; otherwise measure names the root modules and asks", async () => {
    const dir = tempDir();
    const write = async (name: string, files: string[]) => {
      fs.writeFileSync(path.join(dir, name), (await buildZip(files.map((f) => ({ path: f, data: mod() })))).bytes);
    };
    await write("handler.zip", ["chunk-A.mjs", "handler.mjs", "zod-B.mjs"]);
    await write("index.zip", ["chunk-A.mjs", "index.mjs"]);
    await write("two.zip", ["a.mjs", "b.mjs"]);
    expect(firstLine((await measure(["handler.zip", "--runs", "1"], dir)).stdout)).toBe(`slimfn measure handler.zip (handler.mjs#handler, 1 runs, node ${process.version})`);
    expect(firstLine((await measure(["index.zip", "--runs", "1"], dir)).stdout)).toBe(`slimfn measure index.zip (index.mjs#handler, 1 runs, node ${process.version})`);
    expect(await measure(["two.zip", "--runs", "1"], dir)).toEqual({
      code: 2,
      stdout: "",
      stderr: "slimfn measure: the zip has several root modules (a.mjs, b.mjs); name the handler with --handler file.export\n",
    });
  });
});
