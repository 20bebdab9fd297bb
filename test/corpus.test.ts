/**
 * The safety corpus (issue 6): real npm packages that cleaners have broken or that read their
 * own files at run time (declaration files, fonts, locales, wasm, encoding tables, meta-schemas,
 * native addons in platform packages, an executable). Each is shipped unbundled through the real
 * esbuild plugin with the default strip rules, its zip extracted with Info-ZIP into a clean
 * folder, and its handler called in a fresh node. The answers must equal the same handler run
 * from source against the untouched node_modules.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FunctionModel, SizeModel } from "../src/report/model.js";
import { buildFixture } from "./helpers/build.js";
import { transpileSource } from "./helpers/from-source.js";
import { handlerModule, invokeHandler, type Answer } from "./helpers/invoke.js";
import { fixture, REPO } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

/** Function name (fixture file) -> the package it ships unbundled. */
export const CORPUS: Record<string, string> = {
  typescript: "typescript",
  sharp: "sharp",
  zod: "zod",
  "client-s3": "@aws-sdk/client-s3",
  logger: "@aws-lambda-powertools/logger",
  esbuild: "esbuild",
  lightningcss: "lightningcss",
  yargs: "yargs",
  "iconv-lite": "iconv-lite",
  "mime-types": "mime-types",
  moment: "moment",
  figlet: "figlet",
  ajv: "ajv",
  "uglify-js": "uglify-js",
  "source-map": "source-map",
  xxhash: "@node-rs/xxhash",
  rollup: "rollup",
  "swagger-ui": "swagger-ui-dist",
};
const NAMES = Object.keys(CORPUS).sort();

let root: string;
let model: SizeModel;
let fromSource: string;

beforeAll(async () => {
  root = copyFixture(fixture("strip-corpus"), repoTempDir("strip-corpus-"));
  const built = await buildFixture("esbuild", {
    root,
    entries: NAMES.map((n) => `src/${n}.ts`),
    slimfn: { external: Object.values(CORPUS), zip: "dist/[name].zip", verify: false, report: { json: "dist/size.json" } },
  });
  expect(built.failure?.errors).toBeUndefined();
  model = built.model!;
  fromSource = await transpileSource(fixture("strip-corpus"));
}, 600_000);

/** Files and bytes of an installed package folder (without nested node_modules). */
function listed(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (f.split(path.sep).includes("node_modules")) continue;
    const st = fs.statSync(path.join(dir, f));
    if (st.isFile()) {
      files++;
      bytes += st.size;
    }
  }
  return { files, bytes };
}

const fn = (name: string) => model.functions.find((f) => f.name === name) as FunctionModel;

describe("safety corpus: shipped with the default strip rules", () => {
  it("builds one zip per corpus package, each shipping its package", () => {
    expect(model.functions.map((f) => f.name)).toEqual(NAMES);
    for (const name of NAMES) expect(fn(name).shipped!.map((p) => p.name)).toContain(CORPUS[name]);
  });

  it.each(NAMES)("%s answers from the extracted zip exactly as from source", (name) => {
    const expected = invokeHandler(path.join(fromSource, `${name}.mjs`), "handler", [{}]);
    expect(expected[0]).toHaveProperty("ok");
    const dir = extractZip(path.join(root, "dist", `${name}.zip`));
    const { file, exportName } = handlerModule(dir, fn(name).handler);
    const answers: Answer[] = invokeHandler(file, exportName, [{}], { env: { LAMBDA_TASK_ROOT: dir } });
    expect(answers).toEqual(expected);
    expect(fs.existsSync(path.join(dir, "node_modules", CORPUS[name]!, "package.json"))).toBe(true);
  });

  it("would catch a strip that breaks a package: TypeScript without the lib file it reads", async () => {
    const broken = copyFixture(fixture("strip-corpus"), repoTempDir("strip-corpus-broken-"));
    const built = await buildFixture("esbuild", {
      root: broken,
      entries: ["src/typescript.ts"],
      slimfn: { external: ["typescript"], verify: false, strip: { remove: ["typescript:lib/lib.es2016.array.include.d.ts"] } },
    });
    expect(built.failure?.errors).toBeUndefined();
    const dir = extractZip(path.join(broken, "dist", "typescript.zip"));
    const [answer] = invokeHandler(path.join(dir, "typescript.mjs"), "handler", [{}]);
    expect(answer).toEqual({
      ok: [
        "Property 'includes' does not exist on type 'number[]'. Do you need to change your target library? Try changing the 'lib' compiler option to 'es2016' or later.",
        "Type 'number' is not assignable to type 'string'.",
        `File '${dir}/node_modules/typescript/lib/lib.es2016.array.include.d.ts' not found.`,
      ],
    });
  });

  it("stripped something from the shipped packages, and never a package.json or licence", () => {
    let stripped = 0;
    for (const name of NAMES) {
      const entries = unzipList(path.join(root, "dist", `${name}.zip`));
      for (const p of fn(name).shipped!) {
        stripped += p.removed.bytes;
        const src = fs.realpathSync(path.join(REPO, "node_modules", p.name));
        if (p.path !== `node_modules/${p.name}`) continue;
        expect(entries).toContain(`${p.path}/package.json`);
        for (const f of fs.readdirSync(src)) {
          if (/^licen[cs]e/i.test(f)) expect(entries).toContain(`${p.path}/${f}`);
        }
      }
    }
    expect(stripped).toBeGreaterThan(1_000_000);
  });

  it("says per shipped package what was stripped; nothing is dropped on the host platform", () => {
    const s3 = fn("client-s3").shipped!.find((p) => p.name === "@aws-sdk/client-s3")!;
    expect(s3.stripped.files).toBeGreaterThan(100);
    expect(s3.removed).toEqual(s3.stripped);
    const untouched = listed(path.join(REPO, "node_modules/@aws-sdk/client-s3"));
    expect(s3.files + s3.stripped.files).toBe(untouched.files);
    expect(s3.bytes + s3.stripped.bytes).toBe(untouched.bytes);
    for (const name of NAMES) for (const p of fn(name).shipped!) expect(p.droppedBinaries).toEqual([]);
  });
});
