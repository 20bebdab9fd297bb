/**
 * Module ids as the core names them: paths relative to the project root, `/`-separated (the
 * form esbuild's metafile uses). Rollup and Rolldown name modules by absolute path, with a `\0`
 * prefix for virtual modules and a `?query` for a plugin's view of a file
 * (`\0/p/node_modules/x/index.js?commonjs-proxy`): those count as the file itself.
 */
import path from "node:path";

export function normaliseModuleId(id: string, root: string): string {
  let p = id.startsWith("\0") ? id.slice(1) : id;
  const query = p.indexOf("?");
  if (query > 0) p = p.slice(0, query);
  if (!path.isAbsolute(p)) return p.split(path.sep).join("/");
  return path.relative(root, p).split(path.sep).join("/");
}
