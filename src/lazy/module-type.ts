/**
 * Whether a source file is an ES module in Node's sense: `.mjs`/`.mts`, or a `.js`/`.ts`/...
 * file whose nearest package.json says `"type": "module"`. esbuild's CommonJS interop depends
 * on it (in such a file, a default import of CommonJS is `module.exports` even when the package
 * sets `__esModule`), so a virtual module that stands in for the file's imports must be read
 * the same way.
 */
import fs from "node:fs/promises";
import path from "node:path";

/**
 * The answer for files, package.json reads remembered for one build: a watch rebuild after an
 * edit of `"type"` must read it as it is now (the session makes one reader per build).
 */
export function moduleTypeReader(): (file: string) => Promise<boolean> {
  const typeOfDir = new Map<string, Promise<string | undefined>>();
  const packageType = (dir: string): Promise<string | undefined> => {
    let hit = typeOfDir.get(dir);
    if (!hit) {
      hit = fs.readFile(path.join(dir, "package.json"), "utf8").then(
        (text) => {
          const type = (JSON.parse(text) as { type?: unknown }).type;
          return typeof type === "string" ? type : "commonjs";
        },
        () => (path.dirname(dir) === dir ? undefined : packageType(path.dirname(dir))),
      );
      typeOfDir.set(dir, hit);
    }
    return hit;
  };
  return async (file) => {
    const ext = path.extname(file);
    if (ext === ".mjs" || ext === ".mts") return true;
    if (ext === ".cjs" || ext === ".cts") return false;
    return (await packageType(path.dirname(file))) === "module";
  };
}

