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
}

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
  const rows = new Map<string, { name: string; version: string; bytes: number; zipBytes: number }>();
  const own = { bytes: 0, zipBytes: 0 };
  for (const m of modules) {
    const out = outputs.get(m.output);
    const zipShare = out && out.bytes > 0 ? (out.zipBytes * m.bytes) / out.bytes : 0;
    const pkg = packageOfModule(m.path);
    if (!pkg) {
      own.bytes += m.bytes;
      own.zipBytes += zipShare;
      continue;
    }
    const version = readVersion(root, pkg.dir, versionCache);
    const key = `${pkg.name}@${version}`;
    const row = rows.get(key) ?? { name: pkg.name, version, bytes: 0, zipBytes: 0 };
    row.bytes += m.bytes;
    row.zipBytes += zipShare;
    rows.set(key, row);
  }
  const packages = [...rows.values()]
    .map((r) => ({ ...r, zipBytes: Math.round(r.zipBytes) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return { packages, ownCode: { bytes: own.bytes, zipBytes: Math.round(own.zipBytes) } };
}
