/**
 * `slimfn measure` on zips from anywhere: names that climb out (`../`, absolute paths), symlink
 * entries that lead out of the task folder, zip bombs (honest and lying sizes) and corrupt
 * files. Each is refused with its code before Info-ZIP unzip writes anything: nothing appears
 * outside the temporary folder, and the folder is gone afterwards (TMPDIR is left empty).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";
import { unzipList } from "../helpers/zip.js";
import { hostileZip, type HostileEntry } from "./hostile-zip.js";

const CLI = path.join(REPO, "dist/src/cli.js");
const handler = { name: "handler.mjs", data: Buffer.from("export const handler = async () => 1;\n") };

/** Write the zip, run `slimfn measure` on it with its own TMPDIR; the outcome and what is left there. */
function measure(entries: HostileEntry[] | Buffer) {
  const work = tempDir("slimfn-hostile-");
  const tmp = path.join(work, "tmp");
  fs.mkdirSync(tmp);
  const zip = path.join(work, "evil.zip");
  fs.writeFileSync(zip, Buffer.isBuffer(entries) ? entries : hostileZip(entries));
  const r = spawnSync(process.execPath, [CLI, "measure", zip, "--runs", "1"], { cwd: work, encoding: "utf8", env: { PATH: process.env.PATH, NO_COLOR: "1", TMPDIR: tmp } });
  return { zip, work, status: r.status, stderr: r.stderr, left: fs.readdirSync(tmp), outside: fs.readdirSync(work).sort() };
}

const unsafe = (zip: string, name: string, why: string) =>
  `error: [ZIP_UNSAFE_ENTRY] ${zip} holds the entry ${JSON.stringify(name)}, which ${why}: extracting it could write outside the task folder, so nothing was extracted. Lambda would not run such a zip as built; rebuild it without that entry.`;

describe("slimfn measure refuses hostile zips before extracting", () => {
  it("entries named ../ or with an absolute path", () => {
    const target = path.join(tempDir("slimfn-target-"), "pwned.txt");
    const r = measure([handler, { name: "../../pwned.txt", data: Buffer.from("x") }, { name: target, data: Buffer.from("x") }, { name: "a\\..\\..\\win.txt", data: Buffer.from("x") }]);
    expect(unzipList(r.zip)).toEqual(["handler.mjs", "../../pwned.txt", target, "a\\..\\..\\win.txt"]);
    expect(r.stderr).toBe(
      [unsafe(r.zip, "../../pwned.txt", 'climbs out with ".."'), unsafe(r.zip, target, "is an absolute path"), unsafe(r.zip, "a\\..\\..\\win.txt", 'climbs out with ".."'), ""].join("\n"),
    );
    expect(r.status).toBe(1);
    expect(r.left).toEqual([]);
    expect(r.outside).toEqual(["evil.zip", "tmp"]);
    expect(fs.existsSync(target)).toBe(false);
  });

  it("symlink entries that lead out of the task folder, directly or through another link", () => {
    const outside = tempDir("slimfn-outside-");
    const r = measure([
      handler,
      { name: "etc", link: outside },
      { name: "etc/pwned.txt", data: Buffer.from("x") },
      { name: "lib/here", link: "." },
      { name: "lib/up", link: "here/../.." },
      { name: "ok", link: "lib" },
    ]);
    expect(unzipList(r.zip)).toEqual(["handler.mjs", "etc", "etc/pwned.txt", "lib/here", "lib/up", "ok"]);
    expect(r.stderr).toBe(
      [
        unsafe(r.zip, "etc", `is a symlink to ${JSON.stringify(outside)}, outside the zip's folder`),
        unsafe(r.zip, "etc/pwned.txt", "passes through a symlink that leads outside the zip's folder"),
        unsafe(r.zip, "lib/up", 'is a symlink to "here/../..", outside the zip\'s folder'),
        "",
      ].join("\n"),
    );
    expect(r.status).toBe(1);
    expect(r.left).toEqual([]);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it("a zip bomb: more than Lambda's 262,144,000 unzipped bytes, read from the central directory", () => {
    const tenMB = Buffer.alloc(10_000_000);
    const compressed = zlib.deflateRawSync(tenMB, { level: 9 });
    const r = measure([handler, ...Array.from({ length: 27 }, (_, i) => ({ name: `zeros/${i}.bin`, data: tenMB, compressed }))]);
    expect(fs.statSync(r.zip).size).toBeLessThan(1_000_000);
    expect(r.stderr).toBe(
      `error: [ZIP_TOO_LARGE] ${r.zip} unzips to 270,000,038 bytes (28 entries), over Lambda's limit of 262,144,000 bytes unzipped; it was not extracted. Lambda would refuse it too: ship less (strip, lazy, fewer packages).\n`,
    );
    expect(r.status).toBe(1);
    expect(r.left).toEqual([]);
  });

  it("a zip bomb that lies: an entry inflating past the size it declares", () => {
    const mb = Buffer.alloc(1_000_000);
    const r = measure([handler, { name: "small.txt", data: mb, compressed: zlib.deflateRawSync(mb), declaredSize: 1000 }]);
    expect(r.stderr).toBe(
      `error: [ZIP_TOO_LARGE] ${r.zip} holds the entry "small.txt", whose data inflates past the 1,000 bytes it declares (a zip bomb); it was not extracted. Rebuild the zip.\n`,
    );
    expect(r.status).toBe(1);
    expect(r.left).toEqual([]);
  });

  it("corrupt zips: not a zip, cut short, a flipped byte", () => {
    const invalid = (zip: string, why: string) =>
      `error: [ZIP_INVALID] ${zip} is not a readable zip: ${why}. Rebuild it (slimfn writes zips Lambda and Info-ZIP unzip read), or check that the file was copied whole.\n`;
    const good = hostileZip([handler]);

    const junk = measure(Buffer.from("PK this is not a zip at all"));
    expect(junk.stderr).toBe(invalid(junk.zip, "no end of central directory record (not a zip, or cut short)"));

    // The end record survives, the central directory it points at does not.
    const cut = measure(Buffer.concat([good.subarray(0, 40), good.subarray(good.length - 22)]));
    expect(cut.stderr).toBe(invalid(cut.zip, `a record at byte ${good.length - 22 - 46 - handler.name.length} runs past the end of the file (62 bytes)`));

    const flipped = Buffer.from(good);
    flipped[30 + handler.name.length + 3]! ^= 0xff;
    const crc = measure(flipped);
    expect(crc.stderr).toBe(invalid(crc.zip, '"handler.mjs" fails its CRC check'));

    for (const r of [junk, cut, crc]) {
      expect(r.status).toBe(1);
      expect(r.left).toEqual([]);
    }
  });
});
