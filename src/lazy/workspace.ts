/**
 * The workspace a project belongs to: the nearest folder at or above the project root whose
 * package.json declares `workspaces` (npm, yarn) or that holds a `pnpm-workspace.yaml`. Sibling
 * packages (`packages/shared`) are the user's own code, linked into node_modules and resolved by
 * the bundler to their real paths outside the project root: lazy imports in them are rewritten
 * too (issue 15; they warned LAZY_UNMATCHED and stayed eager).
 */
import fs from "node:fs";
import path from "node:path";

export function workspaceRoot(root: string): string {
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { workspaces?: unknown };
      if (pkg.workspaces !== undefined) return dir;
    } catch {
      // No package.json here, or not JSON: keep looking.
    }
    if (path.dirname(dir) === dir) return root;
  }
}
