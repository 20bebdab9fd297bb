/**
 * Top-level await detection. esbuild refuses to `require` a module that has top-level await,
 * so sync mode must keep such a target eager; async mode (`import()`) is fine.
 */
import { readFile } from "node:fs/promises";
import { parseSync } from "oxc-parser";
import { children, isNode, type Node } from "./scope.js";

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression", "ClassDeclaration", "ClassExpression"]);

function awaitsOutsideFunctions(node: Node): boolean {
  if (node.type === "AwaitExpression") return true;
  if ((node.type === "ForOfStatement" && node.await) || (node.type === "VariableDeclaration" && node.kind === "await using")) return true;
  for (const [child] of children(node)) {
    if (FUNCTIONS.has(child.type)) continue;
    if (awaitsOutsideFunctions(child)) return true;
  }
  return false;
}

/** Whether module source `code` has top-level await. */
export function hasTopLevelAwait(code: string, file: string): boolean {
  if (!/\bawait\b/.test(code)) return false;
  const result = parseSync(file, code, { sourceType: "module" });
  const program = result.program as unknown as Node;
  return isNode(program) && awaitsOutsideFunctions(program);
}

/**
 * Same, for files on disk, remembered for one build: a watch rebuild after an edit must see the
 * file as it is now (a fresh reader per build; the session makes one in `buildStart`).
 */
export function topLevelAwaitReader(): (file: string) => Promise<boolean> {
  const cache = new Map<string, Promise<boolean>>();
  return (file) => {
    let hit = cache.get(file);
    if (!hit) {
      hit = readFile(file, "utf8").then(
        (code) => hasTopLevelAwait(code, file),
        () => false,
      );
      cache.set(file, hit);
    }
    return hit;
  };
}
