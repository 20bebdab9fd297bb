/**
 * Extract a zip the way a user's upload is unpacked: with Info-ZIP `unzip` into an empty folder
 * outside any `node_modules` tree, so a missing dependency cannot be found by accident in a
 * `node_modules` folder of the host.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { error, SlimfnError } from "../diagnostics.js";
import { LAMBDA_LIMITS } from "../runtime.js";
import { trackPath } from "../signals.js";
import { checkZip } from "./zip-check.js";

const run = promisify(execFile);

export interface Extracted {
  /** The folder holding the zip's contents (Lambda's task root). */
  dir: string;
  /** Remove everything this extraction created. */
  cleanup(): Promise<void>;
}

/** The first ancestor of `dir` (itself included) that holds a `node_modules` folder. */
export function nodeModulesAbove(dir: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(d, "node_modules"))) return path.join(d, "node_modules");
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/**
 * Read a zip file and check it before extraction (`zip-check.ts`). A file larger than Lambda's
 * unzipped limit is refused unread: its entries could not fit under the limit either.
 */
async function checkZipFile(zipPath: string): Promise<void> {
  let size: number;
  try {
    size = (await fs.promises.stat(zipPath)).size;
  } catch (e) {
    throw new SlimfnError(error("ZIP_INVALID", `Cannot read the zip ${zipPath} (${(e as NodeJS.ErrnoException).code ?? String(e)}). Check the path.`));
  }
  if (size > LAMBDA_LIMITS.unzipped) {
    throw new SlimfnError(
      error("ZIP_TOO_LARGE", `${zipPath} is ${size.toLocaleString("en-US")} bytes, over Lambda's limit of ${LAMBDA_LIMITS.unzipped.toLocaleString("en-US")} bytes unzipped; it was not extracted. Lambda would refuse it too: ship less (strip, lazy, fewer packages).`),
    );
  }
  checkZip(await fs.promises.readFile(zipPath), zipPath);
}

/**
 * Extract a zip (bytes or a path) into a fresh temporary folder, after checking that nothing in
 * it can write outside that folder or fill the disk (`zip-check.ts`).
 */
export async function extractZip(zip: Uint8Array | string): Promise<Extracted> {
  const base = await fs.promises.mkdtemp(path.join(os.tmpdir(), "slimfn-verify-"));
  // An interrupted verification or measure removes the folder too (src/signals.ts).
  const untrack = trackPath(base);
  const cleanup = async () => {
    await fs.promises.rm(base, { recursive: true, force: true });
    untrack();
  };
  try {
    const leak = nodeModulesAbove(base);
    if (leak) {
      throw new SlimfnError(
        error(
          "VERIFY_FAILED",
          `Cannot verify in a clean folder: ${leak} is above the temporary folder ${base}, so packages missing from the zip could still be found there. Remove it or point TMPDIR at another folder.`,
        ),
      );
    }
    let zipPath: string;
    if (typeof zip === "string") {
      zipPath = path.resolve(zip);
      await checkZipFile(zipPath);
    } else {
      checkZip(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength), "the zip", true);
      zipPath = path.join(base, "artifact.zip");
      await fs.promises.writeFile(zipPath, zip);
    }
    const dir = path.join(base, "task");
    await fs.promises.mkdir(dir);
    try {
      await run("unzip", ["-q", "-o", zipPath, "-d", dir], { maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      const why = err.code === "ENOENT" ? "Info-ZIP unzip is not installed (apt-get install unzip)" : (err.stderr || err.message).trim();
      throw new SlimfnError(error("VERIFY_FAILED", `Cannot extract ${typeof zip === "string" ? zipPath : "the zip"}: ${why}.`));
    }
    if (typeof zip !== "string") await fs.promises.rm(zipPath);
    return { dir, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
