/**
 * The differential lazy corpus (issue 15): real npm packages of every module shape
 * (test/lazy-corpus-packages.ts) x every import form x modes (auto, sync, async) x formats
 * (split esm, cjs, esm outfile under esbuild; split esm under rollup and Rolldown). Each build holds every package and form as separate modules of
 * two functions: `lazy` (forms used only inside functions: default, named, namespace, mixed) and
 * `eager` (a re-export from a project module, and a use at module scope, which must stay eager
 * and say so). One call of each function returns every answer; run from the extracted zip in a
 * fresh node, they must equal the answers of the same build without `lazy`. Rule 1 of
 * DESIGN.md: lazy rewriting changes when a module is evaluated, never what the program computes.
 */
import fs from "node:fs";
import path from "node:path";
import type * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics.js";
import type { LazyDecision } from "../src/lazy/types.js";
import { buildFixture, type Bundler } from "./helpers/build.js";
import { handlerModule, invokeHandler } from "./helpers/invoke.js";
import { fixture } from "./helpers/paths.js";
import { repoTempDir } from "./helpers/tmp.js";
import { extractZip } from "./helpers/zip.js";
import { toDiagnostic } from "./lazy-helpers.js";
import { CORPUS, type CorpusPackage } from "./lazy-corpus-packages.js";

type Mode = "auto" | "sync" | "async";
type Format = "esm" | "cjs" | "outfile";
const LAZY_FORMS = ["default", "named", "namespace", "mixed"] as const;
const EAGER_FORMS = ["reexport", "module-scope"] as const;
type Form = (typeof LAZY_FORMS)[number] | (typeof EAGER_FORMS)[number];

const slug = (name: string) => name.replace(/^@/, "").replace(/[/]/g, "__");
const nsExpr = (p: CorpusPackage) =>
  p.names.length ? p.names.reduce((e, n) => e.replace(new RegExp(`(?<![.\\w$"'])${n}(?![\\w$"'])`, "g"), `ns.${n}`), p.named) : p.def!.replace(/\bD\b/g, "ns.default");

/** The packages a format can hold: esbuild refuses top-level await in cjs output, lazy or not. */
const inFormat = (format: Format) => CORPUS.filter((p) => !(p.tla && format === "cjs"));

/** The forms a package can be imported in (a default needs a default export, names need names). */
function formsOf(p: CorpusPackage): Form[] {
  const forms: Form[] = [];
  if (p.def) forms.push("default");
  if (p.names.length) forms.push("named");
  forms.push("namespace");
  if (p.def && p.names.length) forms.push("mixed");
  forms.push("reexport", "module-scope");
  return forms;
}

/** One module per package and form; `files` maps a path under src/ to its source. */
function formModule(p: CorpusPackage, form: Form, files: Map<string, string>): string {
  const spec = JSON.stringify(p.name);
  const dir = `forms/${slug(p.name)}`;
  const file = `${dir}/${form}.ts`;
  const named = p.names.length ? `{ ${p.names.join(", ")} }` : "";
  const use = p.names.length ? p.named : p.def!;
  const importUse = p.names.length ? `import ${named} from ${spec};` : `import D from ${spec};`;
  let src: string;
  switch (form) {
    case "default":
      src = `import D from ${spec};\nexport async function run() { return ${p.def}; }\n`;
      break;
    case "named":
      src = `import ${named} from ${spec};\nexport async function run() { return ${p.named}; }\n`;
      break;
    case "namespace":
      src = `import * as ns from ${spec};\nexport async function run() { return ${nsExpr(p)}; }\n`;
      break;
    case "mixed":
      src = `import D, ${named} from ${spec};\nexport async function run() { return [await ${p.def}, await ${p.named}]; }\n`;
      break;
    case "reexport":
      files.set(`${dir}/reexported.ts`, p.names.length ? `export ${named} from ${spec};\n` : `export { default as D } from ${spec};\n`);
      src = `${p.names.length ? `import ${named}` : "import { D }"} from "./reexported.js";\nexport async function run() { return ${use}; }\n`;
      break;
    case "module-scope":
      // Read at init, not a construction (`const s3 = new S3Client()` would be deferred as a client).
      src = `${importUse}\nconst atInit = [${use}][0];\nexport async function run() { return atInit; }\n`;
      break;
  }
  files.set(file, src);
  return file;
}

