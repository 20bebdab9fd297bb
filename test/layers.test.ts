/**
 * `layers`: packages the bundler leaves to the runtime are resolved from the function's Lambda
 * layers during verification, as Lambda's NODE_PATH resolves them from /opt/nodejs. Real esbuild
 * builds; the layer zips are written with Info-ZIP `zip` in Lambda's layout.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLERS, buildFixture } from "./helpers/build.js";
import { REPO } from "./helpers/paths.js";
import { repoTempDir } from "./helpers/tmp.js";
import { unzipList } from "./helpers/zip.js";

const HANDLER = `import { lookup } from "mime-types";
import { z } from "zod";
const Name = z.string().min(1);
export const handler = async (event) => ({ type: lookup(Name.parse(event.file)) });
`;

/** A project whose handler imports mime-types and zod, both left to the runtime. */
function project(): string {
  const root = repoTempDir("layers-");
  fs.mkdirSync(path.join(root, "src"));
  fs.writeFileSync(path.join(root, "src/handler.mjs"), HANDLER);
  fs.writeFileSync(path.join(root, "event.json"), JSON.stringify({ file: "a.pdf" }));
  return root;
}

/** A folder laid out as a layer (nodejs/node_modules/...) holding copies of installed packages. */
function layerDir(root: string, name: string, packages: string[]): string {
  const dir = path.join(root, name);
  for (const p of packages) fs.cpSync(path.join(REPO, "node_modules", p), path.join(dir, "nodejs/node_modules", p), { recursive: true });
  return dir;
}

function layerZip(root: string, name: string, packages: string[]): string {
  const dir = layerDir(root, `${name}-src`, packages);
  execFileSync("zip", ["-q", "-r", "-X", path.join(root, `${name}.zip`), "nodejs"], { cwd: dir });
  return `${name}.zip`;
}

const build = (root: string, layers: unknown) =>
  buildFixture("esbuild", {
    root,
    entries: ["src/handler.mjs"],
    external: ["mime-types", "zod"],
    // An option error stops slimfn before it sets its defaults; esbuild then wants bundle for external.
    esbuild: { bundle: true },
    slimfn: { layers: layers as never, verify: { runs: 1, event: "event.json" }, report: { json: "dist/size.json" } },
  });

describe("layers", () => {
  it("verifies a function whose runtime externals a layer zip provides, and ships none of them", async () => {
    const root = project();
    const zip = layerZip(root, "deps", ["mime-types", "mime-db", "zod"]);
    const built = await build(root, [{ zip }]);
    expect(built.failure?.errors).toBeUndefined();
    const [fn] = built.model!.functions;
    expect(fn!.init!.invocation).toMatchObject({ ok: true, preview: '{"type":"application/pdf"}' });
    expect(fn!.runtimeExternals).toEqual(["mime-types", "zod"]);
    expect(unzipList(path.join(root, "dist/handler.zip"))).toEqual(["handler.mjs"]);
  });

  it("without the layer, or when its provides leaves a package out, fails naming what is missing", async () => {
    const root = project();
    const none = await build(root, []);
    expect(none.failure?.errors[0]?.text).toMatch(/^VERIFY_FAILED: Function "handler" \(handler handler.handler\)/);
    expect(none.failure?.errors[0]?.notes.map((n) => n.text)).toEqual([
      `mime-types, zod are left to the runtime (esbuild external or packages: "external"), but Lambda's Node.js runtime provides only the AWS SDK v3 (@aws-sdk/*). Bundle them, ship them with slimfn's external, or, when a layer provides them, name the layer in slimfn's layers.`,
    ]);
    layerDir(root, "layer", ["mime-types", "mime-db", "zod"]);
    const partial = await build(root, [{ dir: "layer", provides: ["mime-*"] }]);
    expect(partial.failure?.errors[0]?.notes.map((n) => n.text)).toEqual([
      `zod is left to the runtime (esbuild external or packages: "external"), but Lambda's Node.js runtime provides only the AWS SDK v3 (@aws-sdk/*). Bundle it, ship it with slimfn's external, or, when a layer provides it, name the layer in slimfn's layers.`,
    ]);
  });

  it("a later layer wins, and a provided name the layer lacks warns LAYER_PACKAGE_MISSING", async () => {
    const root = project();
    layerDir(root, "old", ["mime-types", "mime-db", "zod"]);
    // The second layer's mime-types answers differently: the function must get that one.
    const newer = layerDir(root, "new", ["mime-types", "mime-db"]);
    fs.writeFileSync(path.join(newer, "nodejs/node_modules/mime-types/index.js"), 'exports.lookup = (f) => "from the newer layer: " + f;\n');
    const built = await build(root, [{ dir: "old" }, { dir: "new", provides: ["mime-types", "mime-typez"] }]);
    expect(built.failure?.errors).toBeUndefined();
    expect(built.model!.functions[0]!.init!.invocation).toMatchObject({ ok: true, preview: '{"type":"from the newer layer: a.pdf"}' });
    expect(built.result!.warnings.map((w) => w.text)).toContain(
      'LAYER_PACKAGE_MISSING: The layer new lists "mime-typez" in provides, but holds no nodejs/node_modules/mime-typez: a function that imports it fails on Lambda. Add the package to the layer, or remove it from provides.',
    );
  });

  it("rejects a layer with both or neither of zip and dir, a missing layer, and one not laid out for Node", async () => {
    const root = project();
    const both = await build(root, [{ zip: "a.zip", dir: "a" }, {}]);
    expect(both.failure?.errors.map((e) => e.text)).toEqual([
      'OPTION_INVALID: slimfn option "layers[0]" must have either zip or dir (the layer\'s zip file, or a folder laid out like it), got both.',
      'OPTION_INVALID: slimfn option "layers[1]" must have either zip or dir (the layer\'s zip file, or a folder laid out like it), got neither.',
    ]);
    const missing = await build(root, [{ zip: "layers/gone.zip" }]);
    expect(missing.failure?.errors.map((e) => e.text)).toEqual([
      "LAYER_UNREADABLE: The layer layers/gone.zip does not exist. Build or download it before this build, or remove it from slimfn's layers.",
    ]);
    fs.mkdirSync(path.join(root, "flat/node_modules"), { recursive: true });
    const flat = await build(root, [{ dir: "flat" }]);
    expect(flat.failure?.errors.map((e) => e.text)).toEqual([
      "LAYER_UNREADABLE: The layer flat has no nodejs/node_modules (nor nodejs/node22/node_modules) folder, where Lambda's Node.js runtime looks for a layer's packages. Put its packages under nodejs/node_modules.",
    ]);
    // Nothing is written when the build fails.
    expect(fs.existsSync(path.join(root, "dist/handler.zip"))).toBe(false);
  });
});

