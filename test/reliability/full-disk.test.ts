/**
 * A full disk and a read-only one, for real: the build runs in its own mount namespace
 * (`unshare -rm`, no root needed) with the zips' folder on a tmpfs of a chosen size. Three
 * functions each ship sharp (~8.7 MB zipped): two fit, the third does not. All-or-nothing: no
 * zip and no temp file is left, and the error says what happened.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, REPO } from "../helpers/paths.js";
import { copyFixture, repoTempDir } from "../helpers/tmp.js";

const SCRIPT = `
import { build } from "esbuild";
import slimfn from ${JSON.stringify(path.join(REPO, "dist/plugins/esbuild.js"))};
try {
  await build({
    entryPoints: { a: "src/handler.ts", b: "src/handler.ts", c: "src/handler.ts" },
    outdir: "dist", logLevel: "silent",
    plugins: [slimfn({ zip: "out/[name].zip", verify: false, cache: false })],
  });
  console.log("BUILT");
} catch (e) {
  console.log(JSON.stringify(e.errors.map((m) => m.text)));
  process.exitCode = 1;
}
`;

const canUnshare = spawnSync("unshare", ["-rm", "true"]).status === 0;

/** Build with out/ on a tmpfs mounted `mount` (size, ro); returns the build's output and what out/ held after. */
function buildOnTmpfs(root: string, mount: string): { code: number | null; stdout: string; left: string[] } {
  const out = path.join(root, "out");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(root, "build.mjs"), SCRIPT);
  const shell = `mount -t tmpfs -o ${mount} tmpfs "${out}" && node build.mjs; code=$?; echo "LEFT:$(ls -A "${out}" | tr '\\n' ' ')"; exit $code`;
  const r = spawnSync("unshare", ["-rm", "sh", "-c", shell], { cwd: root, encoding: "utf8", timeout: 240_000 });
  const leftLine = r.stdout.split("\n").find((l) => l.startsWith("LEFT:")) ?? "LEFT:";
  return { code: r.status, stdout: r.stdout, left: leftLine.slice(5).trim().split(" ").filter(Boolean) };
}

describe.skipIf(!canUnshare)("zips on a full or read-only disk", () => {
  it("a disk with room for two of three zips: the build fails, and no zip or temp file is left", () => {
    const root = copyFixture(fixture("ship-native"), repoTempDir("full-disk-"));
    const r = buildOnTmpfs(root, "size=20m");
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).not.toContain("BUILT");
    const [error] = JSON.parse(r.stdout.split("\n").find((l) => l.startsWith("["))!) as string[];
    expect(error).toMatch(/^ZIP_WRITE_FAILED: /);
    expect(error).toMatch(/ENOSPC|no space/i);
    expect(r.left).toEqual([]);
  }, 300_000);

  it("a read-only folder for the zips says it is read-only, and writes nothing", () => {
    const root = copyFixture(fixture("ship-native"), repoTempDir("ro-disk-"));
    const r = buildOnTmpfs(root, "size=1m,ro");
    expect(r.code, r.stdout).toBe(1);
    const [error] = JSON.parse(r.stdout.split("\n").find((l) => l.startsWith("["))!) as string[];
    expect(error).toMatch(/^ZIP_WRITE_FAILED: /);
    expect(error).toMatch(/read-only/);
    expect(r.left).toEqual([]);
  }, 300_000);
});
