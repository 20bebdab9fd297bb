/**
 * The examples under examples/ are real projects with their own package.json and lockfile, as a
 * user would have them. Each test installs its example with `npm ci` (slimfn itself comes from
 * this repository's folder through `install-links`, as the published package would: its `files`
 * and production dependencies only), so it always runs the slimfn just built.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import path from "node:path";
import { REPO } from "./paths.js";

export const example = (name: string) => path.join(REPO, "examples", name);

/** The environment of a user's shell: no npm_* variables of the `npm test` that runs us. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, NO_COLOR: "1", ...extra };
}

/** Run a command in an example's folder; throws with its output when it fails. */
export function run(cwd: string, command: string, args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: userEnv(env), timeout: 300_000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} in ${path.relative(REPO, cwd)} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** `npm ci` in the example: its lockfile, offline where the npm cache has everything. */
export function installExample(name: string): string {
  const dir = example(name);
  run(dir, "npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"]);
  return dir;
}
