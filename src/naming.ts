/**
 * Names of functions, their zips and their handler strings (DESIGN "Names and layout").
 */
import path from "node:path";
import { error, SlimfnError } from "./diagnostics.js";

/** `/`-separated path of `file` relative to `from`. */
export function relativePosix(from: string, file: string): string {
  return path.relative(from, file).split(path.sep).join("/");
}

/** Entry output path relative to outdir, without extension, `/` turned into `-`. */
export function functionName(outdir: string, entry: string): string {
  const rel = relativePosix(outdir, entry);
  return rel.slice(0, rel.length - path.extname(rel).length).replaceAll("/", "-");
}

/** The export Lambda should call: `handler` when exported, else the only export. */
export function handlerExport(name: string, entryInZip: string, exports: readonly string[], commonJsEntryAsEsm = false): string {
  if (exports.includes("handler")) return "handler";
  if (commonJsEntryAsEsm) {
    // Lambda would call `default`, the whole `module.exports` object, which is not a function.
    throw new SlimfnError(
      error("NO_HANDLER_EXPORT", `Function "${name}" (${entryInZip}) has a CommonJS entry (exports.handler = ...) built as ESM, which exports only "default". Build with format: "cjs" (slimfn build --format cjs; the default when every entry is CommonJS), or give the entry export syntax (export const handler = ...).`),
    );
  }
  if (exports.length === 1) return exports[0]!;
  const found = exports.length
    ? `It exports ${exports.map((e) => `"${e}"`).join(", ")}; slimfn cannot tell which one Lambda should call.`
    : "It exports nothing.";
  throw new SlimfnError(
    error("NO_HANDLER_EXPORT", `Function "${name}" (${entryInZip}) has no handler export. ${found} Export the function as \`export const handler = async (event) => { ... }\`.`),
  );
}

/** `handler.handler`: the entry's path in the zip without extension, `.`, the export. */
export function handlerString(entryInZip: string, exportName: string): string {
  return `${entryInZip.slice(0, entryInZip.length - path.extname(entryInZip).length)}.${exportName}`;
}

/** Lambda's limit on the handler setting (its API: at most 128 characters, no whitespace). */
const HANDLER_MAX = 128;

/**
 * Why Lambda would not take this handler string, or undefined when it would. Lambda's API wants
 * at most 128 characters matching ^[^\s]+$; slimfn also asks for printable ASCII, which every
 * deploy tool and shell passes through unchanged.
 */
export function handlerStringProblem(handler: string): string | undefined {
  if (/\s/.test(handler)) return "it contains whitespace, which Lambda will not accept";
  if (handler.length > HANDLER_MAX) return `it is ${handler.length} characters long, more than Lambda accepts`;
  if (/[^\x21-\x7e]/.test(handler)) return "it contains characters outside printable ASCII, which Lambda's console, APIs and deploy tools do not all carry unchanged";
  return undefined;
}

/** Fill `[name]` and `[outdir]` in a zip path template and check the result is usable. */
export function zipPaths(template: string, outdir: string, names: readonly string[]): Map<string, string> {
  if (names.length > 1 && !template.includes("[name]")) {
    throw new SlimfnError(
      error("ZIP_NAME_MISSING", `The zip path "${template}" has no [name], but the build has ${names.length} functions (${names.join(", ")}). Put [name] in it, for example "dist/[name].zip".`),
    );
  }
  const paths = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const name of names) {
    const p = path.resolve(template.replaceAll("[outdir]", outdir).replaceAll("[name]", name));
    const other = seen.get(p);
    if (other !== undefined) {
      // Names turn "/" into "-": entries `api/get` and `api-get` are both "api-get".
      const why = other === name
        ? `Two functions are both named "${name}" (a function's name is its output path with "/" turned into "-"), so both would be zipped to ${p}. Rename one of the entries.`
        : `Functions "${other}" and "${name}" would both be zipped to ${p}. Use [name] in the zip path.`;
      throw new SlimfnError(error("ZIP_NAME_COLLISION", why));
    }
    seen.set(p, name);
    paths.set(name, p);
  }
  return paths;
}
