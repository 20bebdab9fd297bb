/**
 * Native code detection. `gypfile` is not enough: sharp 0.35 has none, its `.node` lives in
 * `@img/sharp-<platform>` and its library is `libvips-cpp.so.8.18.7`. So a file is native when
 * its name says so (`.node`, `.so`, `.so.<n>`, `.dylib`, `.dll`, `.exe`) or when its first bytes
 * are an ELF, Mach-O or PE header.
 */
import fs from "node:fs";

export type BinaryFormat = "elf" | "mach-o" | "pe";

/** Names that always mean a binary, whatever the bytes say. */
const NATIVE_NAME = /(?:\.node|\.so|\.so\.\d[\w.]*|\.dylib|\.dll|\.exe)$/;

/**
 * Extensions of text formats that are never read for magic bytes: packages hold thousands of
 * these and an ELF header cannot hide in a file the runtime loads as JavaScript or JSON.
 */
const TEXT_EXTENSIONS = new Set([
  ".js", ".cjs", ".mjs", ".json", ".ts", ".cts", ".mts", ".tsx", ".jsx", ".map", ".md", ".markdown",
  ".txt", ".d", ".css", ".html", ".yml", ".yaml", ".flow", ".coffee", ".gyp", ".gypi", ".h", ".hpp",
  ".c", ".cc", ".cpp", ".py", ".sh", ".flf", ".xml", ".svg", ".csv", ".toml", ".lock",
]);

/** The binary format of a header, from its magic bytes; `undefined` when it is not one. */
export function binaryFormat(head: Uint8Array): BinaryFormat | undefined {
  if (head.length < 4) return undefined;
  const [a, b, c, d] = [head[0]!, head[1]!, head[2]!, head[3]!];
  if (a === 0x7f && b === 0x45 && c === 0x4c && d === 0x46) return "elf";
  // Mach-O 32/64-bit in both byte orders, and fat (universal) binaries. 0xcafebabe is also a
  // Java class file; those do not travel in Lambda packages as native code, and we only care
  // that the file is a binary.
  const be = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const le = ((d << 24) | (c << 16) | (b << 8) | a) >>> 0;
  const machO = [0xfeedface, 0xfeedfacf, 0xcafebabe];
  if (machO.includes(be) || machO.includes(le)) return "mach-o";
  // PE: an MZ stub whose e_lfanew points at "PE\0\0".
  if (a === 0x4d && b === 0x5a && head.length >= 0x40) {
    const offset = head[0x3c]! | (head[0x3d]! << 8) | (head[0x3e]! << 16) | (head[0x3f]! << 24);
    // Real linkers put the signature within the first few hundred bytes; "MZ" alone is too
    // weak (a text file may start with it), so the signature must be seen.
    if (offset > 0 && offset + 4 <= head.length) {
      if (head[offset] === 0x50 && head[offset + 1] === 0x45 && head[offset + 2] === 0 && head[offset + 3] === 0) {
        return "pe";
      }
    }
  }
  return undefined;
}

/** True when a file name alone says the file is a native binary. */
export function isNativeName(name: string): boolean {
  return NATIVE_NAME.test(name);
}

/** Extension-less names of documents every package carries; reading them all costs time. */
const DOC_NAMES = /^(?:LICEN[CS]E|COPYING|README|CHANGELOG|CHANGES|HISTORY|NOTICE|AUTHORS|CONTRIBUTORS|PATENTS|Makefile|\.npmignore|\.gitignore|\.eslintrc|\.editorconfig|\.prettierrc|\.travis\.yml)(?:[-._][\w.-]*)?$/i;

/** True when a file's bytes must be read to know (its extension is not a known text format). */
export function needsMagicCheck(name: string): boolean {
  const base = name.slice(name.lastIndexOf("/") + 1);
  if (DOC_NAMES.test(base)) return false;
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return true;
  return !TEXT_EXTENSIONS.has(base.slice(dot).toLowerCase());
}

const HEAD_BYTES = 1024;

/** Read the first bytes of a file (enough for ELF, Mach-O and the PE offset). */
export function readHead(file: string): Uint8Array {
  const fd = fs.openSync(file, "r");
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    const n = fs.readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Whether a file is native code: by name first (free), then by magic bytes for files whose
 * extension is not a known text format. `data` may be given when the file is already in memory.
 */
export function isNativeFile(relPath: string, absPath: string, data?: Uint8Array): boolean {
  // The name test on the file name alone: an end-anchored regex retries at every offset of a long path.
  if (isNativeName(relPath.slice(relPath.lastIndexOf("/") + 1))) return true;
  if (!needsMagicCheck(relPath)) return false;
  return binaryFormat(data ?? readHead(absPath)) !== undefined;
}
