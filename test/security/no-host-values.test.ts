/**
 * A zip and its size model carry nothing of the machine that built them: no absolute path of
 * the project or the repository, no home folder, no user name, no environment value. A real
 * esbuild build in a fresh node whose HOME, USER and LOGNAME are canaries, with a shipped
 * package, an included folder, source maps and code that reads paths and the environment at run
 * time; every zip entry is read back with Info-ZIP `unzip -p`, and the zip's own bytes (names,
 * comment) and the size model are searched too.
 */
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, REPO } from "../helpers/paths.js";
import { copyFixture, repoTempDir, tempDir } from "../helpers/tmp.js";
import { unzipList } from "../helpers/zip.js";

const CHILD = `
import * as esbuild from "esbuild";
const [root, plugin] = process.argv.slice(1);
const { default: slimfn } = await import(plugin);
await esbuild.build({
  entryPoints: ["src/handler.ts"], outdir: "dist", absWorkingDir: root, logLevel: "warning", sourcemap: true,
  plugins: [slimfn({ runtime: "nodejs20.x", external: ["figlet"], include: ["templates"], verify: { runs: 1 }, report: { json: "dist/size.json" } })],
});
`;

describe("no host values in the artifact", () => {
  it("holds no host path, user name or environment value anywhere in the zip or the size model", () => {
    const root = copyFixture(fixture("ship-data"), repoTempDir("sec-host-"));
    fs.appendFileSync(
      path.join(root, "src/handler.ts"),
      "\nexport const where = () => ({ dir: __dirname, file: __filename, url: import.meta.url, home: process.env.HOME, user: process.env.USER });\n",
    );
    const user = `canary-${crypto.randomBytes(4).toString("hex")}`;
    const home = path.join(tempDir("slimfn-home-"), "home", user);
    fs.mkdirSync(home, { recursive: true });
    const env = { PATH: process.env.PATH!, HOME: home, USER: user, LOGNAME: user, SLIMFN_CANARY: crypto.randomBytes(12).toString("hex"), NO_COLOR: "1" };
    const built = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD, root, path.join(REPO, "dist/plugins/esbuild.js")], { cwd: root, env, encoding: "utf8" });
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);

    const zip = path.join(root, "dist/handler.zip");
    const names = unzipList(zip);
    expect(names).toEqual(expect.arrayContaining(["handler.mjs", "handler.mjs.map", "templates/greeting.txt", "node_modules/figlet/package.json"]));
    const contents = execFileSync("unzip", ["-p", zip], { maxBuffer: 256 * 1024 * 1024 }).toString("latin1");
    const haystacks = { "zip bytes": fs.readFileSync(zip).toString("latin1"), "zip entries": contents, "size model": fs.readFileSync(path.join(root, "dist/size.json"), "latin1") };
    const needles = [root, fs.realpathSync(root), REPO, home, user, ...Object.values(env).filter((v) => v.length >= 8)];
    const found = Object.entries(haystacks).flatMap(([where, text]) => needles.filter((n) => text.includes(n)).map((n) => `${n} in the ${where}`));
    expect(found).toEqual([]);
    // The search is real: the bundle does hold what it computes at run time.
    expect(contents).toContain("process.env.HOME");
  });
});
