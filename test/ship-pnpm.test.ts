/**
 * A pnpm layout built by hand from real installed packages: every package sits in
 * `node_modules/.pnpm/<name>@<version>/node_modules/<name>`, its dependencies are symlinks beside
 * it, and the project's `node_modules` links only its direct dependencies. One store package
 * declares a peer that is not installed (pnpm with auto-install-peers off, yarn classic, npm
 * --legacy-peer-deps): Node on disk cannot find it either, so the package must probe for it,
 * and the zip must still be built. Every shipped package loads from the extracted zip.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FunctionModel } from "../src/report/model.js";
import { buildFixture } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { REPO } from "./helpers/paths.js";
import { repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList } from "./helpers/zip.js";

/** Copy an installed package (without its nested node_modules) into a pnpm store folder. */
function storeCopy(root: string, realDir: string): { name: string; dir: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(realDir, "package.json"), "utf8")) as { name: string; version: string };
  const dir = path.join(root, "node_modules/.pnpm", `${pkg.name.replace("/", "+")}@${pkg.version}`, "node_modules", pkg.name);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.cpSync(realDir, dir, { recursive: true, filter: (p) => p === realDir || path.basename(p) !== "node_modules" });
  return { name: pkg.name, dir };
}

function link(from: string, to: string) {
  fs.mkdirSync(path.dirname(from), { recursive: true });
  fs.symlinkSync(path.relative(path.dirname(from), to), from);
}

describe("pnpm layout", () => {
  it("ships packages reached through .pnpm symlinks, nests a second ms, and builds past a peer that is not installed", async () => {
    const root = repoTempDir("qa-pnpm-");
    // send needs ms 2.1.3 and debug, which needs ms 2.0.0: both versions must ship, one nested.
    const send = storeCopy(root, path.join(REPO, "node_modules/send"));
    const closure = ["debug", "depd", "destroy", "encodeurl", "escape-html", "etag", "fresh", "http-errors", "mime", "ms", "on-finished", "range-parser", "statuses"];
    const placed = new Map<string, string>();
    const place = (name: string, fromReal: string): string => {
      const real = fs.realpathSync(require_resolve_dir(name, fromReal));
      if (!placed.has(real)) {
        const copy = storeCopy(root, real);
        placed.set(real, copy.dir);
        const manifest = JSON.parse(fs.readFileSync(path.join(real, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
        for (const dep of Object.keys(manifest.dependencies ?? {})) link(path.join(path.dirname(copy.dir), dep), place(dep, real));
      }
      return placed.get(real)!;
    };
    for (const dep of closure) link(path.join(path.dirname(send.dir), dep), place(dep, path.join(REPO, "node_modules/send")));
    link(path.join(root, "node_modules/send"), send.dir);

    // A store package with a peer nobody installed, probed with try/catch as such packages do.
    const prober = path.join(root, "node_modules/.pnpm/peer-prober@1.0.0/node_modules/peer-prober");
    fs.mkdirSync(prober, { recursive: true });
    fs.writeFileSync(
      path.join(prober, "package.json"),
      JSON.stringify({ name: "peer-prober", version: "1.0.0", main: "index.js", dependencies: { ms: "^2.1.0" }, peerDependencies: { "qa-peer-nobody-installed": "^1.0.0" } }),
    );
    fs.writeFileSync(
      path.join(prober, "index.js"),
      'let peer = null;\ntry { peer = require("qa-peer-nobody-installed"); } catch {}\nexports.probe = () => ({ peer, ms: require("ms")(1500) });\n',
    );
    link(path.join(path.dirname(prober), "ms"), placed.get(fs.realpathSync(path.join(REPO, "node_modules/ms")))!);
    link(path.join(root, "node_modules/peer-prober"), prober);

    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(
      path.join(root, "src/handler.mjs"),
      'import send from "send";\nimport { probe } from "peer-prober";\nexport const handler = async () => ({ send: typeof send, mime: send.mime.lookup("a.html"), ...probe() });\n',
    );
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.mjs"],
      slimfn: { runtime: "nodejs20.x", external: ["send", "peer-prober"], verify: { runs: 1 }, report: { json: "dist/size.json" } },
    });
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    const fn = built.model!.functions[0] as FunctionModel;
    const paths = fn.shipped!.map((p) => `${p.path}@${p.version}`);
    expect(paths).toContain("node_modules/ms@2.1.3");
    expect(paths).toContain("node_modules/debug/node_modules/ms@2.0.0");
    expect(paths).toContain("node_modules/peer-prober@1.0.0");
    expect(paths.some((p) => p.includes("qa-peer-nobody-installed"))).toBe(false);
    // No store paths leak into the zip.
    expect(unzipList(path.join(root, "dist/handler.zip")).filter((p) => p.includes(".pnpm"))).toEqual([]);

    const dir = extractZip(path.join(root, "dist/handler.zip"));
    const { file, exportName } = handlerModule(dir, fn.handler);
    expect(invokeHandler(file, exportName, [{}])).toEqual([{ ok: { send: "function", mime: "text/html", peer: null, ms: "2s" } }]);
    // Each shipped package loads in a fresh node from where its dependents find it.
    for (const p of fn.shipped!) {
      const from = p.direct ? dir : path.join(dir, fn.shipped!.find((q) => q.name === p.neededBy[0])!.path);
      const version = execFileSync(process.execPath, ["-e", `const r=require("module").createRequire(${JSON.stringify(from + "/")});r(${JSON.stringify(p.name)});process.stdout.write(r(${JSON.stringify(p.name + "/package.json")}).version)`], { encoding: "utf8" });
      expect(version).toBe(p.version);
    }
  });
});

/** The folder Node resolves package `name` to from `fromDir` (walks node_modules upward). */
function require_resolve_dir(name: string, fromDir: string): string {
  let dir = fromDir;
  for (;;) {
    if (path.basename(dir) !== "node_modules") {
      const candidate = path.join(dir, "node_modules", name);
      if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${name} is not installed above ${fromDir}`);
    dir = parent;
  }
}
