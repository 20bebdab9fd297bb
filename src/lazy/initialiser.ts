/**
 * Module-scope initialisers that can be deferred with a lazy import (issue 5):
 * `const s3 = new S3Client({ region: process.env.REGION })` or
 * `const db = DynamoDBDocumentClient.from(new DynamoDBClient({}))`.
 *
 * Only a `new` or call of a lazy module's export whose arguments cannot have side effects:
 * literals, object and array literals of such, other module constants, `process.env.X`, member
 * reads of those, `??` `||` `&&` and `?:` over them, and nested deferrable `new`/calls. Moving
 * anything else from init to first use could change what the program computes.
 */
import type { Node } from "./scope.js";

/** What the analysis needs to know about module-scope names. */
export interface InitialiserScope {
  /** Local names bound by lazy-selected imports. */
  lazyBindings: ReadonlySet<string>;
  /** Names of module-scope constants: `const` declarations and import bindings. */
  constants: ReadonlySet<string>;
  /** Every name declared at module scope (so `process` and `undefined` are the globals). */
  declared: ReadonlySet<string>;
}

/** Unwrap parentheses and TypeScript-only wrappers, which do nothing at run time. */
export function unwrap(e: Node): Node {
  while (
    e.type === "ParenthesizedExpression" ||
    e.type === "TSAsExpression" ||
    e.type === "TSSatisfiesExpression" ||
    e.type === "TSNonNullExpression" ||
    e.type === "TSTypeAssertion"
  ) {
    e = e.expression as Node;
  }
  return e;
}

/**
 * The identifier a construction chain starts with: `A` in `new A()`, `A.from(x)`,
 * `ns.A.from(x)` and `z.string().email()`.
 */
function chainRoot(e: Node): Node | undefined {
  let c = unwrap(e);
  for (;;) {
    if (c.type === "NewExpression" || c.type === "CallExpression") c = unwrap(c.callee as Node);
    else if (c.type === "MemberExpression") c = unwrap(c.object as Node);
    else return c.type === "Identifier" ? c : undefined;
  }
}

/** The lazy binding a `new`/call initialiser constructs from, or undefined if it has no such shape. */
export function initialiserRoot(init: Node, scope: InitialiserScope): string | undefined {
  const e = unwrap(init);
  if (e.type !== "NewExpression" && e.type !== "CallExpression") return undefined;
  const root = chainRoot(e);
  return root && scope.lazyBindings.has(root.name as string) ? (root.name as string) : undefined;
}

function isProcessEnv(e: Node, scope: InitialiserScope): boolean {
  if (e.type !== "MemberExpression" || e.computed) return false;
  const obj = unwrap(e.object as Node);
  const prop = e.property as Node;
  return obj.type === "Identifier" && obj.name === "process" && !scope.declared.has("process") && prop.name === "env";
}

/**
 * The first sub-expression of `e` that could have a side effect when evaluated later instead of
 * now, or undefined when all of `e` can be deferred.
 */
export function sideEffectIn(e0: Node, scope: InitialiserScope): Node | undefined {
  const e = unwrap(e0);
  const all = (nodes: unknown[]): Node | undefined => {
    for (const n of nodes) {
      if (n === null || n === undefined) continue;
      const node = n as Node;
      const hit = node.type === "SpreadElement" ? sideEffectIn(node.argument as Node, scope) : sideEffectIn(node, scope);
      if (hit) return hit;
    }
    return undefined;
  };
  switch (e.type) {
    case "Literal":
      return undefined;
    case "TemplateLiteral":
      return all(e.expressions as Node[]);
    case "Identifier": {
      const name = e.name as string;
      if (scope.constants.has(name) || scope.lazyBindings.has(name)) return undefined;
      if (name === "undefined" && !scope.declared.has(name)) return undefined;
      return e;
    }
    case "ObjectExpression":
      for (const p of e.properties as Node[]) {
        if (p.type === "SpreadElement") {
          const hit = sideEffectIn(p.argument as Node, scope);
          if (hit) return hit;
          continue;
        }
        if (p.kind !== "init" || p.method) return p;
        if (p.computed) {
          const hit = sideEffectIn(p.key as Node, scope);
          if (hit) return hit;
        }
        const hit = sideEffectIn(p.value as Node, scope);
        if (hit) return hit;
      }
      return undefined;
    case "ArrayExpression":
      return all(e.elements as unknown[]);
    case "MemberExpression":
      if (isProcessEnv(e, scope)) return undefined;
      if (isProcessEnv(unwrap(e.object as Node), scope)) return e.computed ? sideEffectIn(e.property as Node, scope) : undefined;
      return sideEffectIn(e.object as Node, scope) ?? (e.computed ? sideEffectIn(e.property as Node, scope) : undefined);
    case "UnaryExpression":
      return e.operator === "delete" ? e : sideEffectIn(e.argument as Node, scope);
    case "LogicalExpression":
      return sideEffectIn(e.left as Node, scope) ?? sideEffectIn(e.right as Node, scope);
    case "ConditionalExpression":
      return sideEffectIn(e.test as Node, scope) ?? sideEffectIn(e.consequent as Node, scope) ?? sideEffectIn(e.alternate as Node, scope);
    case "NewExpression":
    case "CallExpression": {
      if (initialiserRoot(e, scope) === undefined) return e;
      // Every call along the chain (`z.string().regex(re)`) needs deferrable arguments.
      for (let c: Node = e; ; ) {
        c = unwrap(c);
        if (c.type === "NewExpression" || c.type === "CallExpression") {
          const hit = all(c.arguments as Node[]);
          if (hit) return hit;
          c = c.callee as Node;
        } else if (c.type === "MemberExpression") {
          if (c.computed) {
            const hit = sideEffectIn(c.property as Node, scope);
            if (hit) return hit;
          }
          c = c.object as Node;
        } else return undefined;
      }
    }
    default:
      return e;
  }
}
