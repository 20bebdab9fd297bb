/**
 * The native-code index's answers kept in one process (src/cache/native-index.ts): the install
 * fingerprint and the index entry are read once and reused while the stamps of what they came
 * from hold. Checked on real folders: every change that must be seen is, within the process.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installFingerprint, NativeIndex } from "../src/cache/native-index.js";
import { resolveOptions } from "../src/options.js";
import { tempDir, writeFiles } from "./helpers/tmp.js";

const install = () =>
  writeFiles(tempDir("slimfn-native-index-"), {
    "package.json": '{ "name": "ws", "private": true }\n',
    "package-lock.json": '{ "lockfileVersion": 3, "packages": {} }\n',
    "node_modules/.package-lock.json": "{}\n",
    "app/package.json": '{ "name": "app" }\n',
    "app/src/handler.ts": "export const handler = async () => 1;\n",
  });

describe("native index in one process", () => {
  it("sees a changed lockfile, a lockfile added below the install root, and content put back", () => {
    const root = install();
    const app = path.join(root, "app");
    const first = installFingerprint(app);
    expect(installFingerprint(app)).toBe(first);
    fs.writeFileSync(path.join(root, "package-lock.json"), '{ "lockfileVersion": 3, "packages": { "": {} } }\n');
    const edited = installFingerprint(app);
    expect(edited).not.toBe(first);
    // The same content again, written anew: the same fingerprint (it is the content's).
    fs.writeFileSync(path.join(root, "package-lock.json"), '{ "lockfileVersion": 3, "packages": {} }\n');
    expect(installFingerprint(app)).toBe(first);
    // The app becomes its own install: the folder it was looked up from changed.
    fs.writeFileSync(path.join(app, "package-lock.json"), '{ "lockfileVersion": 3, "packages": {} }\n');
    const own = installFingerprint(app);
    expect(own).not.toBe(first);
    fs.rmSync(path.join(app, "package-lock.json"));
    expect(installFingerprint(app)).toBe(first);
  });

  it("reads the index entry again when its file changed: a poisoned entry is a miss, never a kept answer", () => {
    const root = install();
    const dir = path.join(root, ".cache");
    const options = resolveOptions({ cache: { dir } }, path.join(root, "app"));
    const pkg = path.join(root, "node_modules/some-pkg");
    const written = NativeIndex.open(options);
    written.set(pkg, "stamp-1", "build/Release/addon.node");
    written.save();
    expect(NativeIndex.open(options).get(pkg, "stamp-1")).toBe("build/Release/addon.node");
    const [entry] = fs
      .readdirSync(path.join(dir, "native"), { recursive: true, encoding: "utf8" })
      .map((f) => path.join(dir, "native", f))
      .filter((f) => fs.statSync(f).isFile() && fs.readFileSync(f, "utf8").includes("addon.node"));
    const bytes = fs.readFileSync(entry!);
    fs.writeFileSync(entry!, Buffer.from(bytes.toString("latin1").replace("addon.node", "addon.nodX"), "latin1"));
    // The checksum no longer matches: removed and not used, in this process too.
    expect(NativeIndex.open(options).get(pkg, "stamp-1")).toBeUndefined();
    expect(fs.existsSync(entry!)).toBe(false);
  });
});
