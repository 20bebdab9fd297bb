/**
 * Write a file so that readers see the old file or the whole new one, never a partial one
 * (DESIGN rule 4): write to a temporary name in the same folder, then rename over the target.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { trackPath } from "./signals.js";

export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  // An interrupted build removes the temporary file too (src/signals.ts).
  const untrack = trackPath(temp);
  try {
    await fs.writeFile(temp, data, { mode: 0o644 });
    await fs.rename(temp, target);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  } finally {
    untrack();
  }
}
