/**
 * File modes in the zip: 0644, or 0755 for executables. Decided from content and from what the
 * caller knows (bin targets), never from the host file's mode, which umask and checkouts change.
 */

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const ET_EXEC = 2;
const ET_DYN = 3;
const PT_INTERP = 3;

function startsWith(data: Uint8Array, prefix: number[]): boolean {
  return data.length >= prefix.length && prefix.every((b, i) => data[i] === b);
}

/**
 * An ELF file that runs on its own: type EXEC, or a position-independent executable (type DYN
 * with a program interpreter). Shared libraries (`.so`, `.node`) are DYN without PT_INTERP.
 */
export function isElfExecutable(data: Uint8Array): boolean {
  if (!startsWith(data, ELF_MAGIC) || data.length < 64) return false;
  const is64 = data[4] === 2;
  const little = data[5] === 1;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (o: number) => view.getUint16(o, little);
  const u32 = (o: number) => view.getUint32(o, little);
  const type = u16(16);
  if (type === ET_EXEC) return true;
  if (type !== ET_DYN) return false;
  const phoff = is64 ? Number(view.getBigUint64(32, little)) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > data.length) break;
    if (u32(at) === PT_INTERP) return true;
  }
  return false;
}

/** Scripts with a `#!` line and ELF executables get 0755; everything else 0644. */
export function isExecutableContent(data: Uint8Array): boolean {
  return startsWith(data, [0x23, 0x21]) || isElfExecutable(data);
}

export const FILE_MODE = 0o100644;
export const EXEC_MODE = 0o100755;
