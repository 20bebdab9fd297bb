/** Small hostile projects for the security suite, written into fresh temp folders. */
import fs from "node:fs";
import path from "node:path";
import { tempDir } from "../helpers/tmp.js";

export function write(root: string, files: Record<string, string | Buffer>): string {
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
  }
  return root;
}

export function link(root: string, rel: string, target: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.symlinkSync(target, path.join(root, rel));
}

/**
 * A project whose handler imports the installed package `evilpkg` (shipped with slimfn's
 * external), plus any extra files.
 */
export function project(files: Record<string, string | Buffer> = {}): string {
  return write(tempDir("slimfn-sec-"), {
    "package.json": '{"name":"fn","version":"1.0.0","type":"module"}\n',
    "src/handler.mjs": 'import { hello } from "evilpkg";\nexport const handler = async () => hello();\n',
    "node_modules/evilpkg/package.json": '{"name":"evilpkg","version":"1.0.0","main":"index.js"}\n',
    "node_modules/evilpkg/index.js": 'exports.hello = () => "hello";\n',
    ...files,
  });
}

/** Every file under `dir`, relative, sorted (empty when it does not exist). */
export function filesUnder(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => fs.lstatSync(path.join(dir, f)).isFile()).sort()
    : [];
}

/** The zips and size model a build left in dist/ (esbuild itself may have written the bundle). */
export function artifacts(root: string): string[] {
  return filesUnder(path.join(root, "dist")).filter((f) => f.endsWith(".zip") || f.endsWith(".json") || f.endsWith(".tmp"));
}
