/**
 * slimfn inside the esbuild configs real Lambda teams already have: their own banner, their
 * runtime-provided SDK, their entry files. Each case builds a real project, extracts the zip
 * with Info-ZIP and invokes the printed handler in a fresh node.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLERS, buildFixture } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

function project(files: Record<string, string>): string {
  const root = repoTempDir("user-config-");
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** Extract the function's zip and call its handler string with one event, as Lambda would. */
function invokeZip(root: string, zip: string, handler: string, event: unknown = {}) {
  const dir = extractZip(path.join(root, zip));
  const { file, exportName } = handlerModule(dir, handler);
  return invokeHandler(file, exportName, [event])[0];
}

describe.each(BUNDLERS)("%s: the user's own esbuild options", (bundler) => {
  it("keeps the user's banner that declares require (the createRequire recipe) and adds no second one", async () => {
    const root = project({
      "src/handler.ts": `import os from "node:os";\nconst path = require("path");\nexport const handler = async () => path.basename("/a/b.txt") + os.EOL.length;\n`,
    });
    const banner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
    const built = await buildFixture(bundler, {
      root,
      entryPoints: ["src/handler.ts"],
      slimfn: { verify: { runs: 1 }, report: { json: "dist/size.json" } },
      esbuild: { banner: { js: banner } },
    });
    expect(built.failure?.errors).toBeUndefined();
    const code = fs.readFileSync(path.join(root, "dist/handler.mjs"), "utf8");
    expect(code.startsWith(banner)).toBe(true);
    expect(code).not.toContain("__slimfnCreateRequire");
    const fn = built.model!.functions[0]!;
    expect(fn.handler).toBe("handler.handler");
    expect(invokeZip(root, fn.zip!, fn.handler)).toEqual({ ok: "b.txt1" });
  });

  it("still adds the require shim after a banner that only comments", async () => {
    const root = project({ "src/handler.ts": `const path = require("path");\nexport const handler = async () => path.basename("/a/b.txt");\n` });
    const built = await buildFixture(bundler, {
      root,
      entryPoints: ["src/handler.ts"],
      slimfn: { verify: { runs: 1 }, report: { json: "dist/size.json" } },
      esbuild: { banner: { js: "// (c) ACME: do not require this file by hand" } },
    });
    expect(built.failure?.errors).toBeUndefined();
    expect(fs.readFileSync(path.join(root, "dist/handler.mjs"), "utf8")).toMatch(/^import\{createRequire as __slimfnCreateRequire\}.*\n\/\/ \(c\) ACME/);
    expect(invokeZip(root, "dist/handler.zip", "handler.handler")).toEqual({ ok: "b.txt" });
    expect(unzipList(path.join(root, "dist/handler.zip"))).toEqual(["handler.mjs"]);
  });
});
