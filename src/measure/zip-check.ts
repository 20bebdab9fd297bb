/**
 * A zip handed to `slimfn measure` may come from anywhere: before Info-ZIP `unzip` writes a byte,
 * read its central directory and refuse what could write outside the task folder or fill the
 * disk (issue 14). Refused: entry names that are absolute or climb out with `..` (either slash),
 * symlink entries whose target leaves the task folder (resolved through the zip's other links,
 * as the file system would), more than Lambda's 262,144,000 unzipped bytes (summed from the
 * central directory), an entry whose data inflates past the size it declares (a bomb that lies),
 * and anything that does not parse as a zip: every read is bounds-checked.
 */
import zlib from "node:zlib";
import { error, SlimfnError } from "../diagnostics.js";
import { LAMBDA_LIMITS } from "../runtime.js";
import { readCentralDirectory, zipReader } from "../zip/read.js";

const LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** Links followed while resolving one path, as Linux's own limit. */
const MAX_LINKS = 40;

export interface CheckedEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  /** Where the entry's data starts in the zip. */
  dataStart: number;
  /** The link's target, for a symlink entry. */
  link?: string;
}

class Corrupt extends Error {}

/** The central directory's entries with their data located, every offset checked against the file. */
function centralEntries(zip: Buffer): CheckedEntry[] {
  const r = zipReader(zip);
  return readCentralDirectory(zip).map((c) => {
    const name = JSON.stringify(c.path);
    if (c.flags & 0x1) throw new Corrupt(`${name} is encrypted (unzip would stop to ask for a password)`);
    if (c.method !== 0 && c.method !== 8) throw new Corrupt(`${name} uses compression method ${c.method}; Lambda reads stored (0) and deflated (8) entries only`);
    const local = c.localHeaderOffset;
    if (r.u32(local) !== LOCAL) throw new Corrupt(`the local header of ${name} is missing`);
    const localName = r.bytes(local + 30, r.u16(local + 26));
    if (!localName.equals(c.rawName)) throw new Corrupt(`${name} is named ${JSON.stringify(localName.toString("latin1"))} in its local header`);
    const dataStart = local + 30 + localName.length + r.u16(local + 28);
    r.bytes(dataStart, c.compressedSize);
    const entry: CheckedEntry = { name: c.path, method: c.method, compressedSize: c.compressedSize, uncompressedSize: c.uncompressedSize, crc32: c.crc32, dataStart };
    if ((c.mode & S_IFMT) === S_IFLNK) entry.link = "";
    return entry;
  });
}

/** Why an entry name may write outside the folder it is extracted into, or undefined. */
function unsafeName(name: string): string | undefined {
  if (name.includes("\0")) return "holds a NUL byte";
  if (/^[\\/]/.test(name) || /^[A-Za-z]:/.test(name)) return "is an absolute path";
  if (name.split(/[\\/]/).includes("..")) return 'climbs out with ".."';
  return undefined;
}

/**
 * Resolve `rel` inside the task folder through the zip's symlink entries, as the kernel would
 * after extraction: undefined when it leaves the folder (or links more than 40 times).
 */
function resolveInside(rel: string, links: ReadonlyMap<string, string>): string | undefined {
  const out: string[] = [];
  const queue = rel.split("/");
  let followed = 0;
  while (queue.length) {
    const part = queue.shift()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (!out.length) return undefined;
      out.pop();
      continue;
    }
    out.push(part);
    const target = links.get(out.join("/"));
    if (target === undefined) continue;
    if (++followed > MAX_LINKS || target.startsWith("/")) return undefined;
    out.pop();
    queue.unshift(...target.split("/"));
  }
  return out.join("/");
}

function inflate(zip: Buffer, e: CheckedEntry): Buffer {
  const data = zip.subarray(e.dataStart, e.dataStart + e.compressedSize);
  if (e.method === 0) return data;
  // One byte past the declared size is enough to catch an entry that lies about its size.
  return zlib.inflateRawSync(data, { maxOutputLength: e.uncompressedSize + 1 });
}

