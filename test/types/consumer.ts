// A user's build script, type-checked against the published declarations (dist/*.d.ts) through
// the package's own `exports`: what compiles here compiles for users, and every
// `@ts-expect-error` proves a mistake is caught by the types before any build runs.
import { build } from "esbuild";
import slimfn, { type Options } from "slimfn/esbuild";
import { SCHEMA_VERSION, type SizeModel } from "slimfn";

const options: Options = {
  runtime: "nodejs22.x",
  arch: "arm64",
  lazy: { modules: ["@aws-sdk/*", "zod"], mode: "auto" },
  external: ["sharp"],
  include: ["assets/*.pem"],
  zip: "dist/[name].zip",
  verify: { runs: 3, env: { STAGE: "test" } },
  strip: { keep: ["sharp:lib/**"], remove: ["docs/**"] },
  report: { json: "dist/size.json", budgets: { zip: "5MB", init: "1.5x" } },
};

await build({ entryPoints: ["src/handler.ts"], outdir: "dist", plugins: [slimfn(options), slimfn()] });

export const version: number = SCHEMA_VERSION;
export const names = (model: SizeModel): string[] => model.functions.map((f) => `${f.name}:${f.handler}:${f.zipBytes}`);

// @ts-expect-error: an unknown runtime
slimfn({ runtime: "nodejs18.x" });
// @ts-expect-error: a typo in a key
slimfn({ lazzy: ["zod"] });
// @ts-expect-error: zip is a path or a flag
slimfn({ zip: 5 });
// @ts-expect-error: lazy mode is one of three
slimfn({ lazy: { modules: [], mode: "later" } });
// @ts-expect-error: arch is x86_64 or arm64
slimfn({ arch: "x64" });
