/**
 * Every slimfn message is printed once, under esbuild.build() as under esbuild.context():
 * esbuild itself logs what an onEnd callback returns in context mode (rebuild, watch, serve),
 * but not for build(), where slimfn prints them. Run as a user runs them: a child node process
 * whose stderr is the terminal, the compiled plugin from dist/.
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
const [mode, entry] = process.argv.slice(1);
const options = { entryPoints: [entry], absWorkingDir: process.cwd(), logLevel: "info", plugins: [slimfn({ runtime: "nodejs22.x", lazy: ["no-such-pkg"], verify: { runs: 1 } })] };
try {
  if (mode === "build") await esbuild.build(options);
  else {
    const ctx = await esbuild.context(options);
    await ctx.rebuild().catch(() => {});
    await ctx.dispose();
  }
} catch {}
`;

function run(root: string, mode: "build" | "context", entry: string): string {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT, mode, entry], { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
  return r.stderr;
}

const count = (text: string, code: string) => text.split("\n").filter((l) => l.includes(`${code}:`)).length;

describe("each slimfn message is printed once", () => {
  it("under build() and context().rebuild(), warnings and errors alike", () => {
    const root = repoTempDir("log-once-");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/ok.mjs"), "export const handler = async () => 1;\n");
    fs.writeFileSync(path.join(root, "src/throws.mjs"), 'throw new Error("boom at init");\nexport const handler = async () => 1;\n');
    const host = Number(process.versions.node.split(".")[0]);
    for (const mode of ["build", "context"] as const) {
      const ok = run(root, mode, "src/ok.mjs");
      expect([mode, count(ok, "LAZY_UNMATCHED")]).toEqual([mode, 1]);
      // This machine runs Node 20; the runtime is Node 22.
      if (host !== 22) expect([mode, count(ok, "VERIFY_NODE_MISMATCH")]).toEqual([mode, 1]);
      const failed = run(root, mode, "src/throws.mjs");
      expect([mode, count(failed, "VERIFY_FAILED")]).toEqual([mode, 1]);
    }
  });
});
