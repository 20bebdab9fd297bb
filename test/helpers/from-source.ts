/**
 * Run a fixture "from source": every source file transpiled on its own (no bundling, no
 * tree-shaking, no slimfn), imports left as written, so the answers are the program's own.
 */
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { repoTempDir } from "./tmp.js";

export async function transpileSource(fixtureDir: string): Promise<string> {
  const out = repoTempDir("src-");
  const files = fs.readdirSync(path.join(fixtureDir, "src"), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.[cm]?[jt]sx?$/.test(f))
    .map((f) => path.join(fixtureDir, "src", f));
  await esbuild.build({ entryPoints: files, outdir: out, outbase: path.join(fixtureDir, "src"), bundle: false, format: "esm", platform: "node", logLevel: "silent", outExtension: { ".js": ".mjs" } });
  // Source imports say `./x.js`; the transpiled files are `.mjs`.
  for (const f of fs.readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".mjs"))) {
    const p = path.join(out, f);
    fs.writeFileSync(p, fs.readFileSync(p, "utf8").replace(/(from\s*["']\.{1,2}\/[^"']*?)\.js(["'])/g, "$1.mjs$2"));
  }
  return out;
}
