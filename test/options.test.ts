import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULTS, resolveOptions, validateOptions } from "../src/options.js";
import { SlimfnError } from "../src/diagnostics.js";

describe("options", () => {
  it("resolves once into a frozen, fully-defaulted object", () => {
    const resolved = resolveOptions({}, "/project");
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
    expect(resolved.runtime).toEqual({ name: "nodejs22.x", target: "node22", nodeMajor: 22 });
    expect(resolved.zip).toBe("[outdir]/[name].zip");
    expect(resolved.report.json).toBeUndefined();
    expect(resolved.root).toBe("/project");
  });

  it("resolves paths against the project root, and `undefined` means not set", () => {
    const resolved = resolveOptions({ zip: "out/[name].zip", report: { json: "out/size.json" }, runtime: undefined }, "/p");
    expect(resolved.zip).toBe(path.resolve("/p/out/[name].zip"));
    expect(resolved.report.json).toBe(path.resolve("/p/out/size.json"));
    expect(resolved.runtime.name).toBe("nodejs22.x");
    expect(resolveOptions({ zip: false }, "/p").zip).toBe(false);
  });

  it("include: an array for every function, or an object of arrays by function name", () => {
    expect(resolveOptions({ include: ["a/*"] }, "/p").include).toEqual([{ functions: "*", globs: ["a/*"] }]);
    expect(resolveOptions({ include: { "api-*": ["a/*"], jobs: ["b"] } }, "/p").include).toEqual([{ functions: "api-*", globs: ["a/*"] }, { functions: "jobs", globs: ["b"] }]);
    expect(validateOptions({ include: { "api-*": "assets", "a b": ["x"], ok: ["../up"] } } as never).map((d) => [d.code, d.message])).toEqual([
      ["OPTION_INVALID", 'slimfn option "include.api-*" must be an array of non-empty strings, got "assets".'],
      ["OPTION_INVALID", 'slimfn option "include" has the key "a b", which is not a function name: use a name such as "api-get", with * for any characters ("api-*", "*").'],
      ["OPTION_INVALID", 'slimfn option "include.ok" must hold a glob inside the project root (no ".." parts), got "../up".'],
    ]);
    expect(validateOptions({ include: 5 } as never).map((d) => d.message)).toEqual([
      'slimfn option "include" must be an array of globs, or an object of them by function name ({ "api-*": ["assets/**"] }), got number 5.',
    ]);
  });

  it("reports every problem at once, each naming its key", () => {
    const problems = validateOptions({ zip: "", runtime: 22, nope: 1 });
    expect(problems.map((d) => [d.code, d.message])).toEqual([
      ["OPTION_INVALID", 'slimfn option "zip" must be a non-empty string or true or false, got "".'],
      ["OPTION_INVALID", 'slimfn option "runtime" must be one of "nodejs20.x", "nodejs22.x", "nodejs24.x", got number 22.'],
      ["OPTION_UNKNOWN", expect.stringMatching(/^Unknown slimfn option "nope"\. Known options: .*runtime.*zip\.$/)],
    ]);
    expect(() => resolveOptions({ runtime: "node22" as never }, "/p")).toThrow(SlimfnError);
    expect(validateOptions("fast" as never)).toEqual([
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "options" must be an object, got "fast".' },
    ]);
  });

  it("names nested keys of an option that is a flag or an object", () => {
    expect(validateOptions({ verify: { runz: 3 } })).toEqual([
      { code: "OPTION_UNKNOWN", severity: "error", message: 'Unknown slimfn option "verify.runz". Known options of "verify": env, event, events, failOnError, runs, watch.' },
    ]);
    expect(validateOptions({ verify: "yes" })).toEqual([
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "verify" must be true or false or an object, got "yes".' },
    ]);
  });
});

describe("cache option", () => {
  it("defaults to node_modules/.cache/slimfn above the root, takes a dir relative to the root, and is checked", () => {
    const repo = path.resolve(import.meta.dirname, "..");
    expect(resolveOptions({}, path.join(repo, "fixtures/realistic")).cache).toEqual({ dir: path.join(repo, "node_modules/.cache/slimfn") });
    expect(resolveOptions({ cache: { dir: "ci-cache" } }, "/p").cache).toEqual({ dir: path.resolve("/p/ci-cache") });
    expect(resolveOptions({ cache: false }, "/p").cache).toBe(false);
    expect(validateOptions({ cache: { dri: "x" } })).toEqual([
      { code: "OPTION_UNKNOWN", severity: "error", message: 'Unknown slimfn option "cache.dri". Known options of "cache": dir.' },
    ]);
    expect(validateOptions({ cache: "on" })).toEqual([
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "cache" must be true or false or an object, got "on".' },
    ]);
    expect(validateOptions({ cache: { dir: "" } })).toEqual([
      { code: "OPTION_INVALID", severity: "error", message: 'slimfn option "cache.dir" must be a non-empty string, got "".' },
    ]);
  });
});
