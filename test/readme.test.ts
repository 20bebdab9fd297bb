/**
 * The README's option table is the user's reference: it must list exactly the options slimfn
 * accepts, each with the default the code documents.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OPTION_DOCS } from "../src/options.js";
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
