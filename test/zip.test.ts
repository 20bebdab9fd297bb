import { createHash } from "node:crypto";
import fs from "node:fs";
import zlib from "node:zlib";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readCentralDirectory } from "../src/zip/read.js";
import { zipTimestamp } from "../src/zip/timestamp.js";
import { buildZip } from "../src/zip/write.js";
import { isElfExecutable } from "../src/zip/modes.js";
import { REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";
import { extractZip, unzipList, unzipLong, unzipTest } from "./helpers/zip.js";

const text = (s: string) => Buffer.from(s);

async function writeZip(entries: Parameters<typeof buildZip>[0], options?: Parameters<typeof buildZip>[1]) {
  const zip = await buildZip(entries, options);
  const file = path.join(tempDir(), "out.zip");
  fs.writeFileSync(file, zip.bytes);
  return { zip, file };
}

describe("deterministic zip writer", () => {
  it("sorts entries, whatever order they come in, and Info-ZIP reads them back intact", async () => {
    const entries = [
      { path: "node_modules/b/index.js", data: text("module.exports = 2;\n") },
      { path: "handler.mjs", data: text("export const handler = () => 1;\n") },
      { path: "chunk-A.mjs", data: text("export const a = 1;\n".repeat(50)) },
    ];
    const a = await writeZip(entries);
    const b = await writeZip([...entries].reverse());
    expect(a.zip.sha256).toBe(b.zip.sha256);
    expect(unzipTest(a.file)).toMatch(/No errors detected/);
    expect(unzipList(a.file)).toEqual(["chunk-A.mjs", "handler.mjs", "node_modules/b/index.js"]);
    const dir = extractZip(a.file);
    expect(fs.readFileSync(path.join(dir, "node_modules/b/index.js"), "utf8")).toBe("module.exports = 2;\n");
    expect(fs.readFileSync(path.join(dir, "chunk-A.mjs"), "utf8")).toBe("export const a = 1;\n".repeat(50));
  });

  it("writes one fixed timestamp, 0644/0755 modes and no extended-time fields", async () => {
    const { file } = await writeZip([
      { path: "bin/tool", data: text("#!/usr/bin/env node\nconsole.log(1)\n") },
      { path: "lib/a.js", data: text("x") },
      { path: "bin/forced", data: text("not a script"), executable: true },
    ]);
    const long = unzipLong(file);
    expect(long).toMatch(/-rwxr-xr-x .* bin\/forced/);
    expect(long).toMatch(/-rwxr-xr-x .* bin\/tool/);
    expect(long).toMatch(/-rw-r--r-- .* lib\/a\.js/);
    expect(long.match(/80-Jan-01 00:00/g)).toHaveLength(3);
    const central = readCentralDirectory(fs.readFileSync(file));
    expect(central.map((c) => c.mode & 0o777)).toEqual([0o755, 0o755, 0o644]);
    // Info-ZIP's verbose listing names every extra field; there must be none.
    expect(execZipinfoExtras(file)).toEqual([]);
  });

  it("uses SOURCE_DATE_EPOCH in UTC, so TZ never changes the bytes", async () => {
    const epoch = String(Date.UTC(2024, 2, 31, 2, 30, 0) / 1000); // inside a DST gap in Europe
    const date = zipTimestamp({ SOURCE_DATE_EPOCH: epoch });
    const { file, zip } = await writeZip([{ path: "a.txt", data: text("a") }], { mtime: date });
    expect(unzipLong(file)).toMatch(/24-Mar-31 02:30/);
    const again = await buildZip([{ path: "a.txt", data: text("a") }], { mtime: zipTimestamp({ SOURCE_DATE_EPOCH: epoch }) });
    expect(again.sha256).toBe(zip.sha256);
    expect(() => zipTimestamp({ SOURCE_DATE_EPOCH: "yesterday" })).toThrow(/SOURCE_DATE_EPOCH must be a whole number/);
  });

  it("reports exact per-entry sizes and the sha256 of the bytes", async () => {
    const big = Buffer.from("abcdefgh".repeat(10_000));
    const { zip, file } = await writeZip([{ path: "big.txt", data: big }, { path: "small.txt", data: text("s") }]);
    expect(zip.sha256).toBe(createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
    expect(zip.entries.map((e) => [e.path, e.bytes])).toEqual([["big.txt", 80_000], ["small.txt", 1]]);
    const listed = unzipVerboseSizes(file);
    expect(zip.entries.map((e) => e.zipBytes)).toEqual(listed);
    expect(zip.entries[0]!.zipBytes).toBeLessThan(1000);
  });

  it("writes ZIP64 when there are more than 65,535 entries", async () => {
    const entries = Array.from({ length: 65_600 }, (_, i) => ({ path: `f/${String(i).padStart(6, "0")}`, data: text("") }));
    const { zip, file } = await writeZip(entries, { level: 0 });
    expect(zip.entries).toHaveLength(65_600);
    expect(unzipTest(file)).toMatch(/No errors detected/);
    expect(unzipList(file)).toHaveLength(65_600);
  });

  it("refuses paths that would escape or collide", async () => {
    await expect(buildZip([{ path: "../evil", data: text("") }])).rejects.toThrow(/Invalid zip entry path "\.\.\/evil"/);
    await expect(buildZip([{ path: "/abs", data: text("") }])).rejects.toThrow(/Invalid zip entry path/);
    await expect(buildZip([{ path: "a", data: text("1") }, { path: "a", data: text("2") }])).rejects.toThrow(/same zip path "a"/);
  });

  it("tells ELF executables from shared libraries", () => {
    expect(isElfExecutable(fs.readFileSync(process.execPath))).toBe(true);
    const sharp = path.join(REPO, "node_modules/@img/sharp-linux-x64/lib");
    const node = fs.readdirSync(sharp).find((f) => f.endsWith(".node"))!;
    expect(isElfExecutable(fs.readFileSync(path.join(sharp, node)))).toBe(false);
    expect(isElfExecutable(text("#!/bin/sh\n"))).toBe(false);
  });
});

import { execFileSync } from "node:child_process";

/** Extra-field ids per entry, from `zipinfo -v`; empty when no entry has one. */
function execZipinfoExtras(file: string): string[] {
  const out = execFileSync("unzip", ["-Zv", file], { encoding: "utf8" });
  return [...out.matchAll(/The (.+) extra field/g)].map((m) => m[1]!);
}

/** Compressed sizes per entry as Info-ZIP reports them. */
function unzipVerboseSizes(file: string): number[] {
  const out = execFileSync("unzip", ["-Zv", file], { encoding: "utf8" });
  return [...out.matchAll(/^\s+compressed size:\s+(\d+) bytes/gm)].map((m) => Number(m[1]));
}

describe("zip writer records", () => {
  it("are byte for byte what yazl writes for the same entries (deflated, stored, executable, UTF-8 names), pre-deflated entries included", async () => {
    const yazl = (await import("yazl")).default;
    const { deflateEntry } = await import("../src/zip/deflate.js");
    const { EXEC_MODE, FILE_MODE, isExecutableContent } = await import("../src/zip/modes.js");
    const sharp = path.join(REPO, "node_modules/@img/sharp-linux-x64/lib");
    const node = fs.readdirSync(sharp).find((f) => f.endsWith(".node"))!;
    const entries = [
      { path: "a/empty.txt", data: text("") },
      { path: "bin/run", data: text("#!/usr/bin/env node\nconsole.log(1)\n") },
      { path: "lib/ünïcödé.js", data: text("export const x = 'ü';\n".repeat(300)) },
      // Its first 200 KB: whole entries only, as yazl writes them (one level-9 stream); from
      // 256 KiB an entry is cut into pieces, a different (still valid) stream, tested below.
      { path: "lib/addon.node", data: fs.readFileSync(path.join(sharp, node)).subarray(0, 200_000) },
      { path: "big.json", data: fs.readFileSync(path.join(REPO, "node_modules/mime-db/db.json")) },
    ];
    const mtime = zipTimestamp({});
    for (const level of [9, 0]) {
      const theirs = new yazl.ZipFile();
      const chunks: Buffer[] = [];
      const done = new Promise<void>((resolve) => theirs.outputStream.on("data", (c: Buffer) => chunks.push(c)).on("end", resolve));
      for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : 1))) {
        theirs.addBuffer(e.data, e.path, { mtime, mode: isExecutableContent(e.data) ? EXEC_MODE : FILE_MODE, forceDosTimestamp: true, compressionLevel: level });
      }
      theirs.end();
      await done;
      const ours = await buildZip(entries, { level });
      expect({ level, same: ours.bytes.equals(Buffer.concat(chunks)) }).toEqual({ level, same: true });
      // Entries handed over already deflated (as the build cache does) give the same bytes.
      const pre = await buildZip(entries.map((e) => ({ path: e.path, deflated: deflateEntry(e.data, level) })), { level });
      expect(pre.sha256).toBe(ours.sha256);
    }
  });
});

