/**
 * Which npm package each bundled module belongs to, and each package's share of the bundle,
 * raw and compressed.
 */
import fs from "node:fs";
import path from "node:path";
import type { ModuleBytes } from "../build-output.js";
import type { PackageModel } from "./model.js";

const NODE_MODULES = "node_modules/";

/** The package a module path belongs to: the name after the last `node_modules/`, and its folder. */
export function packageOfModule(modulePath: string): { name: string; dir: string } | undefined {
  const at = modulePath.lastIndexOf(NODE_MODULES);
  if (at < 0 || (at > 0 && modulePath[at - 1] !== "/")) return undefined;
  const rest = modulePath.slice(at + NODE_MODULES.length).split("/");
  const name = rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1] ?? ""}` : rest[0];
  if (!name || name.endsWith("/")) return undefined;
  return { name, dir: modulePath.slice(0, at + NODE_MODULES.length + name.length) };
}

function readVersion(root: string, dir: string, cache: Map<string, string>): string {
  let version = cache.get(dir);
  if (version === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.resolve(root, dir, "package.json"), "utf8")) as { version?: unknown };
      version = typeof pkg.version === "string" ? pkg.version : "";
    } catch {
      version = "";
    }
    cache.set(dir, version);
  }
  return version;
}

export interface Attribution {
  packages: PackageModel[];
  ownCode: { bytes: number; zipBytes: number };
  /** The same split per output file (absolute path), for the treemap and `slimfn why`. */
  byOutput: Map<string, { packages: PackageModel[]; ownCode: { bytes: number; zipBytes: number } }>;
}

type Row = { name: string; version: string; bytes: number; zipBytes: number };

const byNameVersion = (a: Row, b: Row) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0);
const rounded = (rows: Iterable<Row>) => [...rows].map((r) => ({ ...r, zipBytes: Math.round(r.zipBytes) })).sort(byNameVersion);

/**
 * Split each output file's exact compressed size over its modules in proportion to raw bytes,
 * then sum per package. `outputs` maps an output's absolute path to its raw and zipped bytes.
 */
export function attributeModules(
  root: string,
  modules: readonly ModuleBytes[],
  outputs: ReadonlyMap<string, { bytes: number; zipBytes: number }>,
  versionCache = new Map<string, string>(),
): Attribution {
  const rows = new Map<string, Row>();
  const own = { bytes: 0, zipBytes: 0 };
  const perOutput = new Map<string, { rows: Map<string, Row>; own: { bytes: number; zipBytes: number } }>();
  const add = (into: Map<string, Row>, key: string, name: string, version: string, bytes: number, zipBytes: number) => {
    const row = into.get(key) ?? { name, version, bytes: 0, zipBytes: 0 };
    row.bytes += bytes;
    row.zipBytes += zipBytes;
    into.set(key, row);
  };
  for (const m of modules) {
    const out = outputs.get(m.output);
    const zipShare = out && out.bytes > 0 ? (out.zipBytes * m.bytes) / out.bytes : 0;
    let file = perOutput.get(m.output);
    if (!file) perOutput.set(m.output, (file = { rows: new Map(), own: { bytes: 0, zipBytes: 0 } }));
    const pkg = packageOfModule(m.path);
    if (!pkg) {
      own.bytes += m.bytes;
      own.zipBytes += zipShare;
      file.own.bytes += m.bytes;
      file.own.zipBytes += zipShare;
      continue;
    }
    const version = readVersion(root, pkg.dir, versionCache);
    const key = `${pkg.name}@${version}`;
    add(rows, key, pkg.name, version, m.bytes, zipShare);
    add(file.rows, key, pkg.name, version, m.bytes, zipShare);
  }
  const byOutput: Attribution["byOutput"] = new Map();
  for (const [output, file] of perOutput) {
    byOutput.set(output, { packages: rounded(file.rows.values()), ownCode: { bytes: file.own.bytes, zipBytes: Math.round(file.own.zipBytes) } });
  }
  return { packages: rounded(rows.values()), ownCode: { bytes: own.bytes, zipBytes: Math.round(own.zipBytes) }, byOutput };
}
