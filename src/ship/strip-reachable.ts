/**
 * What a package's manifest makes reachable: `main`, every target of `exports` (every
 * condition, nested, subpath patterns included), `imports`, `bin`, and the `module` and
 * `browser` fields. These files are never stripped (DESIGN rule 2). Targets are resolved like
 * Node resolves a `main`: the exact file, then with an extension, then as a folder's index.
 */
import path from "node:path";
import type { PackageJson } from "./resolve.js";

const EXTENSIONS = ["", ".js", ".json", ".node", ".cjs", ".mjs"];
const INDEXES = ["index.js", "index.json", "index.node", "index.cjs", "index.mjs"];

/** Every string target in an `exports` / `imports` value, whatever its nesting. */
function targetsOf(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) targetsOf(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) targetsOf(v, out);
}

/** `./dist/x.js` -> `dist/x.js`; `undefined` for targets outside the package or not relative. */
function normalise(target: string): string | undefined {
  const t = target.replace(/\\/g, "/");
  const n = path.posix.normalize(t.startsWith("/") ? t.slice(1) : t);
  if (n === "." || n.startsWith("../") || n === "..") return n === "." ? "" : undefined;
  return n.replace(/\/$/, "");
}

/** The files a manifest entry names, resolved against the package's file set. */
function resolveTarget(target: string, files: ReadonlySet<string>, sortedFiles: readonly string[], out: Set<string>): void {
  const rel = normalise(target);
  if (rel === undefined) return;
  if (rel.includes("*")) {
    // Subpath pattern: `*` stands for any string, slashes included.
    const [before, ...rest] = rel.split("*");
    const after = rest.join("*");
    for (const f of sortedFiles) {
      if (f.startsWith(before!) && f.endsWith(after) && f.length >= before!.length + after.length) out.add(f);
    }
    return;
  }
  for (const ext of EXTENSIONS) {
    const f = rel + ext;
    if (f && files.has(f)) {
      out.add(f);
      if (ext === "") return;
    }
  }
  // A target naming a folder (`exports: { "./locale/": "./locale/" }`) keeps the folder.
  const prefix = rel === "" ? "" : `${rel}/`;
  for (const index of INDEXES) if (files.has(prefix + index)) out.add(prefix + index);
  if (target.endsWith("/") && rel !== "") for (const f of sortedFiles) if (f.startsWith(prefix)) out.add(f);
}

/** Relative paths of every file the manifest makes reachable. */
export function manifestReachable(pkg: PackageJson, files: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const sorted = [...files];
  const targets: string[] = [];
  if (typeof pkg.main === "string") targets.push(pkg.main);
  else targets.push("./index.js");
  if (typeof pkg.module === "string") targets.push(pkg.module);
  if (typeof pkg.browser === "string") targets.push(pkg.browser);
  else if (pkg.browser && typeof pkg.browser === "object") {
    for (const [from, to] of Object.entries(pkg.browser)) {
      targets.push(from);
      if (typeof to === "string") targets.push(to);
    }
  }
  targetsOf(pkg.exports, targets);
  targetsOf(pkg.imports, targets);
  if (typeof pkg.bin === "string") targets.push(pkg.bin);
  else targetsOf(pkg.bin, targets);
  for (const t of targets) resolveTarget(t, files, sorted, out);
  return out;
}
