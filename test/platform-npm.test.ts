/**
 * What npm 11 really does with a second platform, checked with the real registry package sharp
 * (its binary lives in @img/sharp-<platform>): the command NATIVE_MISSING_FOR_TARGET gives puts
 * the arm64 packages beside the host's x64 ones, package.json untouched, and the arm64 build
 * then ships them; `npm install --os=linux --cpu=arm64 --libc=glibc`, which slimfn used to
 * recommend, replaces the host's packages (slimfn's own oxc-parser binding with them).
 * npm reads from its cache first (`--prefer-offline`) and asks the registry for the rest.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFixture } from "./helpers/build.js";
import { seen } from "./helpers/messages.js";
import { REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";
import { unzipList } from "./helpers/zip.js";

const npm = (args: string[], cwd: string) =>
  execFileSync("npm", [...args, "--prefer-offline", "--no-audit", "--no-fund"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const installed = (root: string) => fs.readdirSync(path.join(root, "node_modules/@img")).sort();

describe("arm64 packages on an x64 machine, with npm 11", () => {
  it("the command NATIVE_MISSING_FOR_TARGET names installs them beside the host's, and the arm64 zip ships them", async () => {
    const sharp = JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/sharp/package.json"), "utf8")).version;
    const root = tempDir("arm64-npm-");
    fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "fn", version: "1.0.0", private: true, type: "module", dependencies: { sharp } }, null, 2));
    npm(["install"], root);
    expect(installed(root)).toEqual(["colour", "sharp-libvips-linux-x64", "sharp-linux-x64"]);
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/handler.mjs"), 'import sharp from "sharp";\nexport const handler = async () => typeof sharp;\n');
    const build = () => buildFixture("esbuild", { root, entries: ["src/handler.mjs"], slimfn: { arch: "arm64", verify: false } });

    const missing = seen((await build()).failure!.errors);
    expect(missing.map((d) => d.code)).toEqual(["NATIVE_MISSING_FOR_TARGET"]);
    const command = /with (npm install --no-save --force [^,]+),/.exec(missing[0]!.message)![1]!;
    expect(command).toBe(`npm install --no-save --force @img/sharp-libvips-linux-arm64@${JSON.parse(fs.readFileSync(path.join(root, "node_modules/sharp/package.json"), "utf8")).optionalDependencies["@img/sharp-libvips-linux-arm64"]} @img/sharp-linux-arm64@${sharp}`);
    const manifest = fs.readFileSync(path.join(root, "package.json"), "utf8");
    npm(command.split(" ").slice(1), root);
    expect(installed(root)).toEqual(["colour", "sharp-libvips-linux-arm64", "sharp-libvips-linux-x64", "sharp-linux-arm64", "sharp-linux-x64"]);
    expect(fs.readFileSync(path.join(root, "package.json"), "utf8")).toBe(manifest);
    // The host's sharp still loads.
    expect(execFileSync(process.execPath, ["--input-type=module", "-e", 'import sharp from "sharp"; console.log(typeof sharp.versions.vips)'], { cwd: root, encoding: "utf8" })).toBe("string\n");

    const built = await build();
    expect(built.failure?.errors).toBeUndefined();
    const zipped = unzipList(path.join(root, "dist/handler.zip")).filter((p) => p.startsWith("node_modules/@img/")).map((p) => p.split("/").slice(0, 3).join("/"));
    expect([...new Set(zipped)]).toEqual(["node_modules/@img/colour", "node_modules/@img/sharp-libvips-linux-arm64", "node_modules/@img/sharp-linux-arm64"]);

    // What slimfn no longer recommends: npm 11 swaps the host's optional packages for the target's.
    npm(["install", "--os=linux", "--cpu=arm64", "--libc=glibc"], root);
    expect(installed(root)).toEqual(["colour", "sharp-libvips-linux-arm64", "sharp-linux-arm64"]);
  }, 300_000);
});