describe("large entries, deflated in pieces on the thread pool", () => {
  it("give one valid stream Info-ZIP extracts, the same bytes every run and from the sync and pooled paths", async () => {
    const { deflateAll, deflateEntry } = await import("../src/zip/deflate.js");
    // 3.3 MiB: four pieces, the last one short; text, then a real binary (node's own).
    const typescript = fs.readFileSync(path.join(REPO, "node_modules/typescript/lib/typescript.js")).subarray(0, 3 << 20);
    const large = Buffer.concat([typescript, fs.readFileSync(process.execPath).subarray(0, 300_000)]);
    const entries = [
      { path: "lib/large.js", data: large },
      { path: "lib/small.js", data: text("export const x = 1;\n") },
    ];
    const first = await buildZip(entries);
    const again = await buildZip([...entries].reverse());
    expect(again.sha256).toBe(first.sha256);
    const [pooled] = await deflateAll([large], 9);
    const sync = deflateEntry(large, 9);
    expect(Buffer.from(pooled!.bytes).equals(Buffer.from(sync.bytes))).toBe(true);
    expect(zlib.inflateRawSync(sync.bytes).equals(large)).toBe(true);
    // Within 0.5% of one level-9 stream.
    expect(sync.bytes.byteLength / zlib.deflateRawSync(large, { level: 9 }).byteLength).toBeLessThan(1.005);
    const dir = tempDir("slimfn-zip-large-");
    const file = path.join(dir, "large.zip");
    fs.writeFileSync(file, first.bytes);
    unzipTest(file);
    const out = extractZip(file);
    expect(fs.readFileSync(path.join(out, "lib/large.js")).equals(large)).toBe(true);
  });
});

