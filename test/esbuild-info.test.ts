/**
 * slimfn's `info` diagnostics reach the terminal under esbuild, whose messages are errors and
 * warnings only: NATIVE_AUTO_EXTERNAL says why sharp was shipped unbundled. Run as a user runs
 * it: a child node process, the compiled plugin from dist/, stderr as the terminal.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/paths.js";
import { repoTempDir } from "./helpers/tmp.js";

const SCRIPT = `
import * as esbuild from "esbuild";
import slimfn from ${JSON.stringify(path.join(REPO, "dist/plugins/esbuild.js"))};
const [logLevel] = process.argv.slice(1);
await esbuild.build({ entryPoints: ["src/handler.mjs"], absWorkingDir: process.cwd(), logLevel, plugins: [slimfn({ runtime: "nodejs20.x", verify: false, zip: false, cache: false })] });
`;

describe("esbuild: info diagnostics", () => {
  it("prints NATIVE_AUTO_EXTERNAL once with logLevel info, and nothing with warning", () => {
    const root = repoTempDir("info-");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/handler.mjs"), 'import sharp from "sharp";\nexport const handler = async () => typeof sharp;\n');
    const run = (logLevel: string) =>
      spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT, logLevel], { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
    const info = run("info");
    expect(info.status).toBe(0);
    const lines = info.stderr.split("\n").filter((l) => l.includes("NATIVE_AUTO_EXTERNAL"));
    expect(lines).toEqual([
      expect.stringMatching(/^info: \[NATIVE_AUTO_EXTERNAL\] "sharp" is shipped unbundled in node_modules because its dependency closure holds native code \(@img\/sharp-[\w-]+\/.+\)\. Add it to slimfn's "external" to make this explicit\.$/),
    ]);
    expect(run("warning").stderr).not.toContain("NATIVE_AUTO_EXTERNAL");
  });
});
