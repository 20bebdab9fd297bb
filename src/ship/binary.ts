/**
 * What machine a native binary is built for, read from its header: the ELF `e_machine` and
 * OS/ABI bytes, the Mach-O CPU type, the PE machine field. slimfn never runs `strip` or any
 * other tool on a binary; it only reads these bytes to decide whether the target can load it.
 */
import fs from "node:fs";
import { binaryFormat, type BinaryFormat } from "./native.js";

/** Node's names for CPUs (`process.arch`), plus what a header may name that Node does not. */
export type BinaryArch = "x64" | "arm64" | "ia32" | "arm" | "ppc64" | "s390x" | "riscv64" | "loong64" | "mips" | "unknown";

export interface BinaryInfo {
  format: BinaryFormat;
  /** CPUs the binary holds code for (a Mach-O universal binary may hold several). */
  arch: BinaryArch[];
  /** The OS it loads on: ELF says linux unless its OS/ABI byte names another system. */
  os: "linux" | "freebsd" | "openbsd" | "netbsd" | "solaris" | "darwin" | "win32" | "unknown";
  /** For Linux ELF files that link a C library: which one. */
  libc?: "glibc" | "musl";
}

const ELF_MACHINES: Record<number, BinaryArch> = {
  3: "ia32",
  8: "mips",
  21: "ppc64",
  22: "s390x",
  40: "arm",
  62: "x64",
  183: "arm64",
  243: "riscv64",
  258: "loong64",
};

// ELF OS/ABI byte (e_ident[EI_OSABI]). 0 (System V) is what Linux toolchains write.
const ELF_OSABI: Record<number, BinaryInfo["os"]> = {
  0: "linux",
  3: "linux",
  6: "solaris",
  9: "freebsd",
  2: "netbsd",
  12: "openbsd",
};

const MACHO_CPUS: Record<number, BinaryArch> = {
  7: "ia32",
  0x01000007: "x64",
  12: "arm",
  0x0100000c: "arm64",
  0x0200000c: "arm64", // arm64_32
  18: "unknown", // ppc
};

const PE_MACHINES: Record<number, BinaryArch> = {
  0x14c: "ia32",
  0x8664: "x64",
  0xaa64: "arm64",
  0x1c0: "arm",
  0x1c4: "arm",
};

function u16(b: Uint8Array, at: number, little: boolean): number {
  return little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
}

function u32(b: Uint8Array, at: number, little: boolean): number {
  return little
    ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
    : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/**
 * The machine of a binary from its first bytes (512 are enough for every format here; a fat
 * Mach-O with more than ~25 slices is read as far as the bytes go). `undefined` when the bytes
 * are not an ELF, Mach-O or PE header.
 */
export function readBinaryHeader(head: Uint8Array): BinaryInfo | undefined {
  const format = binaryFormat(head);
  if (!format) return undefined;
  if (format === "elf") {
    if (head.length < 20) return { format, arch: ["unknown"], os: "unknown" };
    const little = head[5] !== 2; // EI_DATA: 1 little-endian, 2 big-endian
    const machine = u16(head, 18, little);
    return { format, arch: [ELF_MACHINES[machine] ?? "unknown"], os: ELF_OSABI[head[7]!] ?? "unknown" };
  }
  if (format === "mach-o") {
    const magicBE = u32(head, 0, false);
    if (magicBE === 0xcafebabe || magicBE === 0xbebafeca) {
      // Universal binary: big-endian header, then one 20-byte fat_arch per slice.
      const count = u32(head, 4, false);
      const arch: BinaryArch[] = [];
      for (let i = 0; i < count && 8 + i * 20 + 4 <= head.length; i++) {
        arch.push(MACHO_CPUS[u32(head, 8 + i * 20, false)] ?? "unknown");
      }
      return { format, arch: arch.length ? arch : ["unknown"], os: "darwin" };
    }
    // feedface/feedfacf read big-endian means the file is big-endian; cefaedfe/cffaedfe little.
    const little = magicBE === 0xcefaedfe || magicBE === 0xcffaedfe;
    return { format, arch: [MACHO_CPUS[u32(head, 4, little)] ?? "unknown"], os: "darwin" };
  }
  const peOffset = u32(head, 0x3c, true);
  const machine = peOffset + 6 <= head.length ? u16(head, peOffset + 4, true) : -1;
  return { format, arch: [PE_MACHINES[machine] ?? "unknown"], os: "win32" };
}

/**
 * Which C library a Linux ELF file links, from the names in its dynamic string table. glibc
 * builds need `libc.so.6` and carry `GLIBC_` symbol versions; musl builds need the unversioned
 * `libc.so` (what napi-rs `*-musl` addons link) or name musl's loader (`ld-musl-x86_64.so.1`,
 * Alpine's `libc.musl-x86_64.so.1`). Statically linked binaries (Go, esbuild) name neither.
 * Reads the whole file: binaries in packages are few, and the table may sit megabytes in.
 */
export function elfLibc(data: Uint8Array): "glibc" | "musl" | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.indexOf("libc.so.6\0") !== -1 || buf.indexOf("GLIBC_") !== -1) return "glibc";
  if (buf.indexOf("\0libc.so\0") !== -1 || buf.indexOf("ld-musl-") !== -1 || buf.indexOf("libc.musl-") !== -1) return "musl";
  return undefined;
}

/** Header and, for Linux ELF files, C library of the binary at `file`; `undefined` if not one. */
export function readBinaryInfo(file: string): BinaryInfo | undefined {
  const fd = fs.openSync(file, "r");
  let head: Uint8Array;
  try {
    const buf = new Uint8Array(512);
    head = buf.subarray(0, fs.readSync(fd, buf, 0, 512, 0));
  } finally {
    fs.closeSync(fd);
  }
  const info = readBinaryHeader(head);
  if (info?.format === "elf" && info.os === "linux") {
    const libc = elfLibc(fs.readFileSync(file));
    if (libc) info.libc = libc;
  }
  return info;
}