const HANDLER_TAIL = `
const norm = (v) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "function" ? "[fn " + x.name + "]" : typeof x === "bigint" ? String(x) : x === undefined ? "[undefined]" : x)) ?? "[undefined]");
export async function handler() {
  const answers = {};
  for (const [key, run] of Object.entries(RUNS)) {
    try { answers[key] = norm(await run()); } catch (e) { answers[key] = { threw: String((e && e.message) || e) }; }
  }
  return answers;
}
`;

/** Write the project: package.json, the TLA package, every form module and the two entries. */
function writeProject(format: Format): { root: string; expectedEagerFiles: string[]; lazyFiles: Map<string, CorpusPackage> } {
  const root = repoTempDir("lazy-corpus-");
  fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "corpus", private: true, type: "module" }));
  fs.cpSync(fixture("lazy-corpus/tla-config"), path.join(root, "node_modules/tla-config"), { recursive: true });
  const files = new Map<string, string>();
  const entries: Record<"lazy" | "eager", string[]> = { lazy: [], eager: [] };
  const lazyFiles = new Map<string, CorpusPackage>();
  const expectedEagerFiles: string[] = [];
  for (const p of inFormat(format)) {
    for (const form of formsOf(p)) {
      const file = formModule(p, form, files);
      const isLazyForm = (LAZY_FORMS as readonly string[]).includes(form);
      entries[isLazyForm ? "lazy" : "eager"].push(file);
      if (isLazyForm) lazyFiles.set(`src/${file}`, p);
      else expectedEagerFiles.push(`src/${form === "reexport" ? file.replace(/reexport\.ts$/, "reexported.ts") : file}`);
    }
  }
  for (const [name, list] of Object.entries(entries)) {
    const imports = list.map((f, i) => `import { run as r${i} } from "./${f.replace(/\.ts$/, ".js")}";`).join("\n");
    const runs = list.map((f, i) => `  ${JSON.stringify(f.replace(/^forms\//, "").replace(/\.ts$/, ""))}: r${i},`).join("\n");
    files.set(`${name}.ts`, `${imports}\nconst RUNS = {\n${runs}\n};\n${HANDLER_TAIL}`);
  }
  for (const [f, src] of files) {
    fs.mkdirSync(path.dirname(path.join(root, "src", f)), { recursive: true });
    fs.writeFileSync(path.join(root, "src", f), src);
  }
  return { root, expectedEagerFiles: expectedEagerFiles.sort(), lazyFiles };
}

interface CorpusBuild {
  answers: Record<string, Record<string, unknown>>;
  warnings: Diagnostic[];
  decisions: LazyDecision[];
}

const FORMAT_OPTIONS: Record<Format, esbuild.BuildOptions> = { esm: { format: "esm" }, cjs: { format: "cjs" }, outfile: { format: "esm" } };

/** Build both functions (outfile: one build each), zip, extract with unzip and call each once. */
async function buildAndRun(format: Format, lazy: { modules: string[]; mode: Mode } | undefined, bundler: Bundler = "esbuild"): Promise<CorpusBuild> {
  const project = writeProject(format);
  const out: CorpusBuild = { answers: {}, warnings: [], decisions: [] };
  // outfile holds one entry: one build per function, and the eager forms (which stay eager in
  // every mode, as the esm and cjs builds show) only in auto mode and the baseline.
  const groups = format !== "outfile" ? [["lazy", "eager"]] : lazy && lazy.mode !== "auto" ? [["lazy"]] : [["lazy"], ["eager"]];
  await Promise.all(
    groups.map(async (names) => {
      const b = await buildFixture(bundler, {
        root: project.root,
        entries: Object.fromEntries(names.map((n) => [n, `src/${n}.ts`])),
        slimfn: { verify: false, report: { json: `dist/${names.join("-")}.json` }, ...(lazy ? { lazy } : {}) },
        esbuild: { ...FORMAT_OPTIONS[format], ...(format === "outfile" ? { outfile: `dist/${names[0]}.mjs` } : {}) },
      });
      expect(b.failure?.errors ?? []).toEqual([]);
      out.warnings.push(...b.result!.warnings.map((w) => toDiagnostic(w as esbuild.Message)).filter((d) => d.code.startsWith("LAZY_")));
      for (const fn of b.model!.functions) {
        out.decisions.push(...(fn.lazy ?? []));
        const dir = extractZip(path.join(project.root, "dist", `${fn.name}.zip`));
        const { file, exportName } = handlerModule(dir, fn.handler);
        const [answer] = invokeHandler(file, exportName, [{}]);
        if (!answer || !("ok" in answer)) throw new Error(`${fn.name} failed: ${JSON.stringify(answer)}`);
        out.answers[fn.name] = answer.ok as Record<string, unknown>;
      }
    }),
  );
  return Object.assign(out, { project });
}

