/**
 * The published types: a user's build script (test/types/consumer.ts) compiles against the
 * declarations in dist/ through the package's `exports`, and each `@ts-expect-error` there
 * proves a wrong option is a type error (tsc fails on an unused one).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/paths.js";

describe("published types", () => {
  it("type-check a user's build script and reject wrong options", () => {
    const tsc = path.join(REPO, "node_modules/typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", path.join(REPO, "test/types/tsconfig.json")], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
