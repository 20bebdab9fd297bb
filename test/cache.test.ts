/**
 * The build cache (issue 11): the zip bytes are the same with no cache, a cold one, a warm one
 * and one made in another folder; a poisoned or truncated entry is found by its checksum and
 * rebuilt, never zipped; a changed file of a shipped package invalidates exactly its own entry.
 * Real builds of a project shipping real packages (mime-types and mime-db, copied from this
 * repository's node_modules), the warm zip run from its extracted folder by verification.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFixture } from "./helpers/build.js";
import { REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";
import { unzipTest } from "./helpers/zip.js";

function project(): string {
  const root = tempDir("slimfn-cache-");
  fs.mkdirSync(path.join(root, "src"));
  fs.writeFileSync(
    path.join(root, "src/handler.ts"),
    'import mime from "mime-types";\nexport const handler = async (event: { file: string }) => ({ type: mime.lookup(event.file) });\n',
  );
  for (const pkg of ["mime-types", "mime-db"]) fs.cpSync(path.join(REPO, "node_modules", pkg), path.join(root, "node_modules", pkg), { recursive: true });
  return root;
}

/** Every shipped-file cache entry (blob/, pack/, package/, rules/) with its bytes; `inodes` tells a rewritten file apart. */
function snapshot(dir: string, inodes?: Map<string, number>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const p = path.join(dir, f);
    const st = fs.statSync(p);
    if (!st.isFile() || !/^(?:blob|pack|package|rules)\//.test(f)) continue;
    out.set(f, fs.readFileSync(p));
    inodes?.set(f, st.ino);
  }
  return out;
}
const blobs = (s: Map<string, Buffer>) => [...s.keys()].filter((k) => k.startsWith("blob/")).sort();
const packs = (s: Map<string, Buffer>) => [...s.keys()].filter((k) => k.startsWith("pack/")).sort();

async function zipOf(root: string, cache: false | string, verify: boolean | { event: Record<string, unknown> } = false): Promise<Buffer> {
  const out = await buildFixture("esbuild", {
    root,
    entries: ["src/handler.ts"],
    slimfn: { external: ["mime-types"], verify, cache: cache === false ? false : { dir: cache } },
  });
  expect(out.failure?.errors ?? []).toEqual([]);
  return fs.readFileSync(path.join(out.outdir, "handler.zip"));
}

describe("build cache", () => {
  it("gives the same zip bytes uncached, cold, warm and from another folder; a poisoned, truncated or stale entry is rebuilt", async () => {
    const root = project();
    const cache = path.join(tempDir("slimfn-cache-dir-"), "c");
    const uncached = await zipOf(root, false);
    unzipTest(path.join(root, "dist/handler.zip"));
    expect(fs.existsSync(cache)).toBe(false);

    expect((await zipOf(root, cache)).equals(uncached)).toBe(true);
    const coldInodes = new Map<string, number>();
    const cold = snapshot(cache, coldInodes);
    // The bundle and every shipped file of both packages, each deflated once.
    expect(blobs(cold).length).toBe(uncached.toString("latin1").split("PK\x01\x02").length - 1);
    expect([...cold.keys()].filter((k) => k.startsWith("package/")).length).toBe(2);
    // And each shipped package's deflated files once more, together in one pack.
    expect(packs(cold).length).toBe(2);

    // Warm: nothing is deflated or decided again, nothing is written; the zip still starts.
    expect((await zipOf(root, cache, { event: { file: "a.json" } })).equals(uncached)).toBe(true);
    const warmInodes = new Map<string, number>();
    expect(snapshot(cache, warmInodes)).toEqual(cold);
    expect(warmInodes).toEqual(coldInodes);

    // The same project in another folder with this cache: package decisions are made again,
    // every deflated entry is reused (content-addressed).
    const moved = path.join(tempDir("slimfn-cache-moved-"), "elsewhere");
    fs.cpSync(root, moved, { recursive: true, filter: (p) => !p.endsWith(`${path.sep}dist`) });
    expect((await zipOf(moved, cache)).equals(uncached)).toBe(true);
    const afterMove = snapshot(cache);
    expect(blobs(afterMove)).toEqual(blobs(cold));

    // Poison one entry (same length, one byte changed) and truncate another, and the same to
    // both packs so the files' own entries are read: all four are detected by their checksum,
    // rebuilt, and the zip is unchanged.
    const poison = (key: string) => {
      const bad = Buffer.from(cold.get(key)!);
      bad[bad.length - 10] ^= 0xff;
      fs.writeFileSync(path.join(cache, key), bad);
    };
    const [poisoned, truncated] = blobs(cold).filter((k) => cold.get(k)!.length > 200);
    const [poisonedPack, truncatedPack] = packs(cold);
    poison(poisoned!);
    poison(poisonedPack!);
    fs.writeFileSync(path.join(cache, truncated!), cold.get(truncated!)!.subarray(0, 100));
    fs.writeFileSync(path.join(cache, truncatedPack!), cold.get(truncatedPack!)!.subarray(0, 100));
    expect((await zipOf(root, cache)).equals(uncached)).toBe(true);
    const healedInodes = new Map<string, number>();
    const healed = snapshot(cache, healedInodes);
    for (const k of [poisoned!, truncated!, poisonedPack!, truncatedPack!]) expect({ k, bytes: healed.get(k) }).toEqual({ k, bytes: cold.get(k) });

    // A pack poisoned while the files' own entries are intact: found, rebuilt, never zipped.
    poison(poisonedPack!);
    expect((await zipOf(root, cache)).equals(uncached)).toBe(true);
    expect(snapshot(cache).get(poisonedPack!)).toEqual(cold.get(poisonedPack!));
    healedInodes.set(poisonedPack!, fs.statSync(path.join(cache, poisonedPack!)).ino);

    // A changed file in node_modules invalidates exactly its entry: one new blob, no other
    // blob rewritten, and the zip is what an uncached build of the changed tree gives.
    fs.appendFileSync(path.join(root, "node_modules/mime-types/mimeScore.js"), "\n// changed\n");
    const changed = await zipOf(root, cache);
    const afterInodes = new Map<string, number>();
    const after = snapshot(cache, afterInodes);
    const added = blobs(after).filter((k) => !healed.has(k));
    expect(added.length).toBe(1);
    for (const k of blobs(healed)) expect({ k, ino: afterInodes.get(k) }).toEqual({ k, ino: healedInodes.get(k) });
    expect(changed.equals(uncached)).toBe(false);
    expect(changed.equals(await zipOf(root, false))).toBe(true);
  }, 120_000);
});

