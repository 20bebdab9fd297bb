/**
 * Fault injection: a build killed (SIGKILL, no cleanup possible) at points spread over its run,
 * while a large zip (sharp's 18 MB libvips shipped unbundled) is made and written. Whatever the
 * point, the zip's final path is either absent or the complete zip, byte for byte what an
 * uninterrupted build writes; and the next build removes the temp files the killed ones left.
 * The kills are aimed at the write: from the moment the first file appears in dist/, after 0 to
 * 32 ms (nothing about time is asserted).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, REPO } from "../helpers/paths.js";
import { copyFixture, repoTempDir } from "../helpers/tmp.js";
import { sha256 } from "./helpers.js";

const SCRIPT = `
import { build } from "esbuild";
import slimfn from ${JSON.stringify(path.join(REPO, "dist/plugins/esbuild.js"))};
await build({ entryPoints: ["src/handler.ts"], outdir: "dist", logLevel: "silent", plugins: [slimfn({ verify: false, cache: false })] });
`;

/**
 * Run the build in a child. `killAt`: SIGKILL it `afterMs` once `when()` is true (polled every
 * 2 ms), so the kill lands in the phase the test aims at; undefined: let it finish.
 */
function runBuild(root: string, killAt?: { when: () => boolean; afterMs: number }): Promise<{ signal: NodeJS.Signals | null; code: number | null }> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", SCRIPT], { cwd: root, stdio: "ignore" });
  let poll: NodeJS.Timeout | undefined;
  if (killAt) {
    poll = setInterval(() => {
      if (!killAt.when()) return;
      clearInterval(poll);
      setTimeout(() => child.kill("SIGKILL"), killAt.afterMs);
    }, 2);
  }
  return new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal });
    }),
  );
}

describe("a build killed while it writes a large zip", () => {
  it("leaves the zip absent or complete at every kill point, and the next build sweeps the temp files", async () => {
    const root = copyFixture(fixture("ship-native"), repoTempDir("kill-"));
    const zip = path.join(root, "dist/handler.zip");
    const full = await runBuild(root);
    expect(full.code).toBe(0);
    const complete = sha256(zip);
    const dist = path.join(root, "dist");
    // Files appear in dist/ only at the end of a build (the zip first, under a temp name): kill
    // from that moment on, at growing delays, so some kills land inside the write.
    const writing = () => fs.existsSync(dist) && fs.readdirSync(dist).length > 0;
    const outcomes: string[] = [];
    for (const afterMs of [0, 1, 2, 4, 8, 16, 32]) {
      fs.rmSync(dist, { recursive: true, force: true });
      const run = await runBuild(root, { when: writing, afterMs });
      const left = fs.existsSync(dist) ? fs.readdirSync(dist) : [];
      if (!fs.existsSync(zip)) {
        outcomes.push(left.some((f) => f.includes(".tmp")) ? "absent, temp left" : "absent");
        continue;
      }
      // A zip at its final name is whole: Info-ZIP's test passes and the bytes are the build's.
      expect(spawnSync("unzip", ["-tq", zip], { encoding: "utf8" }).status).toBe(0);
      expect(sha256(zip)).toBe(complete);
      outcomes.push(run.signal === "SIGKILL" ? "complete, killed after" : "complete");
    }
    expect(outcomes).toHaveLength(7);
    // The killed builds may have left temp files; the next build of the same outputs removes them.
    const last = await runBuild(root);
    expect(last.code).toBe(0);
    expect(sha256(zip)).toBe(complete);
    expect(fs.readdirSync(path.join(root, "dist")).filter((f) => f.includes(".tmp"))).toEqual([]);
  }, 300_000);
});
