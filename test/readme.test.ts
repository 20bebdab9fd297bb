/**
 * The README's option table is the user's reference: it must list exactly the options slimfn
 * accepts, each with the default the code documents.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OPTION_DOCS } from "../src/options.js";
import { SEVERITY } from "../src/diagnostics.js";
import { REPO } from "./helpers/paths.js";

function readmeRows(): Map<string, string> {
  const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("<!-- options:start -->"), readme.indexOf("<!-- options:end -->"));
  const rows = new Map<string, string>();
  for (const line of table.split("\n")) {
    const m = /^\| `([A-Za-z]+)` \|(?:[^|]|\\\|)*\| (.*?) \|/.exec(line.replace(/\\\|/g, "¦"));
    if (m) rows.set(m[1]!, m[2]!.replace(/¦/g, "|"));
  }
  return rows;
}

/** `@default` of each top-level key of `interface Options`, from its JSDoc. */
function documentedDefaults(): Map<string, string> {
  const source = fs.readFileSync(path.join(REPO, "src/options.ts"), "utf8");
  const body = source.slice(source.indexOf("export interface Options {"));
  const block = body.slice(0, body.indexOf("\n}\n"));
  const defaults = new Map<string, string>();
  for (const m of block.matchAll(/@default ([^\n]*)\n(?:\s*\*[^\n]*\n)*?\s*\*\/\s*\n\s*([A-Za-z]+)\?:/g)) {
    defaults.set(m[2]!, m[1]!.trim());
  }
  return defaults;
}

describe("README option table", () => {
  it("lists exactly the options slimfn accepts", () => {
    expect([...readmeRows().keys()].sort()).toEqual(Object.keys(OPTION_DOCS).sort());
  });

  it("shows the default each option documents", () => {
    const rows = readmeRows();
    const defaults = documentedDefaults();
    expect([...defaults.keys()].sort()).toEqual(Object.keys(OPTION_DOCS).sort());
    for (const [key, value] of defaults) {
      expect({ key, readme: rows.get(key) }).toEqual({ key, readme: `\`${value}\`` });
    }
  });
});

describe("README diagnostic codes", () => {
  it("lists exactly the codes slimfn can emit", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("<!-- codes:start -->"), readme.indexOf("<!-- codes:end -->"));
    const listed = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!).sort();
    const source = fs.readFileSync(path.join(REPO, "src/diagnostics.ts"), "utf8");
    const union = source.slice(source.indexOf("export type DiagnosticCode"), source.indexOf(";", source.indexOf("export type DiagnosticCode")));
    const codes = [...union.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]!).sort();
    expect(codes.length).toBeGreaterThan(20);
    expect(listed).toEqual(codes);
  });

  it("gives each code the one severity of src/diagnostics.ts's table", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("<!-- codes:start -->"), readme.indexOf("<!-- codes:end -->"));
    const listed = Object.fromEntries([...table.matchAll(/^\| `([A-Z_]+)` \| (\w+) \|/gm)].map((m) => [m[1]!, m[2]!]));
    expect(listed).toEqual({ ...SEVERITY });
  });

  it("lists no code that nothing emits", () => {
    const sources = fs.readdirSync(path.join(REPO, "src"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.endsWith("diagnostics.ts"))
      .map((f) => fs.readFileSync(path.join(REPO, "src", f), "utf8"))
      .join("\n");
    const source = fs.readFileSync(path.join(REPO, "src/diagnostics.ts"), "utf8");
    const union = source.slice(source.indexOf("export type DiagnosticCode"), source.indexOf(";", source.indexOf("export type DiagnosticCode")));
    const unused = [...union.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]!).filter((c) => !sources.includes(`"${c}"`));
    expect(unused).toEqual([]);
  });
});

