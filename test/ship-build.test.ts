/**
 * Shipping unbundled packages end to end: real esbuild builds of the ship-* fixtures with the
 * plugin, zips extracted with Info-ZIP into clean folders, every shipped package imported and
 * called from there in a fresh node; and each bad input of issue 3 as a build result.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import figlet from "figlet";
import { describe, expect, it } from "vitest";
import slimfn from "../plugins/esbuild.js";
import type { Diagnostic } from "../src/diagnostics.js";
import type { FunctionModel } from "../src/report/model.js";
import { formatBytes, formatDuration } from "../src/report/sizes.js";
import { formatSummary } from "../src/summary.js";
import { BUNDLERS, buildFixture, type FixtureBuild } from "./helpers/build.js";
import { fixtureEvents, handlerModule, invokeHandler } from "./helpers/invoke.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";
import { extractZip, unzipList, unzipTest } from "./helpers/zip.js";
import { SHARP_LINUX_X64 } from "./helpers/host.js";

/** slimfn's messages as esbuild reports them (`CODE: message`), with the list's severity. */
const details = (messages: { text: string }[] | undefined, severity: Diagnostic["severity"] = "error") =>
  (messages ?? []).map((m) => {
    const at = m.text.indexOf(": ");
    return { code: m.text.slice(0, at) as Diagnostic["code"], severity, message: m.text.slice(at + 2) };
  });
const warningsOf = (messages: { text: string }[] | undefined) => details(messages, "warning");

async function build(name: string, slimfn: Parameters<typeof buildFixture>[1]["slimfn"], esbuildOptions = {}) {
  const root = copyFixture(fixture(name), repoTempDir(`${name}-`));
  const built = await buildFixture("esbuild", {
    root,
    entries: ["src/handler.ts"],
    slimfn: { report: { json: "dist/size.json" }, ...slimfn },
    esbuild: esbuildOptions,
  });
  return { root, built, fn: built.model?.functions[0] as FunctionModel };
}

/** Invoke the zip's handler with the fixture's events, from a clean extraction. */
function fromZip(root: string, fixtureName: string, fn: FunctionModel) {
  const zip = path.join(root, "dist/handler.zip");
  expect(unzipTest(zip)).toMatch(/No errors detected/);
  const dir = extractZip(zip);
  const { file, exportName } = handlerModule(dir, fn.handler);
  return { dir, answers: invokeHandler(file, exportName, fixtureEvents(fixture(fixtureName)).events, { env: { LAMBDA_TASK_ROOT: dir } }) };
}

/**
 * In a fresh node inside the extracted zip, resolve every shipped package from a package that
 * needs it (the bundle itself for direct ones), load it, and report the folder it came from.
 */
