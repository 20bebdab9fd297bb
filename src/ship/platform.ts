/**
 * The platform a function runs on (Lambda: Linux, glibc, x86_64 or arm64) and what of an
 * installed tree fits it: optional packages whose `os`, `cpu` or `libc` fields exclude the
 * target are left out, `prebuilds/<platform>-<arch>` folders for other targets are dropped, and
 * every binary left is checked by its header. A binary that cannot load on the target fails
 * the build; it is never shipped in the hope that it is not used.
 */
import { error, type Diagnostic } from "../diagnostics.js";
import { readBinaryInfo, type BinaryInfo } from "./binary.js";
import { isNativeFile } from "./native.js";
import type { PackageJson } from "./resolve.js";

/** The `arch` option's values: Lambda's names. */
export const ARCHES = ["x86_64", "arm64"] as const;
export type Arch = (typeof ARCHES)[number];

/** A target in npm's vocabulary (`os`, `cpu`, `libc` fields; `process.platform/arch`). */
export interface Target {
  os: "linux";
  cpu: "x64" | "arm64";
  libc: "glibc";
  /** Lambda's name for the CPU, for messages. */
  arch: Arch;
}

export function targetOf(arch: Arch): Target {
  return { os: "linux", cpu: arch === "arm64" ? "arm64" : "x64", libc: "glibc", arch };
}

/**
 * How to install the target's optional packages, for messages. npm 11's
 * `npm install --os=linux --cpu=arm64 --libc=glibc` replaces the host's optional packages
 * (verified: sharp's and oxc-parser's x64 bindings are removed, and slimfn's own parser then
 * fails "Cannot find native binding"). Naming the target's packages at their locked versions
 * with `--no-save --force` puts them beside the host's and leaves package.json and the
 * lockfile alone; `npm install` and `npm ci` take them out again.
 */
export function installHint(target: Target, packages: readonly string[] = []): string {
  const named = packages.length ? packages.join(" ") : `<package>-${target.os}-${target.cpu}@<version>`;
  return (
    `npm install --no-save --force ${named}, which puts the target's packages beside the host's at the versions the lockfile names (run it again after npm install or npm ci, which remove them; ` +
    `npm install --os=${target.os} --cpu=${target.cpu} --libc=${target.libc} would replace the host's own binaries, slimfn's parser among them)`
  );
}

/**
 * npm's rule for `os` / `cpu` / `libc` lists: a value listed plainly must include the target,
 * a `!value` excludes it; a list of only exclusions allows everything else.
 */
function listAllows(list: unknown, value: string): boolean {
  if (!Array.isArray(list) || list.length === 0) return true;
  const values = list.filter((v): v is string => typeof v === "string");
  if (values.includes(`!${value}`)) return false;
  const plain = values.filter((v) => !v.startsWith("!"));
  return plain.length === 0 || plain.includes(value) || plain.includes("any");
}

/**
 * Why a package cannot run on the target, from its package.json platform fields, or
 * `undefined` when it can. npm only applies `libc` on Linux, and so do we.
 */
export function platformMismatch(pkg: PackageJson, target: Target): string | undefined {
  const show = (v: unknown) => JSON.stringify(v);
  if (!listAllows(pkg.os, target.os)) return `os ${show(pkg.os)} excludes ${target.os}`;
  if (!listAllows(pkg.cpu, target.cpu)) return `cpu ${show(pkg.cpu)} excludes ${target.cpu}${target.arch === target.cpu ? "" : ` (arch ${target.arch})`}`;
  if (!listAllows(pkg.libc, target.libc)) return `libc ${show(pkg.libc)} excludes ${target.libc}`;
  return undefined;
}

/** True when a package.json names a platform at all (a per-platform binary package). */
export function isPlatformPackage(pkg: PackageJson): boolean {
  return [pkg.os, pkg.cpu, pkg.libc].some((l) => Array.isArray(l) && l.length > 0);
}

const PLATFORMS = new Set(["linux", "darwin", "win32", "freebsd", "openbsd", "netbsd", "sunos", "aix", "android", "ios"]);

