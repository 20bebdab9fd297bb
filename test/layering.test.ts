/**
 * The core (src/) is bundler-neutral: it imports nothing from plugins/ and no bundler. Checked
 * over every import, re-export and `import()` of every file in src/, as the parser reads them.
 */
import fs from "node:fs";
import path from "node:path";
import { parseSync } from "oxc-parser";
import { describe, expect, it } from "vitest";

const REPO = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : /\.ts$/.test(d.name) ? [p] : [];
  });
}

/** Every specifier a file imports, re-exports or loads with `import()` (string literals). */
function specifiers(file: string): string[] {
  const code = fs.readFileSync(file, "utf8");
  const { module, errors } = parseSync(file, code, { sourceType: "module" });
  expect(errors, file).toEqual([]);
  const dynamic = module.dynamicImports.map((d) => code.slice(d.moduleRequest.start, d.moduleRequest.end));
  // A computed import() would hide what it loads: the core has none.
  for (const text of dynamic) expect(text, `${file}: import(${text})`).toMatch(/^(["'`])[^"'`$]+\1$/);
  return [
    ...module.staticImports.map((i) => i.moduleRequest.value),
    ...module.staticExports.flatMap((e) => e.entries.flatMap((x) => (x.moduleRequest ? [x.moduleRequest.value] : []))),
    ...dynamic.map((text) => text.slice(1, -1)),
  ];
}

describe("layering", () => {
  it("src/ imports nothing from plugins/ and no bundler; the CLI reaches its esbuild command only by the package's import map", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { imports?: Record<string, string> };
    const crossing: string[] = [];
    const mapped: string[] = [];
    for (const file of sourceFiles(path.join(REPO, "src"))) {
      const rel = path.relative(REPO, file);
      for (const spec of specifiers(file)) {
        if (spec.startsWith(".")) {
          const target = path.relative(REPO, path.resolve(path.dirname(file), spec));
          if (!target.startsWith(`src${path.sep}`)) crossing.push(`${rel} -> ${spec}`);
        } else if (spec.startsWith("#")) {
          mapped.push(`${rel} -> ${spec} = ${manifest.imports?.[spec]}`);
        } else if (/^(?:esbuild|rollup|rolldown|vite)(?:\/|$)|^@rollup\//.test(spec)) {
          crossing.push(`${rel} -> ${spec}`);
        }
      }
    }
    expect(crossing).toEqual([]);
    expect(mapped).toEqual(["src/cli.ts -> #esbuild-build-command = ./dist/plugins/esbuild/build-command.js"]);
  });
});