function loadEachShipped(dir: string, fn: FunctionModel): Record<string, string> {
  const jobs = fn.shipped!.map((p) => {
    const from = p.direct ? dir : path.join(dir, fn.shipped!.find((q) => q.name === p.neededBy[0])!.path);
    return { from, name: p.name };
  });
  const script = `
    import fs from "node:fs";
    import { createRequire } from "node:module";
    import { pathToFileURL } from "node:url";
    import path from "node:path";
    const out = {};
    for (const { from, name } of ${JSON.stringify(jobs)}) {
      const req = createRequire(path.join(from, "noop.js"));
      // Where Node's lookup finds the package (some, like @img/sharp-libvips-*, export no "."),
      // then its entry loaded when it has one.
      const folder = req.resolve.paths(name).map((d) => path.join(d, name)).find((d) => fs.existsSync(path.join(d, "package.json")));
      let file = path.join(folder, "package.json");
      try { file = req.resolve(name); } catch (e) { if (e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw e; }
      if (!file.endsWith("package.json")) await import(pathToFileURL(file).href);
      out[from.slice(${JSON.stringify(dir)}.length + 1) + " -> " + name] = path.relative(${JSON.stringify(dir)}, file).split("/node_modules/").length + ":" + path.relative(${JSON.stringify(dir)}, file);
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as Record<string, string>;
}

const shippedRows = (fn: FunctionModel) => fn.shipped!.map((p) => [p.path, p.version, p.direct, p.reason ?? null, p.neededBy]);

describe.each(BUNDLERS)("%s: shipping unbundled packages", () => {
  it.skipIf(!SHARP_LINUX_X64)("detects sharp's native code, ships it with its platform packages, and it runs from the zip", async () => {
    const { root, built, fn } = await build("ship-native", {});
    expect(built.failure?.errors).toBeUndefined();
    const sharpVersion = JSON.parse(fs.readFileSync(path.join(root, "../../node_modules/sharp/package.json"), "utf8")).version;
    expect(shippedRows(fn)).toEqual([
      ["node_modules/@img/colour", expect.any(String), false, null, ["sharp"]],
      ["node_modules/@img/sharp-libvips-linux-x64", expect.any(String), false, null, ["@img/sharp-linux-x64", "sharp"]],
      ["node_modules/@img/sharp-linux-x64", expect.any(String), false, null, ["sharp"]],
      ["node_modules/detect-libc", expect.any(String), false, null, ["sharp"]],
      ["node_modules/semver", expect.any(String), false, null, ["sharp"]],
      ["node_modules/sharp", sharpVersion, true, "native", ["function"]],
    ]);
    const platform = fn.shipped!.find((p) => p.name === "@img/sharp-linux-x64")!;
    expect(platform.native).toEqual([`lib/sharp-linux-x64-${sharpVersion}.node`]);
    expect(fn.shipped!.find((p) => p.name === "@img/sharp-libvips-linux-x64")!.native).toEqual(["lib/libvips-cpp.so.8.18.7"]);
    // Exact per entry: each package's bytes and zip bytes are sums over its own zip entries.
    for (const p of fn.shipped!) {
      const nested = fn.shipped!.filter((q) => q.path.startsWith(`${p.path}/node_modules/`)).map((q) => `${q.path}/`);
      const own = fn.files.filter((f) => f.path.startsWith(`${p.path}/`) && !nested.some((n) => f.path.startsWith(n)));
      expect([p.files, p.bytes, p.zipBytes]).toEqual([own.length, own.reduce((s, f) => s + f.bytes, 0), own.reduce((s, f) => s + f.zipBytes, 0)]);
    }
    expect(fn.runtimeExternals).toEqual([]);
    // Verified on this host (Node 20) for nodejs22.x: measured, and honest about the mismatch.
    expect(fn.init).toMatchObject({ runs: 5, node: process.version });
    expect(fn.init!.ratio).toBeCloseTo(fn.init!.medianMs / fn.init!.bareNodeMs, 1);
    expect(fn.init!.rssBytes).toBeGreaterThan(0);
    expect(warningsOf(built.result!.warnings).map((d) => d.code)).toEqual(["VERIFY_NODE_MISMATCH"]);
    const { dir, answers } = fromZip(root, "ship-native", fn);
    expect(answers).toEqual([{ ok: { format: "png", width: 5, height: 2, firstPixel: [255, 0, 0] } }]);
    // Every shipped package loads from the zip, from where its dependent sits.
    const loaded = loadEachShipped(dir, fn);
    for (const p of fn.shipped!) {
      const [key] = Object.entries(loaded).find(([k]) => k.endsWith(` -> ${p.name}`))!;
      expect(loaded[key]!.split(":")[1]!.startsWith(`${p.path}/`)).toBe(true);
    }
    expect(Object.keys(loaded)).toHaveLength(fn.shipped!.length);
  });

  it("ships figlet (reads its fonts at run time) and an included template, both work from the zip", async () => {
    const { root, built, fn } = await build("ship-data", {
      runtime: "nodejs20.x",
      external: ["figlet"],
      include: ["templates/*.txt"],
    });
    expect(built.failure?.errors).toBeUndefined();
    expect(warningsOf(built.result!.warnings)).toEqual([]);
    expect(shippedRows(fn)).toEqual([
      ["node_modules/commander", expect.any(String), false, null, ["figlet"]],
      ["node_modules/figlet", expect.any(String), true, "external", ["function"]],
    ]);
    expect(fn.included).toEqual(["templates/greeting.txt"]);
    const names = unzipList(path.join(root, "dist/handler.zip"));
    expect(names).toContain("templates/greeting.txt");
    expect(names).toContain("node_modules/figlet/fonts/Standard.flf");
    const { dir, answers } = fromZip(root, "ship-data", fn);
    expect(Object.values(loadEachShipped(dir, fn)).map((v) => v.split(":")[1]!.split("/").slice(0, 2).join("/"))).toEqual([
      "node_modules/commander",
      "node_modules/figlet",
    ]);
    expect(answers).toEqual([{ ok: { banner: figlet.textSync("Hi", { font: "Standard" }).split("\n"), message: "Hello, Ada!" } }]);
    // The summary names what is shipped, what is included, and the measured init and memory.
    const text = formatSummary([{ model: fn, zipPath: path.join(root, "dist/handler.zip") }], root, { color: false }).split("\n");
    const zipped = formatBytes(fn.shipped!.reduce((sum, p) => sum + p.zipBytes, 0));
    expect(text.filter((l) => /^ {4}(shipped|included|init) /.test(l))).toEqual([
      `    shipped   figlet ${fn.shipped![1]!.version} · 2 packages in node_modules, ${zipped} zipped`,
      "    included  1 file (templates/greeting.txt)",
      `    init      ${formatDuration(fn.init!.medianMs)} median of 5 (${fn.init!.ratio.toFixed(2)}x a bare node start, ${formatDuration(fn.init!.bareNodeMs)}; node ${process.version}) · ${formatBytes(fn.init!.rssBytes)} resident after init`,
    ]);
  });

  it("keeps nested versions nested: send's debug finds ms 2.0.0, send finds ms 2.1.3, from the zip", async () => {
    const { root, built, fn } = await build("ship-nested", { runtime: "nodejs20.x", external: ["send"], include: ["public/**"] });
    expect(built.failure?.errors).toBeUndefined();
    const ms = fn.shipped!.filter((p) => p.name === "ms").map((p) => [p.path, p.version, p.neededBy]);
    expect(ms).toEqual([
      ["node_modules/debug/node_modules/ms", "2.0.0", ["debug"]],
      ["node_modules/ms", "2.1.3", ["send"]],
    ]);
    const { dir, answers } = fromZip(root, "ship-nested", fn);
    const loaded = loadEachShipped(dir, fn);
    expect(Object.keys(loaded)).toHaveLength(fn.shipped!.length);
    for (const p of fn.shipped!) {
      expect(Object.entries(loaded).some(([k, v]) => k.endsWith(` -> ${p.name}`) && v.split(":")[1]!.startsWith(`${p.path}/`))).toBe(true);
    }
    expect(answers).toEqual([
      { ok: { status: 200, type: "text/plain; charset=UTF-8", cacheControl: "public, max-age=86400", body: "served from the zip\n" } },
    ]);
    // Node, from the extracted zip, resolves each dependent's ms to the version it was built with.
    const { createRequire } = await import("node:module");
    const fromDebug = createRequire(path.join(dir, "node_modules/debug/src/index.js"));
    const fromSend = createRequire(path.join(dir, "node_modules/send/index.js"));
    expect([fromDebug("ms/package.json").version, fromSend("ms/package.json").version]).toEqual(["2.0.0", "2.1.3"]);
  });

  it("leaves the bundler's own externals to the runtime: listed, not shipped", async () => {
    const root = repoTempDir("runtime-ext-");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(
      path.join(root, "src/handler.ts"),
      'import { S3Client } from "@aws-sdk/client-s3";\nexport const handler = async () => typeof S3Client;\n',
    );
    const built = await buildFixture("esbuild", {
      root,
      entries: ["src/handler.ts"],
      slimfn: { runtime: "nodejs20.x", verify: false, report: { json: "dist/size.json" } },
      external: ["@aws-sdk/*"],
    });
    const fn = built.model!.functions[0]!;
    expect([fn.runtimeExternals, fn.shipped]).toEqual([["@aws-sdk/client-s3"], undefined]);
    expect(unzipList(path.join(root, "dist/handler.zip")).some((n) => n.startsWith("node_modules/"))).toBe(false);
  });
});

describe("verification on rebuilds", () => {
  const rebuildTwice = async (verify: { watch?: boolean }) => {
    const root = repoTempDir("watch-");
    fs.mkdirSync(path.join(root, "src"));
    const entry = path.join(root, "src/handler.mjs");
    fs.writeFileSync(entry, "export const handler = async () => 'ok';\n");
    const ctx = await esbuild.context({
      entryPoints: ["src/handler.mjs"], absWorkingDir: root, outdir: "dist", logLevel: "silent",
      plugins: [slimfn({ runtime: "nodejs20.x", verify: { runs: 1, ...verify }, report: { json: "dist/size.json" } })],
    });
    try {
      await ctx.rebuild();
      const first = JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")) as { functions: FunctionModel[] };
      fs.writeFileSync(entry, "throw new Error('broken on the second build');\nexport const handler = async () => 'ok';\n");
      const second = await ctx.rebuild().then(
        () => ({ errors: [] as string[], model: JSON.parse(fs.readFileSync(path.join(root, "dist/size.json"), "utf8")) as { functions: FunctionModel[] } }),
        (e: esbuild.BuildFailure) => ({ errors: e.errors.map((m) => m.text), model: undefined }),
      );
      return { first, second };
    } finally {
      await ctx.dispose();
    }
  };

  it("verifies the first build of a context and skips rebuilds (watch) by default", async () => {
    const { first, second } = await rebuildTwice({});
    expect(first.functions[0]!.init!.runs).toBe(1);
    expect(second.errors).toEqual([]);
    expect(second.model!.functions[0]!.init).toBeUndefined();
  });

  it("verifies rebuilds too with verify.watch", async () => {
    const { second } = await rebuildTwice({ watch: true });
    expect(second.errors).toHaveLength(1);
    expect(second.errors[0]).toMatch(/^VERIFY_FAILED: Function "handler" \(handler handler\.handler\) threw while being imported[\s\S]*broken on the second build/);
  });
});

describe("bad input", () => {
  const zipOf = (b: { root: string }) => path.join(b.root, "dist/handler.zip");

  it("fails the build with the handler's own error when it throws at import, and writes no zip", async () => {
    const b = await build("ship-throws", { runtime: "nodejs20.x" });
    const [d, ...rest] = details(b.built.failure?.errors);
    expect(rest).toEqual([]);
    expect(d!.code).toBe("VERIFY_FAILED");
    expect(d!.message).toMatch(/^Function "handler" \(handler handler\.handler\) threw while being imported when loaded from the extracted zip in a fresh node\. The zip was not written\. Its output:\n/);
    expect(d!.message).toContain("Error: ORDERS_TABLE is not set: the orders function cannot start");
    expect(fs.existsSync(zipOf(b))).toBe(false);
    // A failed build leaves nothing of it in outdir (the bundle is written only after verification).
    const dist = path.join(b.root, "dist");
    expect(fs.existsSync(dist) ? fs.readdirSync(dist) : []).toEqual([]);
  });

  it("passes the same handler once verify.env gives it its configuration", async () => {
    const b = await build("ship-throws", { runtime: "nodejs20.x", verify: { env: { ORDERS_TABLE: "orders" }, runs: 2, event: {} } });
    expect(b.built.failure?.errors).toBeUndefined();
    expect(fs.existsSync(zipOf(b))).toBe(true);
    expect(b.fn.init!.runs).toBe(2);
    // With verify.event the handler is invoked once and its answer is shown.
    expect(b.fn.init!.invocation).toEqual({ ok: true, ms: expect.any(Number), preview: '{"table":"orders"}' });
    const text = formatSummary([{ model: b.fn, zipPath: zipOf(b) }], b.root, { color: false });
    expect(text).toMatch(/\n {4}invoke {4}ok in \S+ ms: \{"table":"orders"\}\n/);
  });

  describe("a handler that loads but fails on verify.event (issue 15)", () => {
    const HANDLERS = {
      throws: "export const handler = async (event) => { throw new Error(`no route for ${event.path}`); };\n",
      lambdaError: 'export const handler = async () => ({ errorType: "TypeError", errorMessage: "lookup is not a function" });\n',
      status500: 'export const handler = async () => ({ statusCode: 502, body: "upstream failed" });\n',
      status404: 'export const handler = async () => ({ statusCode: 404, body: "not found" });\n',
    };
    const buildHandler = async (source: string, verify: Record<string, unknown>) => {
      const root = repoTempDir("invoke-fails-");
      fs.mkdirSync(path.join(root, "src"));
      fs.writeFileSync(path.join(root, "src/handler.mjs"), source);
      const b = await buildFixture("esbuild", {
        root,
        entries: ["src/handler.mjs"],
        slimfn: { runtime: "nodejs20.x", verify: { runs: 1, event: { path: "/nope" }, ...verify }, report: { json: "dist/size.json" } },
      });
      return { b, root, zip: path.join(root, "dist/handler.zip") };
    };
    const advice = "The zip was not written. Fix the handler or the event, or set verify.failOnError: false when this event is meant to fail.";

    it("fails the build and writes no zip when the handler throws", async () => {
      const { b, zip } = await buildHandler(HANDLERS.throws, {});
      const [d, ...rest] = details(b.failure?.errors);
      expect(rest).toEqual([]);
      expect([d!.code, d!.severity]).toEqual(["VERIFY_FAILED", "error"]);
      expect(d!.message).toMatch(/^Function "handler" \(handler handler\.handler\) loads, but threw when invoked with verify\.event:\nError: no route for \/nope\n/);
      expect(d!.message.endsWith(` ${advice}`)).toBe(true);
      expect(fs.existsSync(zip)).toBe(false);
    });

    it("fails the build on Lambda's error shape and on a 5xx answer, not on a 404", async () => {
      const lambda = await buildHandler(HANDLERS.lambdaError, {});
      expect(details(lambda.b.failure?.errors)).toEqual([
        {
          code: "VERIFY_FAILED",
          severity: "error",
          message: `Function "handler" (handler handler.handler) loads, but answered verify.event with Lambda's error shape (TypeError):\n{"errorType":"TypeError","errorMessage":"lookup is not a function"}. ${advice}`,
        },
      ]);
      const bad = await buildHandler(HANDLERS.status500, {});
      expect(details(bad.b.failure?.errors)).toEqual([
        {
          code: "VERIFY_FAILED",
          severity: "error",
          message: `Function "handler" (handler handler.handler) loads, but answered verify.event with status 502:\n{"statusCode":502,"body":"upstream failed"}. ${advice}`,
        },
      ]);
      expect(fs.existsSync(bad.zip)).toBe(false);
      const notFound = await buildHandler(HANDLERS.status404, {});
      expect(notFound.b.failure).toBeUndefined();
      expect(fs.existsSync(notFound.zip)).toBe(true);
    });

    it("with failOnError: false only warns, and still writes the zip", async () => {
      const { b, zip } = await buildHandler(HANDLERS.throws, { failOnError: false });
      const [w, ...rest] = warningsOf(b.result?.warnings);
      expect(rest).toEqual([]);
      expect([w!.code, w!.severity]).toEqual(["VERIFY_FAILED", "warning"]);
      expect(w!.message).toMatch(/^Function "handler" \(handler handler\.handler\) loads, but threw when invoked with verify\.event:\nError: no route for \/nope\n/);
      expect(w!.message.endsWith(" verify.failOnError is false, so the zip is still written.")).toBe(true);
      expect(b.model!.functions[0]!.init!.invocation).toMatchObject({ ok: false, preview: expect.stringMatching(/^Error: no route for \/nope/) });
      expect(fs.existsSync(zip)).toBe(true);
    });

    it("rejects a failOnError that is not a boolean", async () => {
      const { b } = await buildHandler(HANDLERS.throws, { failOnError: "no" });
      expect(details(b.failure?.errors)).toEqual([
        { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "verify.failOnError" must be true or false, got "no".' },
      ]);
    });
  });

  it("warns about an include glob that matches nothing", async () => {
    const b = await build("ship-data", { runtime: "nodejs20.x", external: ["figlet"], include: ["templates/*.txt", "certs/*.pem"], verify: false });
    expect(warningsOf(b.built.result?.warnings)).toEqual([
      {
        code: "INCLUDE_EMPTY",
        severity: "warning",
        message: `The include glob "certs/*.pem" matches no file under ${b.root}. Fix the pattern (it is relative to the project root) or remove it.`,
      },
    ]);
  });

  it("rejects include globs that leave the project root", async () => {
    const b = await build("ship-data", { include: ["../secrets/*"], verify: false });
    expect(details(b.built.failure?.errors)).toEqual([
      {
        code: "OPTION_INVALID",
        severity: "error",
        message: 'slimfn option "include" must hold a glob inside the project root (no ".." parts), got "../secrets/*".',
      },
    ]);
  });

  it("fails when two importers need different copies of one shipped package at node_modules/<name>", async () => {
    const root = repoTempDir("conflict-");
    const fake = (dir: string, version: string) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "slimfn-fake-dep", version, main: "index.js" }));
      fs.writeFileSync(path.join(dir, "index.js"), `module.exports = ${JSON.stringify(version)};\n`);
    };
    fake(path.join(root, "node_modules/slimfn-fake-dep"), "1.0.0");
    fake(path.join(root, "lib/node_modules/slimfn-fake-dep"), "2.0.0");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "lib/util.mjs"), 'import v from "slimfn-fake-dep";\nexport const libVersion = v;\n');
    fs.writeFileSync(
      path.join(root, "src/handler.mjs"),
      'import v from "slimfn-fake-dep";\nimport { libVersion } from "../lib/util.mjs";\nexport const handler = async () => [v, libVersion];\n',
    );
    const b = await buildFixture("esbuild", { root, entries: ["src/handler.mjs"], slimfn: { runtime: "nodejs20.x", external: ["slimfn-fake-dep"] } });
    const [d, ...rest] = details(b.failure?.errors);
    expect(rest).toEqual([]);
    expect([d!.code, d!.severity]).toEqual(["SHIP_VERSION_CONFLICT", "error"]);
    // The entry's imports may pass through slimfn's lazy rewriting (a virtual module): then
    // only the importing folder is known.
    expect(d!.message).toMatch(
      new RegExp(
        `^The function imports two different copies of "slimfn-fake-dep" and both must sit at node_modules/slimfn-fake-dep: slimfn-fake-dep@2\\.0\\.0 \\(${root}/lib/node_modules/slimfn-fake-dep\\) imported from lib/util\\.mjs, and slimfn-fake-dep@1\\.0\\.0 \\(${root}/node_modules/slimfn-fake-dep\\) imported from (src/handler\\.mjs|a file in src)\\. Install one version for the whole function \\(npm dedupe, or align the versions in package\\.json\\)\\.$`,
      ),
    );
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });

  it("lets two functions of one build ship different versions of a package", async () => {
    const root = repoTempDir("two-versions-");
    for (const [fn, version] of [["a", "1.0.0"], ["b", "2.0.0"]] as const) {
      const dir = path.join(root, "functions", fn, "node_modules/slimfn-fake-dep");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "slimfn-fake-dep", version, main: "index.js" }));
      fs.writeFileSync(path.join(dir, "index.js"), `module.exports = ${JSON.stringify(version)};\n`);
      fs.writeFileSync(path.join(root, "functions", fn, "handler.mjs"), 'import v from "slimfn-fake-dep";\nexport const handler = async () => v;\n');
    }
    const b = await buildFixture("esbuild", {
      root,
      entries: ["functions/a/handler.mjs", "functions/b/handler.mjs"],
      slimfn: { runtime: "nodejs20.x", external: ["slimfn-fake-dep"], zip: "dist/[name].zip", verify: { runs: 1 }, report: { json: "dist/size.json" } },
      outbase: "functions",
    });
    expect(b.failure?.errors).toBeUndefined();
    const answers = b.model!.functions.map((fn) => {
      const dir = extractZip(path.join(root, fn.zip!));
      const { file, exportName } = handlerModule(dir, fn.handler);
      return [fn.name, fn.shipped!.map((p) => p.version), invokeHandler(file, exportName, [{}])[0]];
    });
    expect(answers).toEqual([
      ["a-handler", ["1.0.0"], { ok: "1.0.0" }],
      ["b-handler", ["2.0.0"], { ok: "2.0.0" }],
    ]);
  });

  it("fails on an external that cannot be resolved from its importer, with no zip", async () => {
    const root = repoTempDir("unresolved-");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/handler.ts"), 'import x from "left-pad-not-installed";\nexport const handler = async () => x;\n');
    const b = await buildFixture("esbuild", { root, entries: ["src/handler.ts"], slimfn: { external: ["left-pad-not-installed"] } });
    expect(details(b.failure?.errors)).toEqual([
      {
        code: "EXTERNAL_UNRESOLVED",
        severity: "error",
        message:
          'Cannot find package "left-pad-not-installed" from src/handler.ts: no node_modules folder on the way up holds it. Install it (npm install left-pad-not-installed) or remove it from slimfn\'s "external".',
      },
    ]);
    expect(b.failure!.errors[0]!.location).toMatchObject({
      file: "src/handler.ts",
      line: 1,
      column: 14,
      lineText: 'import x from "left-pad-not-installed";',
    });
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });
});

export type { FixtureBuild };
