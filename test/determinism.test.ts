/**
 * Same inputs, same bytes (DESIGN rule 3): two copies of the fixture in different folders, with
 * different file times, umask and TZ, built in separate node processes, give identical zips.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, REPO } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { unzipLong } from "./helpers/zip.js";

function touchAll(dir: string, when: Date): void {
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: "utf8" })) fs.utimesSync(path.join(dir, f), when, when);
}

const entryOf = (root: string) => (fs.existsSync(path.join(root, "src/handler.ts")) ? "src/handler.ts" : "src/handler.mjs");

/** The demo's build of the realistic fixture: lazy imports, sharp shipped unbundled, an included file. */
const REALISTIC = {
  entries: "src/handler.ts,src/thumbnail.ts",
  options: { lazy: ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"], external: ["sharp"], include: ["assets/*.svg"] },
};

function build(root: string, env: Record<string, string>, umask: string, realistic = false) {
  const args = realistic ? [REALISTIC.entries, umask, JSON.stringify(REALISTIC.options)] : [entryOf(root), umask];
  execFileSync(process.execPath, [path.join(REPO, "test/helpers/build-child.mjs"), root, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: "pipe",
  });
  const model = JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8"));
  const zips = realistic ? ["handler", "thumbnail"] : ["handler"];
  return { zip: Buffer.concat(zips.map((z) => fs.readFileSync(path.join(root, `dist/${z}.zip`)))), model, json: fs.readFileSync(path.join(root, "dist/size.json"), "utf8") };
}

describe("reproducible zips", () => {
  it("gives identical bytes from two copies with different folders, mtimes, umask and TZ: lazy imports, shipped sharp, included file", () => {
    if (!fs.existsSync(path.join(REPO, "dist/plugins/esbuild.js"))) throw new Error("run `npm run build` first (npm test does)");
    // Same depth below the repository, so bundled module ids (relative paths) are the same.
    const a = copyFixture(fixture("realistic"), path.join(repoTempDir("copy-one-"), "project"));
    const b = copyFixture(fixture("realistic"), path.join(repoTempDir("another-copy-"), "project"));
    touchAll(a, new Date("2001-02-03T04:05:06Z"));
    touchAll(b, new Date("2025-11-12T13:14:15Z"));
    const one = build(a, { TZ: "UTC" }, "022", true);
    const two = build(b, { TZ: "Pacific/Chatham" }, "077", true);
    expect(one.model.functions.map((f: { name: string }) => f.name)).toEqual(["handler", "thumbnail"]);
    expect(one.model.functions[1].shipped.length).toBeGreaterThan(1);
    expect(one.model.functions[0].lazy.length).toBeGreaterThan(3);
    expect(two.model.functions.map((f: { sha256: string }) => f.sha256)).toEqual(one.model.functions.map((f: { sha256: string }) => f.sha256));
    expect(Buffer.compare(one.zip, two.zip)).toBe(0);
    // The model is the same too, but for the init time measured by verification (a timing).
    const withoutTimings = (json: string) => json.replace(/"init": \{[^}]*\}/g, '"init": "measured"');
    expect(withoutTimings(two.json)).toBe(withoutTimings(one.json));
    expect(unzipLong(path.join(a, "dist/thumbnail.zip"))).not.toMatch(/rw-------|rwx------/);
  });

  it("changes the bytes when SOURCE_DATE_EPOCH changes, and only the timestamps", () => {
    const a = copyFixture(fixture("minimal"), repoTempDir("sde-"));
    const plain = build(a, {}, "022");
    const dated = build(a, { SOURCE_DATE_EPOCH: "1700000000" }, "022");
    expect(dated.model.functions[0].sha256).not.toBe(plain.model.functions[0].sha256);
    expect(dated.zip.length).toBe(plain.zip.length);
    expect(unzipLong(path.join(a, "dist/handler.zip"))).toMatch(/23-Nov-14 22:13/);
  });
});