/**
 * Why a file under a `prebuilds/<platform>-<arch>[+<arch>...]` folder (the prebuildify /
 * node-gyp-build layout) is not for the target, or `undefined` when it is or when the file is
 * not in such a folder. Inside the target's folder, builds tagged for musl are dropped too.
 */
export function prebuildMismatch(rel: string, target: Target): string | undefined {
  const parts = rel.split("/");
  const at = parts.indexOf("prebuilds");
  if (at === -1 || at + 2 >= parts.length) return undefined;
  const folder = parts[at + 1]!;
  const dash = folder.indexOf("-");
  if (dash <= 0) return undefined;
  const platform = folder.slice(0, dash);
  if (!PLATFORMS.has(platform)) return undefined;
  const arches = folder.slice(dash + 1).split("+");
  if (platform !== target.os) return `prebuilt for ${folder}, not ${target.os}-${target.cpu}`;
  if (!arches.includes(target.cpu)) return `prebuilt for ${folder}, not ${target.os}-${target.cpu}`;
  const file = parts[parts.length - 1]!;
  const tags = file.split(".");
  if (tags.includes("musl")) return `prebuilt for musl, not ${target.libc}`;
  return undefined;
}

/** Why a binary cannot load on the target, or `undefined` when it can. */
export function binaryMismatch(info: BinaryInfo, target: Target): string | undefined {
  const what = `${info.format === "elf" ? "ELF" : info.format === "pe" ? "Windows PE" : "Mach-O"} ${info.os} ${info.arch.join("+")}`;
  if (info.os !== target.os) return `${what} binary, the target is ${target.os}-${target.cpu}`;
  if (!info.arch.includes(target.cpu)) return `${what} binary, the target is ${target.os}-${target.cpu}`;
  if (info.libc && info.libc !== target.libc) return `${what} binary linked against ${info.libc}, the target uses ${target.libc}`;
  return undefined;
}

export interface BinaryCheck {
  rel: string;
  info: BinaryInfo;
  /** Why it cannot load on the target; absent when it can. */
  mismatch?: string;
}

/**
 * Read the header of every binary among `files` (by name or by magic bytes) and say which ones
 * cannot load on the target.
 */
export function checkBinaries(files: { rel: string; abs: string }[], target: Target): BinaryCheck[] {
  const out: BinaryCheck[] = [];
  for (const f of files) {
    if (!isNativeFile(f.rel, f.abs)) continue;
    const info = readBinaryInfo(f.abs);
    // A `.node`/`.so` name over bytes that are no binary (a stub, a text file) loads nothing.
    if (!info) continue;
    const mismatch = binaryMismatch(info, target);
    out.push(mismatch ? { rel: f.rel, info, mismatch } : { rel: f.rel, info });
  }
  return out;
}

/** The FOREIGN_BINARY failure for one package's binaries that cannot load on the target. */
export function foreignBinaryError(pkgName: string, pkgDir: string, foreign: BinaryCheck[], target: Target): Diagnostic {
  const list = foreign.map((b) => `${b.rel}: ${b.mismatch}`);
  return error(
    "FOREIGN_BINARY",
    `Package "${pkgName}" holds ${foreign.length === 1 ? "a binary" : `${foreign.length} binaries`} that cannot load on Lambda ${target.os}-${target.arch} (${target.libc}). ` +
      `Install the packages for the target with ${installHint(target)}; or, when the package carries builds for several platforms, leave the foreign files out with slimfn's strip.remove (for example "${pkgName}:${foreign[0]!.rel}").`,
    { notes: [`in ${pkgDir}`, ...list] },
  );
}

/** The NATIVE_MISSING_FOR_TARGET failure: a native package with nothing that loads on the target. */
export function nativeMissingError(pkgName: string, pkgDir: string, detail: string, target: Target, packages: readonly string[] = []): Diagnostic {
  return error(
    "NATIVE_MISSING_FOR_TARGET",
    `Package "${pkgName}" needs native code, but no binary for Lambda ${target.os}-${target.arch} (${target.libc}) is installed: ${detail}. ` +
      `Install it for the target with ${installHint(target, packages)}, and build again.`,
    { notes: [`in ${pkgDir}`] },
  );
}
