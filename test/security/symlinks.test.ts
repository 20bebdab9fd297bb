/**
 * Symlinks never carry a file from elsewhere on the machine into a zip: not from a shipped
 * package (a hostile one links /etc/passwd and a home folder), not through `include` (which
 * reads nothing outside the project root), and an include walk over link cycles ends with
 * SYMLINK_LOOP instead of growing without end. Real esbuild builds through the plugin; zips
 * listed with Info-ZIP.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FunctionModel } from "../../src/report/model.js";
import { buildFixture } from "../helpers/build.js";
import { handlerModule, invokeHandler } from "../helpers/invoke.js";
import { seen } from "../helpers/messages.js";
import { tempDir } from "../helpers/tmp.js";
import { extractZip, unzipList } from "../helpers/zip.js";
import { artifacts, link, project, write } from "./project.js";

const build = (root: string, slimfn: Record<string, unknown>) =>
  buildFixture("esbuild", { root, entries: ["src/handler.mjs"], slimfn: { runtime: "nodejs20.x", verify: false, report: { json: "dist/size.json" }, ...slimfn } });

/** A home folder outside the project, with the credentials a hostile link would reach for. */
function home(): string {
  return write(tempDir("slimfn-home-"), { ".aws/credentials": "[default]\naws_secret_access_key = not-for-the-zip\n" });
}

describe("symlinks in shipped packages", () => {
  it("a link to /etc/passwd and one to a folder outside the project fail the build with SYMLINK_OUTSIDE; nothing is written", async () => {
    const outside = home();
    const root = project();
    const pkg = path.join(root, "node_modules/evilpkg");
    link(root, "node_modules/evilpkg/passwd.txt", "/etc/passwd");
    link(root, "node_modules/evilpkg/home", outside);
    const built = await build(root, { external: ["evilpkg"] });
    const fix = (rel: string) =>
      `slimfn never ships files from elsewhere on this machine. Leave the link out with strip: { remove: ["evilpkg:${rel}"] }, or, when the function needs that file, copy it into the project and ship it with include.`;
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "SYMLINK_OUTSIDE", plugin: "slimfn", location: null,
        message: `The package "evilpkg" (${pkg}) holds a symlink home that leads to ${outside}, outside the package's own folder and outside every installed package: ${fix("home")}`,
      },
      {
        code: "SYMLINK_OUTSIDE", plugin: "slimfn", location: null,
        message: `The package "evilpkg" (${pkg}) holds a symlink passwd.txt that leads to /etc/passwd, outside the package's own folder and outside every installed package: ${fix("passwd.txt")}`,
      },
    ]);
    expect(artifacts(root)).toEqual([]);
  });

  it("strip.remove of the links builds a zip without them; a link to another installed package ships", async () => {
    const outside = home();
    const root = project({
      "node_modules/shared-data/package.json": '{"name":"shared-data","version":"1.0.0"}\n',
      "node_modules/shared-data/words.txt": "shared\n",
      "node_modules/evilpkg/index.js": 'const fs = require("fs");\nexports.hello = () => fs.readFileSync(__dirname + "/data/words.txt", "utf8").trim();\n',
    });
    link(root, "node_modules/evilpkg/passwd.txt", "/etc/passwd");
    link(root, "node_modules/evilpkg/home", outside);
    // A link into another package of the same install (as pnpm's store and workspaces make).
    link(root, "node_modules/evilpkg/data", "../shared-data");
    const built = await build(root, { external: ["evilpkg"], strip: { remove: ["evilpkg:passwd.txt", "evilpkg:home"] }, verify: { runs: 1 } });
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    const zip = path.join(root, "dist/handler.zip");
    expect(unzipList(zip).filter((p) => p.startsWith("node_modules/evilpkg/")).sort()).toEqual([
      "node_modules/evilpkg/data/package.json",
      "node_modules/evilpkg/data/words.txt",
      "node_modules/evilpkg/index.js",
      "node_modules/evilpkg/package.json",
    ]);
    const fn = built.model!.functions[0] as FunctionModel;
    expect(fn.shipped![0]!.removed).toEqual({ files: 2, bytes: 0 });
    const dir = extractZip(zip);
    const { file, exportName } = handlerModule(dir, fn.handler);
    expect(invokeHandler(file, exportName, [{}])).toEqual([{ ok: "shared" }]);
  });
});

describe("symlinks under include", () => {
  it('include ["**"] with a -> . and b -> . ends with SYMLINK_LOOP for each instead of walking forever', async () => {
    const root = project({ "assets/a.txt": "a\n" });
    link(root, "a", ".");
    link(root, "b", ".");
    const built = await build(root, { include: ["**"] });
    const loop = (rel: string) =>
      `The include glob "**" reaches ${rel}, a symlink back to the project root, a folder that holds it: the walk would never end. Remove the link, or narrow the glob so it does not reach it.`;
    expect(seen(built.failure!.errors)).toEqual([
      { code: "SYMLINK_LOOP", plugin: "slimfn", location: null, message: loop("a") },
      { code: "SYMLINK_LOOP", plugin: "slimfn", location: null, message: loop("b") },
    ]);
    expect(artifacts(root)).toEqual([]);
  });

  it("d/up -> .. is a SYMLINK_LOOP naming the link, not a 40-level ELOOP", async () => {
    const root = project({ "d/x.txt": "x\n" });
    link(root, "d/up", "..");
    const built = await build(root, { include: ["d"] });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "SYMLINK_LOOP", plugin: "slimfn", location: null,
        message: 'The include glob "d" reaches d/up, a symlink back to the project root, a folder that holds it: the walk would never end. Remove the link, or narrow the glob so it does not reach it.',
      },
    ]);
  });

  it("a link out of the project root is SYMLINK_OUTSIDE when the glob reaches it, and left alone when it does not", async () => {
    const outside = home();
    const root = project({ "templates/hi.txt": "hi\n" });
    link(root, "templates/creds", path.join(outside, ".aws"));
    link(root, "etc-passwd", "/etc/passwd");
    const built = await build(root, { include: ["templates/**", "*passwd"] });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "SYMLINK_OUTSIDE", plugin: "slimfn", location: null,
        message: `The include glob "templates/**" reaches templates/creds, a symlink to ${path.join(outside, ".aws")}, outside the project root ${root}: include never reads files from elsewhere on this machine. Copy the file into the project, or narrow the glob so it does not match the link.`,
      },
      {
        code: "SYMLINK_OUTSIDE", plugin: "slimfn", location: null,
        message: `The include glob "*passwd" reaches etc-passwd, a symlink to /etc/passwd, outside the project root ${root}: include never reads files from elsewhere on this machine. Copy the file into the project, or narrow the glob so it does not match the link.`,
      },
    ]);
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);

    // The same links, out of the globs' reach: the build does not look behind them.
    const narrow = await build(root, { include: ["templates/*.txt"] });
    expect(narrow.failure?.errors.map((e) => e.text)).toBeUndefined();
    expect(unzipList(path.join(root, "dist/handler.zip")).filter((p) => !p.startsWith("node_modules/"))).toEqual(["handler.mjs", "templates/hi.txt"]);
  });
});
