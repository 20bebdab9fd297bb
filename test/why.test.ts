/**
 * `slimfn why PACKAGE`: import chains from the handler to a package and what it costs, read
 * from the size model's folded import graph (`imports`) of a real build of the realistic
 * fixture (lazy SDK clients, sharp shipped unbundled).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runWhy } from "../src/report/why.js";
import type { SizeModel } from "../src/report/model.js";
import { formatBytes } from "../src/report/sizes.js";
import { buildFixture } from "./helpers/build.js";
import { fixture } from "./helpers/paths.js";
import { copyFixture, repoTempDir } from "./helpers/tmp.js";

let root: string;
let model: SizeModel;

async function why(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runWhy(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: root });
  return { code, stdout, stderr };
}

const share = (zipBytes: number, total: number) => `${((zipBytes / total) * 100).toFixed(1)}%`;

beforeAll(async () => {
  root = copyFixture(fixture("realistic"), repoTempDir("why-"));
  const built = await buildFixture("esbuild", {
    root,
    entries: ["src/handler.ts", "src/thumbnail.ts"],
    slimfn: { runtime: "nodejs20.x", zip: "dist/[name].zip", lazy: ["@aws-sdk/*", "zod", "@aws-lambda-powertools/*"], external: ["sharp"], include: ["assets/*.svg"], verify: false, report: { json: "dist/size.json" } },
  });
  expect(built.failure?.errors).toBeUndefined();
  model = built.model!;
});

describe("slimfn why", () => {
  it("the size model keeps the folded import graph: own modules by path, packages by name, lazy edges marked", () => {
    const imports = model.functions[0]!.imports!;
    expect(imports.entry).toBe("src/handler.ts");
    const own = imports.edges.filter((e) => e.from.startsWith("src/")).map((e) => `${e.from} ${e.kind} ${e.to}`);
    expect(own).toEqual(expect.arrayContaining(["src/handler.ts static src/routes/orders.ts", "src/routes/orders.ts lazy zod", "src/lib/clients.ts lazy @aws-sdk/client-s3"]));
    expect(imports.atInit).toEqual(["src/handler.ts", "src/lib/clients.ts", "src/lib/http.ts", "src/lib/logger.ts", "src/routes/files.ts", "src/routes/health.ts", "src/routes/orders.ts"]);
  });

  it("a lazy bundled package: bytes, share of the zip, where it is lazy, and the chain through the lazy edge", async () => {
    const fn = model.functions[0]!;
    const zod = fn.packages.find((p) => p.name === "zod")!;
    const line = fn.lazy!.find((d) => d.module === "zod")!.line;
    expect(await why(["zod", "--report", "dist/size.json"])).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "slimfn why zod (dist/size.json)",
        "function handler (handler handler.handler)",
        `  zod ${zod.version}: bundled, ${formatBytes(zod.bytes)} (${formatBytes(zod.zipBytes)} zipped, ${share(zod.zipBytes, fn.zipBytes)} of the zip)`,
        `  loaded on first use (lazy: sync in src/routes/orders.ts:${line})`,
        "  import chains from the handler (the shortest):",
        "    src/handler.ts -> src/routes/orders.ts -lazy-> zod",
        "",
      ].join("\n"),
    });
  });

  it("a package reached only through lazy imports lists one chain per last importer, shortest first", async () => {
    const run = await why(["@smithy/core", "--chains", "2"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[3]).toBe("  loaded on first use (reached only through lazy or dynamic imports)");
    expect(lines[4]).toBe("  import chains from the handler (2 shortest, one per last importer):");
    const chains = lines.slice(5, 7);
    expect(chains.every((c) => c.startsWith("    src/handler.ts -> src/routes/") && c.includes(" -lazy-> @aws-sdk/") && c.endsWith(" -> @smithy/core"))).toBe(true);
    expect(chains[0]!.split(" -").length).toBeLessThanOrEqual(chains[1]!.split(" -").length);
  });

  it("a shipped package evaluated at init, and a dependency of it", async () => {
    const thumb = model.functions[1]!;
    const sharp = thumb.shipped!.find((s) => s.name === "sharp")!;
    expect((await why(["sharp"])).stdout.split("\n").slice(1)).toEqual([
      "function thumbnail (handler thumbnail.handler)",
      `  sharp ${sharp.version}: shipped unbundled in node_modules, ${formatBytes(sharp.bytes)} (${formatBytes(sharp.zipBytes)} zipped, ${share(sharp.zipBytes, thumb.zipBytes)} of the zip)`,
      "  evaluated at init",
      "  import chains from the handler (the shortest):",
      "    src/thumbnail.ts -> sharp",
      "",
    ]);
    const libc = thumb.shipped!.find((s) => s.name === "detect-libc")!;
    expect((await why(["detect-libc"])).stdout.split("\n").slice(2)).toEqual([
      `  detect-libc ${libc.version}: shipped unbundled in node_modules, ${formatBytes(libc.bytes)} (${formatBytes(libc.zipBytes)} zipped, ${share(libc.zipBytes, thumb.zipBytes)} of the zip)`,
      "  a dependency of the shipped package sharp, so evaluated at init with it",
      "",
    ]);
  });

  it("a package no function has: exit 1 with near names; bad arguments: exit 2", async () => {
    expect(await why(["client-s3"])).toEqual({ code: 1, stdout: "", stderr: 'slimfn why: no function in dist/size.json has the package "client-s3", bundled or shipped. Did you mean @aws-sdk/client-s3?\n' });
    const none = await why([]);
    expect(none.code).toBe(2);
    expect(none.stderr.split("\n")[0]).toBe("slimfn why: Name exactly one package: slimfn why zod");
    const missing = await why(["zod", "--report", "nope.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: \[REPORT_INVALID\] nope\.json cannot be read: it does not exist\./);
  });
});