/**
 * Check a zip before it is extracted. `label` names it in messages. Throws `ZIP_INVALID`,
 * `ZIP_UNSAFE_ENTRY` or `ZIP_TOO_LARGE`. `written` is for bytes slimfn's own writer just made
 * (verification): their sizes are true, so only link entries are inflated, which saves about a
 * third of an extraction's time (bench/security.bench.mjs).
 */
export function checkZip(zip: Buffer, label: string, written = false): CheckedEntry[] {
  const invalid = (why: string) =>
    new SlimfnError(error("ZIP_INVALID", `${label} is not a readable zip: ${why}. Rebuild it (slimfn writes zips Lambda and Info-ZIP unzip read), or check that the file was copied whole.`));
  let entries: CheckedEntry[];
  try {
    entries = centralEntries(zip);
  } catch (e) {
    if (e instanceof Corrupt) throw invalid(e.message);
    const m = /^Not a readable zip: (.*)$/s.exec((e as Error).message);
    if (m) throw invalid(m[1]!);
    throw e;
  }
  const unsafe = (name: string, why: string) =>
    error("ZIP_UNSAFE_ENTRY", `${label} holds the entry ${JSON.stringify(name)}, which ${why}: extracting it could write outside the task folder, so nothing was extracted. Lambda would not run such a zip as built; rebuild it without that entry.`);
  const problems = entries.flatMap((e) => {
    const why = unsafeName(e.name);
    return why ? [unsafe(e.name, why)] : [];
  });
  if (problems.length) throw new SlimfnError(problems);

  const total = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (total > LAMBDA_LIMITS.unzipped) {
    throw new SlimfnError(
      error(
        "ZIP_TOO_LARGE",
        `${label} unzips to ${total.toLocaleString("en-US")} bytes (${entries.length} entries), over Lambda's limit of ${LAMBDA_LIMITS.unzipped.toLocaleString("en-US")} bytes unzipped; it was not extracted. Lambda would refuse it too: ship less (strip, lazy, fewer packages).`,
      ),
    );
  }
  const links = new Map<string, string>();
  for (const e of entries) {
    if (written && e.link === undefined) continue;
    const data = inflateChecked(zip, e, label, invalid);
    if (e.link !== undefined) links.set(e.name.replace(/\/+$/, ""), (e.link = data.toString("utf8")));
  }
  for (const e of entries) {
    if (resolveInside(e.name, links) !== undefined) continue;
    problems.push(unsafe(e.name, e.link !== undefined ? `is a symlink to ${JSON.stringify(e.link)}, outside the zip's folder` : "passes through a symlink that leads outside the zip's folder"));
  }
  if (problems.length) throw new SlimfnError(problems);
  return entries;
}

/** An entry's bytes, refusing one that inflates past its declared size or fails its CRC. */
function inflateChecked(zip: Buffer, e: CheckedEntry, label: string, invalid: (why: string) => SlimfnError): Buffer {
  let data: Buffer;
  try {
    data = inflate(zip, e);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
      throw new SlimfnError(
        error(
          "ZIP_TOO_LARGE",
          `${label} holds the entry ${JSON.stringify(e.name)}, whose data inflates past the ${e.uncompressedSize.toLocaleString("en-US")} bytes it declares (a zip bomb); it was not extracted. Rebuild the zip.`,
        ),
      );
    }
    throw invalid(`the data of ${JSON.stringify(e.name)} does not inflate (${(err as Error).message})`);
  }
  if (data.length !== e.uncompressedSize) throw invalid(`${JSON.stringify(e.name)} holds ${data.length} bytes, not the ${e.uncompressedSize} it declares`);
  if (zlib.crc32(data) !== e.crc32) throw invalid(`${JSON.stringify(e.name)} fails its CRC check`);
  return data;
}
