/**
 * Invoke a handler the way Lambda does: import the module in a fresh `node` process, call the
 * exported function with each event, in order, and collect the answers.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { tempDir } from "./tmp.js";

/** Credentials and settings the fixtures' SDK code reads; no test calls the network. */
export const FUNCTION_ENV = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  LOG_LEVEL: "WARN",
};

export type Answer = { ok: unknown } | { error: string };

const RUNNER = `
const [file, exportName, eventsFile, outFile] = process.argv.slice(1);
const { pathToFileURL } = await import("node:url");
const fs = await import("node:fs");
const mod = await import(pathToFileURL(file).href);
const fn = mod[exportName];
if (typeof fn !== "function") throw new Error(exportName + " is not a function in " + file);
const answers = [];
for (const event of JSON.parse(fs.readFileSync(eventsFile, "utf8"))) {
  try { answers.push({ ok: await fn(event, { functionName: "test", awsRequestId: "req-1" }) }); }
  catch (e) { answers.push({ error: String(e && e.message || e) }); }
}
fs.writeFileSync(outFile, JSON.stringify(answers));
`;

/** Find the module of a Lambda handler string (`handler.handler`) under `dir`, as Lambda does. */
export function handlerModule(dir: string, handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf(".");
  const base = path.join(dir, handler.slice(0, dot));
  const file = [".mjs", ".js", ".cjs"].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no module for handler ${handler} in ${dir}`);
  return { file, exportName: handler.slice(dot + 1) };
}

export interface InvokeOptions {
  env?: Record<string, string>;
  nodeArgs?: string[];
  cwd?: string;
}

export function invokeHandler(file: string, exportName: string, events: unknown[], opts: InvokeOptions = {}): Answer[] {
  const scratch = tempDir("slimfn-invoke-");
  const eventsFile = path.join(scratch, "events.json");
  const outFile = path.join(scratch, "answers.json");
  fs.writeFileSync(eventsFile, JSON.stringify(events));
  execFileSync(process.execPath, [...(opts.nodeArgs ?? []), "--input-type=module", "-e", RUNNER, file, exportName, eventsFile, outFile], {
    cwd: opts.cwd ?? path.dirname(file),
    env: { PATH: process.env.PATH ?? "", ...FUNCTION_ENV, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(fs.readFileSync(outFile, "utf8")) as Answer[];
}

/** Read every `events/*.json` of a fixture, sorted by name. */
export function fixtureEvents(fixtureDir: string): { names: string[]; events: unknown[] } {
  const dir = path.join(fixtureDir, "events");
  const names = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  return { names, events: names.map((n) => JSON.parse(fs.readFileSync(path.join(dir, n), "utf8"))) };
}
