/**
 * examples/monorepo: two functions built through Turborepo's and Nx's caches. Their declared
 * inputs (sources, build script, package.json, lockfile) and outputs (dist: zip and size model)
 * make a slimfn build cacheable; slimfn's deterministic zip makes a cache hit on another
 * machine byte-identical to building there. "Another machine" is a second clean copy of the
 * example in another folder, sharing only the cache folder (as a remote cache would).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installExample, run } from "../helpers/example.js";
import { tempDir } from "../helpers/tmp.js";

const QUIET = { TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1", DO_NOT_TRACK: "1", NX_DAEMON: "false", NX_NO_CLOUD: "true" };
const FUNCTIONS = ["api", "jobs"];
const zipHashes = (dir: string) =>
  FUNCTIONS.map((fn) => createHash("sha256").update(fs.readFileSync(path.join(dir, "functions", fn, "dist/handler.zip"))).digest("hex"));
const clean = (dir: string) => {
  for (const fn of FUNCTIONS) fs.rmSync(path.join(dir, "functions", fn, "dist"), { recursive: true, force: true });
  for (const f of [".turbo", ".nx"]) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
};

describe("examples/monorepo: Turborepo and Nx caches", () => {
  let first: string;
  let second: string;
  beforeAll(() => {
    first = installExample("monorepo");
    clean(first);
    // A clean clone of the example in another folder (depth one under examples/, so its
    // "slimfn": "file:../.." still names this repository).
    second = path.join(path.dirname(first), `.clone-${process.pid}`);
    fs.rmSync(second, { recursive: true, force: true });
    fs.cpSync(first, second, { recursive: true, filter: (p) => !/[\\/](node_modules|dist|\.turbo|\.nx)$/.test(p) });
    run(second, "npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"]);
  }, 300_000);
  afterAll(() => fs.rmSync(second, { recursive: true, force: true }));

  it("turbo: the second clone restores both functions from the cache, byte for byte what building there gives", () => {
    const cache = tempDir("turbo-cache-");
    const built = run(first, "npx", ["turbo", "run", "build", `--cache-dir=${cache}`], QUIET);
    expect(built.stdout).toContain("0 cached, 2 total");
    const hashes = zipHashes(first);
    const restored = run(second, "npx", ["turbo", "run", "build", `--cache-dir=${cache}`], QUIET);
    expect(restored.stdout).toContain("2 cached, 2 total");
    expect(zipHashes(second)).toEqual(hashes);
    clean(second);
    const rebuilt = run(second, "npx", ["turbo", "run", "build", "--force", `--cache-dir=${cache}`], QUIET);
    expect(rebuilt.stdout).toContain("0 cached, 2 total");
    expect(zipHashes(second)).toEqual(hashes);
  }, 300_000);

  it("nx: both clones compute the same task hashes (what a remote cache is keyed by), a hit restores the same bytes, and each clone builds the same zips", () => {
    clean(first);
    clean(second);
    // Nx 22 records its local cache entries in the workspace's own database, so a plain shared
    // folder is not a remote cache; the entries' names are the task hashes, which must agree.
    const caches = [tempDir("nx-cache-"), tempDir("nx-cache-")];
    const entries = (dir: string) => fs.readdirSync(dir).filter((f) => /^\d+$/.test(f)).sort();
    run(first, "npx", ["nx", "run-many", "-t", "build"], { ...QUIET, NX_CACHE_DIRECTORY: caches[0]! });
    const hashes = zipHashes(first);
    run(second, "npx", ["nx", "run-many", "-t", "build"], { ...QUIET, NX_CACHE_DIRECTORY: caches[1]! });
    expect(zipHashes(second)).toEqual(hashes);
    expect(entries(caches[0]!)).toHaveLength(2);
    expect(entries(caches[1]!)).toEqual(entries(caches[0]!));
    // The outputs gone, the workspace (and its record of the cache) kept: a cache hit.
    for (const fn of FUNCTIONS) fs.rmSync(path.join(second, "functions", fn, "dist"), { recursive: true });
    const restored = run(second, "npx", ["nx", "run-many", "-t", "build"], { ...QUIET, NX_CACHE_DIRECTORY: caches[1]! });
    expect(restored.stdout, restored.stdout).toContain("Nx read the output from the cache instead of running the command for 2 out of 2 tasks.");
    expect(zipHashes(second)).toEqual(hashes);
  }, 300_000);
});
