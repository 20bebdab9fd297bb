/**
 * Lambda layers during verification. On Lambda a function's layers are extracted in order into
 * `/opt` (a later layer's file replaces an earlier one's), and Node finds their packages through
 * `NODE_PATH=/opt/nodejs/node<major>/node_modules:/opt/nodejs/node_modules:...`, ES modules
 * included (Lambda's runtimes from nodejs18.x search NODE_PATH for them too). Verification opens
 * each layer (a zip extracted with Info-ZIP `unzip`, or a folder laid out the same way) and
 * answers, per package name, which layer folder provides it, in that order.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError } from "../diagnostics.js";
import type { ResolvedLayer } from "../options.js";
import { extractZip } from "./extract.js";
import { compileAllowlist } from "../lazy/glob.js";

export interface OpenLayers {
  /** The installed folder of `name` in the layers, last layer first; undefined when none has it. */
  find(name: string): string | undefined;
  /** Names a layer's `provides` lists that the layer does not hold, with the layer's path. */
  unheld: { layer: string; name: string }[];
  cleanup(): Promise<void>;
}

/** Where a layer's packages live for a Node major, in Lambda's NODE_PATH order. */
const moduleFolders = (opt: string, nodeMajor: number) => [path.join(opt, "nodejs", `node${nodeMajor}`, "node_modules"), path.join(opt, "nodejs", "node_modules")];

/** A layer zip this build made (`layer: true`), not yet written. */
export interface BuiltLayer {
  shown: string;
  bytes: Uint8Array;
}

/** Open the build's layers: extract the zips, keep the folders as they are; `built` come last. */
export async function openLayers(layers: readonly ResolvedLayer[], nodeMajor: number, built: readonly BuiltLayer[] = []): Promise<OpenLayers> {
  const opened: { layer: ResolvedLayer; opt: string }[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0)) await c();
  };
  try {
    for (const layer of layers) {
      if (!fs.existsSync(layer.path)) {
        throw new SlimfnError(
          error("LAYER_UNREADABLE", `The layer ${layer.shown} does not exist. Build or download it before this build, or remove it from slimfn's layers.`),
        );
      }
      if (layer.kind === "zip") {
        const extracted = await extractZip(layer.path);
        cleanups.push(extracted.cleanup);
        opened.push({ layer, opt: extracted.dir });
      } else {
        opened.push({ layer, opt: layer.path });
      }
      const opt = opened[opened.length - 1]!.opt;
      if (!moduleFolders(opt, nodeMajor).some((d) => fs.existsSync(d))) {
        throw new SlimfnError(
          error(
            "LAYER_UNREADABLE",
            `The layer ${layer.shown} has no nodejs/node_modules (nor nodejs/node${nodeMajor}/node_modules) folder, where Lambda's Node.js runtime looks for a layer's packages. Put its packages under nodejs/node_modules.`,
          ),
        );
      }
    }
    for (const layer of built) {
      const extracted = await extractZip(layer.bytes);
      cleanups.push(extracted.cleanup);
      opened.push({ layer: { kind: "zip", path: layer.shown, shown: layer.shown, provides: undefined }, opt: extracted.dir });
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
  const held = (opt: string, name: string) => moduleFolders(opt, nodeMajor).map((d) => path.join(d, name)).find((d) => fs.existsSync(path.join(d, "package.json")));
  const unheld: OpenLayers["unheld"] = [];
  const provides = opened.map(({ layer, opt }) => {
    if (!layer.provides) return () => true;
    for (const name of layer.provides) if (!/[*?]/.test(name) && !held(opt, name)) unheld.push({ layer: layer.shown, name });
    const list = compileAllowlist(layer.provides);
    return (name: string) => list.match(name) !== undefined;
  });
  return {
    find(name) {
      for (let i = opened.length - 1; i >= 0; i--) {
        const found = provides[i]!(name) ? held(opened[i]!.opt, name) : undefined;
        if (found) return fs.realpathSync(found);
      }
      return undefined;
    },
    unheld,
    cleanup,
  };
}

/**
 * What the user's layers hold, for the verification cache: a zip by its bytes, a folder by the
 * path, size and mtime of every file under it. A missing layer gives its path alone (the
 * verification then fails and is not cached).
 */
export function layersFingerprint(options: { layers: readonly ResolvedLayer[] }): string[] {
  return options.layers.map((layer) => {
    try {
      if (layer.kind === "zip") return createHash("sha256").update(fs.readFileSync(layer.path)).digest("hex");
      const hash = createHash("sha256");
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else {
            const stat = fs.statSync(full);
            hash.update(`${path.relative(layer.path, full)}\0${stat.size}\0${stat.mtimeMs}\n`);
          }
        }
      };
      walk(layer.path);
      return hash.digest("hex");
    } catch {
      return `missing:${layer.shown}`;
    }
  });
}
