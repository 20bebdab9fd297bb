/** Check and extract zips with Info-ZIP `unzip`, the tool users and Lambda's docs use. */
import { execFileSync } from "node:child_process";
import { tempDir } from "./tmp.js";

/** `unzip -t`: throws when any entry fails its CRC or the archive is damaged. */
export function unzipTest(zipFile: string): string {
  return execFileSync("unzip", ["-t", zipFile], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

/** `unzip -Z1`: entry names in archive order. */
export function unzipList(zipFile: string): string[] {
  return execFileSync("unzip", ["-Z1", zipFile], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }).split("\n").filter(Boolean);
}

/** `unzip -Zl`: the long listing (modes, sizes, compressed sizes, dates). */
export function unzipLong(zipFile: string): string {
  return execFileSync("unzip", ["-Zl", zipFile], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

/** Extract into a fresh empty temp folder outside any node_modules tree; returns the folder. */
export function extractZip(zipFile: string): string {
  const dir = tempDir("slimfn-unzip-");
  execFileSync("unzip", ["-q", zipFile, "-d", dir]);
  return dir;
}