describe.each(BUNDLERS)("%s: layer: true", (bundler) => {
  const write = (root: string, file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  /** a and b ship figlet, a and c ship mime-types (with mime-db); only c ships send. */
  function project(): string {
    const root = repoTempDir("layer-out-");
    write(root, "src/a.mjs", 'import figlet from "figlet";\nimport { lookup } from "mime-types";\nexport const handler = async () => ({ art: figlet.textSync("a").length > 0, type: lookup("x.pdf") });\n');
    write(root, "src/b.mjs", 'import figlet from "figlet";\nexport const handler = async () => ({ art: figlet.textSync("b").length > 0 });\n');
    write(root, "src/c.mjs", 'import { lookup } from "mime-types";\nimport send from "send";\nexport const handler = async () => ({ type: lookup("x.json"), send: typeof send });\n');
    write(root, "event.json", "{}");
    return root;
  }
  const build = (root: string) =>
    buildFixture(bundler, {
      root,
      entries: ["src/a.mjs", "src/b.mjs", "src/c.mjs"],
      slimfn: { external: ["figlet", "mime-types", "send"], layer: true, verify: { runs: 1, event: "event.json" }, report: { json: "dist/size.json" } },
    });

  it("moves the packages several functions share into dist/layer.zip, verifies each function with it, and keeps the rest in place", async () => {
    const root = project();
    const built = await build(root);
    expect(built.failure?.errors).toBeUndefined();
    const model = built.model!;
    const packagesIn = (zip: string) => [...new Set(unzipList(path.join(root, zip)).filter((f) => f.includes("node_modules/")).map((f) => /^(?:nodejs\/)?node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)![1]))].sort();
    // figlet's dependency (commander) goes with it.
    expect(packagesIn("dist/layer.zip")).toEqual(["commander", "figlet", "mime-db", "mime-types"]);
    expect(unzipList(path.join(root, "dist/layer.zip")).every((f) => f.startsWith("nodejs/node_modules/"))).toBe(true);
    expect(packagesIn("dist/a.zip")).toEqual([]);
    expect(packagesIn("dist/b.zip")).toEqual([]);
    // send and its own dependencies are c's alone.
    expect(packagesIn("dist/c.zip")).toContain("send");
    expect(packagesIn("dist/c.zip")).not.toContain("mime-types");
    expect(model.layer).toMatchObject({ zip: "dist/layer.zip", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(model.layer!.packages.map((p) => [p.name, p.path, p.functions])).toEqual([
      ["commander", "node_modules/commander", ["a", "b"]],
      ["figlet", "node_modules/figlet", ["a", "b"]],
      ["mime-db", "node_modules/mime-db", ["a", "c"]],
      ["mime-types", "node_modules/mime-types", ["a", "c"]],
    ]);
    const fn = (name: string) => model.functions.find((f) => f.name === name)!;
    expect(fn("a").shipped!.filter((s) => s.inLayer).map((s) => s.name)).toEqual(["commander", "figlet", "mime-db", "mime-types"]);
    expect(fn("c").shipped!.some((s) => s.name === "send" && !s.inLayer)).toBe(true);
    // Each function was invoked from its own zip with the layer, as Lambda would run it.
    expect(fn("a").init!.invocation).toMatchObject({ ok: true, preview: '{"art":true,"type":"application/pdf"}' });
    expect(fn("b").init!.invocation).toMatchObject({ ok: true, preview: '{"art":true}' });
    expect(fn("c").init!.invocation).toMatchObject({ ok: true, preview: '{"type":"application/json","send":"function"}' });
    // Same inputs, same layer bytes.
    const again = await build(root);
    expect(again.model!.layer!.sha256).toBe(model.layer!.sha256);
  }, 300_000);
});