/** Whether a lazy form defers in this mode and format, or the reason code it stays eager with. */
function expectedMode(p: CorpusPackage, mode: Mode, format: Format): "deferred" | "eager" {
  // Async mode defers in every format: without splitting, esbuild keeps the import() target in
  // the bundle and evaluates it on first use. Auto takes sync mode there.
  const sync = mode === "sync" || (mode === "auto" && format !== "esm");
  if (p.tla && sync) return "eager"; // require() cannot load top-level await
  return "deferred";
}


// esbuild in each of its shapes; rollup and Rolldown in the one they can defer in (split ES
// output, where sync loads require their own chunk as esbuild's do on nodejs22.x), in the modes
// that choose between require and import() (async mode's import() under every bundler is in
// test/lazy-bundlers.test.ts): a rollup build of the corpus takes ~3x esbuild's.
const SHAPES: { bundler: Bundler; format: Format; modes: Mode[] }[] = [
  { bundler: "esbuild", format: "esm", modes: ["auto", "sync", "async"] },
  { bundler: "esbuild", format: "cjs", modes: ["auto", "sync", "async"] },
  { bundler: "esbuild", format: "outfile", modes: ["auto", "sync", "async"] },
  { bundler: "rollup", format: "esm", modes: ["auto", "sync"] },
  { bundler: "rolldown", format: "esm", modes: ["auto", "sync"] },
];

describe.each(SHAPES)("lazy corpus, $bundler, $format output", ({ bundler, format, modes }) => {
  let eager: CorpusBuild;
  it.each(modes)("mode %s: every answer equals the eager build's; what cannot defer stays eager and says so", async (mode) => {
    eager ??= await buildAndRun(format, undefined, bundler);
    // The probes themselves work: no answer of the eager build is an error.
    for (const fn of ["lazy", "eager"]) {
      const threw = Object.entries(eager.answers[fn]!).filter(([, v]) => (v as { threw?: string } | null)?.threw !== undefined);
      expect(threw).toEqual([]);
    }
    const lazy = await buildAndRun(format, { modules: inFormat(format).map((p) => p.name), mode }, bundler);
    const project = (lazy as CorpusBuild & { project: ReturnType<typeof writeProject> }).project;
    expect(lazy.answers).toEqual(Object.fromEntries(Object.keys(lazy.answers).map((fn) => [fn, eager.answers[fn]])));
    const builtEager = "eager" in lazy.answers;

    // Every lazy form defers, unless this mode and format cannot (then it says why).
    const decided = new Map(lazy.decisions.filter((d) => project.lazyFiles.has(d.importer)).map((d) => [d.importer, d]));
    const wrong = [...project.lazyFiles].flatMap(([file, p]) => {
      const d = decided.get(file);
      const want = expectedMode(p, mode, format);
      const got = d === undefined ? "no decision" : d.mode === "eager" ? "eager" : "deferred";
      return got === want ? [] : [`${file}: ${got}, expected ${want}${d?.reason ? ` (${d.reason})` : ""}`];
    });
    expect(wrong).toEqual([]);
    // Warnings: LAZY_STAYS_EAGER only, exactly for the forms that stay eager.
    expect(lazy.warnings.filter((w) => w.code !== "LAZY_STAYS_EAGER")).toEqual([]);
    const eagerLazyForms = [...project.lazyFiles].filter(([, p]) => expectedMode(p, mode, format) === "eager").map(([f]) => f);
    expect([...new Set(lazy.warnings.map((w) => w.loc?.file ?? "(no location)"))].sort()).toEqual([...(builtEager ? project.expectedEagerFiles : []), ...eagerLazyForms].sort());
  });
});