describe("the hash of slimfn's rules", () => {
  // Kept per process, so each build here is a fresh `slimfn build` (the compiled CLI).
  it("is kept in the cache under the code files' stamps; a poisoned entry is rebuilt and the zips are the same", () => {
    const root = project();
    const cache = path.join(root, "node_modules/.cache/slimfn");
    const build = () => {
      const r = spawnSync(process.execPath, [path.join(REPO, "dist/src/cli.js"), "build", "src/handler.ts", "--external", "mime-types", "--no-verify"], { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
      expect(r.status, r.stderr).toBe(0);
      unzipTest(path.join(root, "dist/handler.zip"));
      return fs.readFileSync(path.join(root, "dist/handler.zip"));
    };
    const cold = build();
    const entries = [...snapshot(cache)].filter(([k]) => k.startsWith("rules/"));
    expect(entries.length).toBe(1);
    const [key, bytes] = entries[0]!;
    // Warm: read, not written again.
    const ino = fs.statSync(path.join(cache, key)).ino;
    expect(build().equals(cold)).toBe(true);
    expect(fs.statSync(path.join(cache, key)).ino).toBe(ino);
    // Poisoned (the hash changed, the checksum not): detected, the hash computed and kept again.
    const bad = Buffer.from(bytes);
    bad[bad.length - 1] = bad[bad.length - 1] === 0x30 ? 0x31 : 0x30;
    fs.writeFileSync(path.join(cache, key), bad);
    expect(build().equals(cold)).toBe(true);
    expect(fs.readFileSync(path.join(cache, key))).toEqual(bytes);
  }, 120_000);
});

describe("verification at scale", () => {
  /** Build the project's five functions with the plugin, capturing the summary slimfn prints. */
  async function buildFive(root: string, cache: string, verify: Record<string, unknown> = {}) {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const out = await buildFixture("esbuild", {
        root,
        entries: Array.from({ length: 5 }, (_, i) => `src/fn-${i + 1}.ts`),
        slimfn: { zip: "dist/[name].zip", verify, cache: { dir: cache }, report: { json: "dist/size.json" } },
        esbuild: { logLevel: "info" },
      });
      const summary = written.join("").replace(/\x1b\[[0-9;]*m/g, "");
      return { ...out, summary, cached: summary.match(/ · verified \(cached\)/g)?.length ?? 0 };
    } finally {
      process.stderr.write = write;
    }
  }
  const handler = (i: number, extra = "") => `${extra}export const handler = async () => ({ fn: ${i} });\n`;

  it("times one run per function in a build of more than four, skips unchanged passing zips, and never caches a failure", async () => {
    const root = tempDir("slimfn-verify-many-");
    fs.mkdirSync(path.join(root, "src"));
    for (let i = 1; i <= 5; i++) fs.writeFileSync(path.join(root, `src/fn-${i}.ts`), handler(i));
    const cache = path.join(tempDir("slimfn-verify-cache-"), "c");

    const first = await buildFive(root, cache);
    expect(first.failure?.errors ?? []).toEqual([]);
    expect(first.model!.functions.map((f) => [f.name, f.init?.runs])).toEqual([1, 2, 3, 4, 5].map((i) => [`fn-${i}`, 1]));
    expect(first.summary.match(/ in 1 run /g)?.length).toBe(5);
    expect(first.cached).toBe(0);

    // Same zips, same inputs: nothing runs, the summary says so, the figures are the cached ones.
    const second = await buildFive(root, cache);
    expect(second.cached).toBe(5);
    expect(second.model!.functions.map((f) => f.init)).toEqual(first.model!.functions.map((f) => f.init));

    // Other verification inputs (runs asked for) or another zip: verified again.
    const timed = await buildFive(root, cache, { runs: 2 });
    expect(timed.cached).toBe(0);
    expect(timed.model!.functions.map((f) => f.init?.runs)).toEqual([2, 2, 2, 2, 2]);
    fs.writeFileSync(path.join(root, "src/fn-3.ts"), handler(3, "// changed\nconst start = Date.now();\n"));
    const changed = await buildFive(root, cache);
    expect(changed.cached).toBe(4);

    // Two functions fail to load: the first in function order is reported, as one by one, and
    // a failure is never served from the cache.
    for (const i of [4, 2]) fs.writeFileSync(path.join(root, `src/fn-${i}.ts`), handler(i, `throw new Error("broken ${i}");\n`));
    for (let attempt = 0; attempt < 2; attempt++) {
      const failed = await buildFive(root, cache);
      expect(failed.failure?.errors.map((e) => e.text.split("\n")[0])).toEqual([
        expect.stringMatching(/^VERIFY_FAILED: Function "fn-2" \(handler fn-2\.handler\)/),
      ]);
    }
  }, 120_000);
});