describe("bundle-sized entries (256 KiB to 1 MiB), deflated in 256 KiB pieces", () => {
  it("are the documented cut, extract byte for byte with Info-ZIP and give the same bytes from the sync and pooled paths", async () => {
    const esbuild = await import("esbuild");
    const { deflateAll, deflateEntry } = await import("../src/zip/deflate.js");
    // A real minified bundle (zod, ajv and moment: ~650 KB, so three pieces, the last short).
    const built = await esbuild.build({
      stdin: { contents: 'export * as z from "zod"; export { default as Ajv } from "ajv"; export { default as moment } from "moment";', resolveDir: REPO, loader: "js" },
      bundle: true, minify: true, platform: "node", format: "esm", write: false, logLevel: "silent",
    });
    const bundle = Buffer.from(built.outputFiles[0]!.contents);
    expect(bundle.byteLength).toBeGreaterThan(512 << 10);
    expect(bundle.byteLength).toBeLessThan(1 << 20);

    const sync = deflateEntry(bundle, 9);
    const [pooled] = await deflateAll([bundle], 9);
    expect(Buffer.from(pooled!.bytes).equals(Buffer.from(sync.bytes))).toBe(true);
    // The cut DEFLATE_SCHEME names: 256 KiB pieces at level 7, each primed with the 32 KiB
    // before it, sync-flushed, the last one finished. Changing it means bumping the scheme.
    const PIECE = 256 << 10;
    const pieces = [];
    for (let start = 0; start < bundle.byteLength; start += PIECE) {
      const last = start + PIECE >= bundle.byteLength;
      pieces.push(zlib.deflateRawSync(bundle.subarray(start, start + PIECE), {
        level: 7,
        finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
        ...(start > 0 ? { dictionary: bundle.subarray(start - 32 * 1024, start) } : {}),
      }));
    }
    expect(pieces).toHaveLength(3);
    expect(Buffer.from(sync.bytes).equals(Buffer.concat(pieces))).toBe(true);
    // Within 0.5% of one level-9 stream.
    expect(sync.bytes.byteLength / zlib.deflateRawSync(bundle, { level: 9 }).byteLength).toBeLessThan(1.005);

    const entries = [
      { path: "handler.mjs", data: bundle },
      { path: "lib/small.js", data: text("export const x = 1;\n") },
    ];
    const first = await buildZip(entries);
    const again = await buildZip([...entries].reverse());
    expect(again.sha256).toBe(first.sha256);
    const file = path.join(tempDir("slimfn-zip-bundle-"), "bundle.zip");
    fs.writeFileSync(file, first.bytes);
    expect(unzipTest(file)).toMatch(/No errors detected/);
    const out = extractZip(file);
    expect(fs.readFileSync(path.join(out, "handler.mjs")).equals(bundle)).toBe(true);
  });

  it("below 256 KiB stay one level-9 stream", async () => {
    const { deflateAll, deflateEntry } = await import("../src/zip/deflate.js");
    const typescript = fs.readFileSync(path.join(REPO, "node_modules/typescript/lib/typescript.js"));
    const under = typescript.subarray(0, (256 << 10) - 1);
    const whole = zlib.deflateRawSync(under, { level: 9 });
    expect(Buffer.from(deflateEntry(under, 9).bytes).equals(whole)).toBe(true);
    expect(Buffer.from((await deflateAll([under], 9))[0]!.bytes).equals(whole)).toBe(true);
  });
});
