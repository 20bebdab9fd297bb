/**
 * Whether a source file is an ES module in Node's sense: `.mjs`/`.mts`, or a `.js`/`.ts`/...
 * file whose nearest package.json says `"type": "module"`. esbuild's CommonJS interop depends
 * on it (in such a file, a default import of CommonJS is `module.exports` even when the package
 * sets `__esModule`), so a virtual module that stands in for the file's imports must be read
 * the same way.
 */
import fs from "node:fs";
import path from "node:path";

/**
 * The answer for files, package.json reads remembered for one build: a watch rebuild after an
 * edit of `"type"` must read it as it is now (the session makes one reader per build). Read
 * synchronously: the walk up to the nearest package.json was one thread-pool round trip per
 * folder, 1-8 ms on the critical path of a lazily importing file's load while the bundler waits.
 */
export function moduleTypeReader(): (file: string) => Promise<boolean> {
  const typeOfDir = new Map<string, string | undefined>();
  const packageType = (dir: string): string | undefined => {
    if (typeOfDir.has(dir)) return typeOfDir.get(dir);
    let type: string | undefined;
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(dir, "package.json"), "utf8");
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      // A package.json that does not parse fails the file's transform, as it did read async.
      const parsed = JSON.parse(text) as { type?: unknown };
      type = typeof parsed.type === "string" ? parsed.type : "commonjs";
    } else {
      type = path.dirname(dir) === dir ? undefined : packageType(path.dirname(dir));
    }
    typeOfDir.set(dir, type);
    return type;
  };
  return async (file) => {
    const ext = path.extname(file);
    if (ext === ".mjs" || ext === ".mts") return true;
    if (ext === ".cjs" || ext === ".cts") return false;
    return packageType(path.dirname(file)) === "module";
  };
}
