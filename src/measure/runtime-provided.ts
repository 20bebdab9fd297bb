/**
 * Packages the bundler left to the runtime (esbuild's own `external`) are not in the zip. Lambda's
 * Node.js runtimes provide exactly one family of packages, the AWS SDK for JavaScript v3
 * (`@aws-sdk/*`). Verification stands in for the runtime by linking the project's installed copy
 * of each into a `node_modules` folder beside the extracted task root, where Node finds it from
 * the handler's folder as the runtime's copy is found on Lambda. Any other runtime external
 * (`packages: "external"`, a typo in `external`) is not provided there, so it still fails
 * verification, as it would fail on Lambda without a layer, unless one of the build's `layers`
 * provides it: then the layer's copy is linked, and it wins over the runtime's as `/opt` comes
 * before `/var/runtime` in Lambda's NODE_PATH.
 */
import fs from "node:fs";
import path from "node:path";
import { packageName } from "../specifiers.js";
import type { OpenLayers } from "./layers.js";


/** Whether Lambda's Node.js runtime provides the package (the AWS SDK v3). */
export const providedByLambda = (name: string): boolean => name.startsWith("@aws-sdk/");

/** The installed folder of `name` seen from `root`, walking up like Node does. */
function installedFolder(name: string, root: string): string | undefined {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const folder = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(folder, "package.json"))) return fs.realpathSync(folder);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Link each package a layer or Lambda provides into `<parent of taskRoot>/node_modules`. Returns
 * the Lambda-provided ones that are not installed in the project (`missing`) and the runtime
 * externals neither provides (`notProvided`), to explain a failed import.
 */
export async function provideRuntimePackages(
  taskRoot: string,
  specifiers: readonly string[],
  root: string,
  layers?: OpenLayers,
): Promise<{ missing: string[]; notProvided: string[] }> {
  const names = [...new Set(specifiers.map(packageName).filter((n): n is string => n !== undefined))].sort();
  const missing: string[] = [];
  const notProvided: string[] = [];
  const modules = path.join(path.dirname(taskRoot), "node_modules");
  for (const name of names) {
    const folder = layers?.find(name) ?? (providedByLambda(name) ? installedFolder(name, root) : undefined);
    if (!folder) {
      (providedByLambda(name) ? missing : notProvided).push(name);
      continue;
    }
    const link = path.join(modules, name);
    await fs.promises.mkdir(path.dirname(link), { recursive: true });
    await fs.promises.symlink(folder, link, "dir");
  }
  return { missing, notProvided };
}
