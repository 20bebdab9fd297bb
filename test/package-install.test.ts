/**
 * The install line of the README, as a new user runs it: the package packed with `npm pack`
 * (its `prepare` script builds dist/ from a copy of the sources, never this checkout's dist/),
 * installed into a fresh project (`--prefer-offline`: npm's cache first, the registry only for
 * what `npm ci` did not fetch, such as esbuild's package metadata on a fresh machine: `--offline`
 * failed there with ENOTCACHED), and a handler built with `slimfn/esbuild`, zipped,
 * and run from the extracted zip. The CLI answers from the installed package too.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });

describe("npm pack, then install the tarball into a fresh project", () => {
  it("packs dist/src, dist/plugins and the docs, installs the tarball, and builds a handler with slimfn/esbuild", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    const pkg = path.join(tempDir("pack-src-"), "slimfn");
    fs.mkdirSync(pkg);
    for (const f of ["package.json", "tsconfig.json", "src", "plugins", "README.md", "CHANGELOG.md", "LICENSE"]) fs.cpSync(path.join(REPO, f), path.join(pkg, f), { recursive: true });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(pkg, "node_modules"));
    const out = tempDir("pack-out-");
    const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", out], pkg)) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path).sort();
    expect(files.filter((f) => !/^dist\/(src|plugins)\/.+\.(js|d\.ts)$/.test(f))).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "package.json"]);
    expect(files).toEqual(expect.arrayContaining(["dist/src/cli.js", "dist/plugins/esbuild.js", "dist/plugins/esbuild.d.ts", "dist/src/index.js"]));

    const app = tempDir("pack-app-");
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, type: "module" }));
    const esbuildVersion = JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/esbuild/package.json"), "utf8")).version;
    npm(["install", "--prefer-offline", "--save-dev", path.join(out, packed!.filename), `esbuild@${esbuildVersion}`], app);
    fs.mkdirSync(path.join(app, "src"));
    fs.writeFileSync(path.join(app, "src/handler.mjs"), "export const handler = async (event) => ({ statusCode: 200, body: `hello ${event.name}` });\n");
    fs.writeFileSync(
      path.join(app, "build.mjs"),
      `import { build } from "esbuild";\nimport slimfn from "slimfn/esbuild";\nawait build({ entryPoints: ["src/handler.mjs"], outdir: "dist", plugins: [slimfn({ runtime: "nodejs20.x", zip: "dist/[name].zip", report: { json: "dist/size.json" } })] });\n`,
    );
    execFileSync(process.execPath, ["build.mjs"], { cwd: app, encoding: "utf8" });
    expect(unzipList(path.join(app, "dist/handler.zip"))).toEqual(["handler.mjs"]);
    const model = JSON.parse(fs.readFileSync(path.join(app, "dist/size.json"), "utf8"));
    expect(model.functions[0].handler).toBe("handler.handler");
    const { file, exportName } = handlerModule(extractZip(path.join(app, "dist/handler.zip")), model.functions[0].handler);
    expect(invokeHandler(file, exportName, [{ name: "Ada" }])).toEqual([{ ok: { statusCode: 200, body: "hello Ada" } }]);
    expect(execFileSync(path.join(app, "node_modules/.bin/slimfn"), ["--version"], { cwd: app, encoding: "utf8" })).toBe(`slimfn ${manifest.version}\n`);
  }, 300_000);
});
