/**
 * Load a size model written by `report: { json }` and check it before anything reads a figure
 * from it: a wrong file must fail with a message naming the file and the field, never turn into
 * a crash deep in a formatter or a silent zero in a PR comment.
 */
import path from "node:path";
import { error, SlimfnError, type Diagnostic } from "../diagnostics.js";
import { SCHEMA_ID, SCHEMA_VERSION, type SizeModel } from "./model.js";
import { readTextCapped, TooLarge } from "../read-capped.js";

/** The most of a file read as a size model (one with thousands of functions is a few MB). */
export const MAX_MODEL_BYTES = 64 * 1024 * 1024;

/** A size model and the file it came from (shown in messages and reports). */
export interface LoadedModel {
  file: string;
  model: SizeModel;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

/**
 * Read and validate one size model file. Throws a `SlimfnError` with `REPORT_INVALID`.
 * `file` is shown in messages and reports as given; `cwd` resolves it.
 */
export async function readModel(file: string, cwd = process.cwd()): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readTextCapped(path.resolve(cwd, file), MAX_MODEL_BYTES);
  } catch (e) {
    if (e instanceof TooLarge) {
      throw new SlimfnError(invalid(file, `is larger than ${MAX_MODEL_BYTES / 1024 / 1024} MiB, far more than a size model holds, so it was not read further. Pass the size model that report.json (or slimfn build --report) wrote.`));
    }
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : (e as Error).message;
    throw new SlimfnError(invalid(file, `cannot be read: ${reason}. Pass the size model that report.json (or slimfn build --report) wrote.`));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SlimfnError(invalid(file, `is not JSON (${(e as Error).message}), so it is not a slimfn size model.`));
  }
  return { file, model: validateModel(json, file) };
}

/** Check a parsed JSON value against the parts of the schema the report reads. */
export function validateModel(json: unknown, file: string): SizeModel {
  if (!isObject(json) || json.schema !== SCHEMA_ID) {
    throw new SlimfnError(
      invalid(file, `is not a slimfn size model: it has no "schema": "${SCHEMA_ID}". Pass the file that report.json (or slimfn build --report) wrote.`),
    );
  }
  const version = json.schemaVersion;
  if (!isCount(version) || version < 1) {
    throw new SlimfnError(invalid(file, `has an invalid "schemaVersion" (${JSON.stringify(version)}); expected a whole number from 1.`));
  }
  if (version > SCHEMA_VERSION) {
    throw new SlimfnError(
      invalid(
        file,
        `was written by a newer slimfn (size model schema version ${version}; this slimfn reads up to version ${SCHEMA_VERSION}). Run the report with the slimfn version that built it, or upgrade slimfn.`,
      ),
    );
  }
  const problems: string[] = [];
  const functions = json.functions;
  if (!Array.isArray(functions)) {
    problems.push(`"functions" must be an array`);
  } else {
    const seen = new Set<string>();
    functions.forEach((fn: unknown, i) => {
      const at = `functions[${i}]`;
      if (!isObject(fn)) return problems.push(`${at} must be an object`);
      if (typeof fn.name !== "string" || fn.name === "") problems.push(`${at}.name must be a non-empty string`);
      else if (seen.has(fn.name)) problems.push(`${at}.name "${fn.name}" appears twice`);
      else seen.add(fn.name);
      for (const key of ["zipBytes", "unzippedBytes", "entryCount"]) {
        if (!isCount(fn[key])) problems.push(`${at}.${key} must be a whole number of bytes, got ${JSON.stringify(fn[key])}`);
      }
      if (!isObject(fn.ownCode) || !isCount(fn.ownCode.bytes) || !isCount(fn.ownCode.zipBytes)) {
        problems.push(`${at}.ownCode must hold bytes and zipBytes as whole numbers`);
      }
      // Optional parts: absent means "none" or "not measured", but present and damaged is an error.
      if (fn.init !== undefined) {
        const init = fn.init;
        const isTime = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
        if (!isObject(init) || !isTime(init.medianMs) || !isTime(init.bareNodeMs)) {
          problems.push(`${at}.init must hold medianMs and bareNodeMs in milliseconds`);
        }
      }
      if (fn.shipped !== undefined && !Array.isArray(fn.shipped)) problems.push(`${at}.shipped must be an array`);
      if (fn.lazy !== undefined && !(Array.isArray(fn.lazy) && fn.lazy.every((d) => isObject(d) && typeof d.module === "string" && typeof d.mode === "string"))) {
        problems.push(`${at}.lazy must be an array of decisions with module and mode`);
      }
      const lists: [string, unknown[]][] = [["packages", Array.isArray(fn.packages) ? fn.packages : []]];
      if (Array.isArray(fn.shipped)) lists.push(["shipped", fn.shipped]);
      if (!Array.isArray(fn.packages)) problems.push(`${at}.packages must be an array`);
      for (const [list, entries] of lists) entries.forEach((p: unknown, j) => {
        const pat = `${at}.${list}[${j}]`;
        if (!isObject(p)) return problems.push(`${pat} must be an object`);
        if (typeof p.name !== "string" || p.name === "") problems.push(`${pat}.name must be a non-empty string`);
        if (typeof p.version !== "string") problems.push(`${pat}.version must be a string`);
        for (const key of ["bytes", "zipBytes"]) {
          if (!isCount(p[key])) problems.push(`${pat}.${key} must be a whole number of bytes, got ${JSON.stringify(p[key])}`);
        }
        return undefined;
      });
      return undefined;
    });
  }
  if (problems.length) {
    const shown = problems.slice(0, 5);
    const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : "";
    throw new SlimfnError(invalid(file, `is a damaged slimfn size model: ${shown.join("; ")}${more}.`));
  }
  return json as unknown as SizeModel;
}

function invalid(file: string, what: string): Diagnostic {
  return error("REPORT_INVALID", `${file} ${what}`);
}
