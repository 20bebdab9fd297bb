/**
 * What the host can do, for tests that need a particular one: a test that reads Linux x64
 * binaries (sharp's prebuilt packages as npm installs them here) is skipped elsewhere, not failed.
 */
import fs from "node:fs";
import path from "node:path";
import { REPO } from "./paths.js";

/** Linux on x86_64 with sharp's linux-x64 packages installed (the fixtures' native code). */
export const SHARP_LINUX_X64 =
  process.platform === "linux" && process.arch === "x64" && fs.existsSync(path.join(REPO, "node_modules/@img/sharp-linux-x64/package.json"));
