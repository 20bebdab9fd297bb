/**
 * Scope analysis over the oxc ESTree AST: finds every value reference to a set of module-scope
 * names, skipping shadowed ones (parameters, block and `for (let ..)` bindings, catch
 * parameters, class and function names, hoisted `var`) and TypeScript type positions, and
 * records for each reference what the rewrite needs: its syntactic role and when it runs.
 */

/** A loosely typed ESTree node: oxc's types are precise but we walk generically. */
export interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/** How a reference is used, which decides how it is rewritten. */
export type RefRole =
  | "callee" // f() or f`x`: keep `this` undefined with (0, ...)
  | "new" // new F()
  | "member-object" // ns.x / ns[x]
  | "shorthand" // { S3Client }
  | "export" // export { A } / export default A
  | "jsx" // <A />
  | "plain";

/**
 * When a reference runs: at module init, inside a synchronous function (or a place where
 * `await` is not allowed), or directly in an async function body.
 */
export type RefTime = "init" | "sync" | "async";

export interface Reference {
  name: string;
  start: number;
  end: number;
  role: RefRole;
  time: RefTime;
  inDecorator: boolean;
  inExtends: boolean;
  /** Set when the reference is inside the initialiser of module-scope `const` <owner>, at init. */
  owner?: string;
  /** For `ns.name` (role member-object, not computed): the property and where the member ends. */
  property?: { name: string; end: number };
}

interface Scope {
  names: Set<string>;
  parent: Scope | undefined;
}

interface Ctx {
  time: RefTime;
  inDecorator: boolean;
  inExtends: boolean;
  owner?: string;
}

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
/** Keys that hold only TypeScript types. */
const TYPE_KEYS = new Set(["typeAnnotation", "returnType", "typeParameters", "typeArguments", "superTypeArguments", "implements"]);
/** TypeScript nodes that hold values and must be walked; every other TS* node is a type. */
const TS_VALUE_NODES = new Set([
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TSInstantiationExpression",
  "TSEnumDeclaration",
  "TSEnumBody",
  "TSEnumMember",
  "TSModuleDeclaration",
  "TSModuleBlock",
  "TSExportAssignment",
  "TSParameterProperty",
]);

export function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as Node).type === "string";
}

/** Child nodes of `node` with the key they sit under, in source order. */
export function* children(node: Node): Generator<[Node, string]> {
  for (const key of Object.keys(node)) {
    if (key === "type" || key === "start" || key === "end" || TYPE_KEYS.has(key)) continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) if (isNode(c)) yield [c, key];
    } else if (isNode(v)) yield [v, key];
  }
}

/** Names a binding pattern declares. */
export function patternNames(p: unknown, out: string[] = []): string[] {
  if (!isNode(p)) return out;
  switch (p.type) {
    case "Identifier":
      out.push(p.name as string);
      break;
    case "ObjectPattern":
      for (const prop of p.properties as Node[]) patternNames(prop.type === "RestElement" ? prop.argument : prop.value, out);
      break;
    case "ArrayPattern":
      for (const el of p.elements as unknown[]) patternNames(el, out);
      break;
    case "AssignmentPattern":
      patternNames(p.left, out);
      break;
    case "RestElement":
      patternNames(p.argument, out);
      break;
    case "TSParameterProperty":
      patternNames(p.parameter, out);
      break;
  }
  return out;
}

/** `var` names declared in a function body (not crossing nested functions or static blocks). */
function varNames(node: Node, out: Set<string>): void {
  for (const [child] of children(node)) {
    if (FUNCTION_TYPES.has(child.type) || child.type === "StaticBlock" || child.type.startsWith("Class")) continue;
    if (child.type === "VariableDeclaration" && child.kind === "var") {
      for (const d of child.declarations as Node[]) for (const n of patternNames(d.id)) out.add(n);
    }
    varNames(child, out);
  }
}

/** Lexical names (let, const, class, function, using) declared directly in a statement list. */
function lexicalNames(statements: unknown[], out: Set<string>): void {
  for (let s of statements) {
    if (!isNode(s)) continue;
    if ((s.type === "ExportNamedDeclaration" || s.type === "ExportDefaultDeclaration") && isNode(s.declaration)) {
      s = s.declaration;
    }
    const n = s as Node;
    if (n.type === "VariableDeclaration" && n.kind !== "var") {
      for (const d of n.declarations as Node[]) for (const name of patternNames(d.id)) out.add(name);
    } else if ((n.type === "FunctionDeclaration" || n.type === "ClassDeclaration") && isNode(n.id)) {
      out.add(n.id.name as string);
    } else if (n.type === "ImportDeclaration") {
      for (const sp of n.specifiers as Node[]) out.add((sp.local as Node).name as string);
    } else if (n.type === "TSEnumDeclaration" && isNode(n.id)) {
      out.add(n.id.name as string);
    }
  }
}

/**
 * Every value reference to one of `tracked` that resolves to the module scope of `program`.
 */
export function findReferences(program: Node, tracked: ReadonlySet<string>): Reference[] {
  const refs: Reference[] = [];
  const moduleScope: Scope = { names: new Set(), parent: undefined };

  const resolvesToModule = (name: string, scope: Scope): boolean => {
    for (let s: Scope | undefined = scope; s && s !== moduleScope; s = s.parent) if (s.names.has(name)) return false;
    return true;
  };

  const record = (id: Node, name: string, role: RefRole, scope: Scope, ctx: Ctx, parent?: Node) => {
    if (!tracked.has(name) || !resolvesToModule(name, scope)) return;
    const ref: Reference = {
      name,
      start: id.start,
      end: id.end,
      role,
      time: ctx.time,
      inDecorator: ctx.inDecorator,
      inExtends: ctx.inExtends,
    };
    if (ctx.owner !== undefined && ctx.time === "init") ref.owner = ctx.owner;
    if (role === "member-object" && parent && !parent.computed && isNode(parent.property)) {
      ref.property = { name: parent.property.name as string, end: parent.end };
    }
    refs.push(ref);
  };

  const roleOf = (parent: Node | undefined, key: string): RefRole => {
    if (!parent) return "plain";
    if ((parent.type === "CallExpression" && key === "callee") || (parent.type === "TaggedTemplateExpression" && key === "tag")) return "callee";
    if (parent.type === "NewExpression" && key === "callee") return "new";
    if (parent.type === "MemberExpression" && key === "object") return "member-object";
    if (parent.type === "Property" && key === "value" && parent.shorthand) return "shorthand";
    if (parent.type === "ExportSpecifier" || parent.type === "ExportDefaultDeclaration") return "export";
    return "plain";
  };

  /** Walk a binding pattern: only default values and computed keys hold references. */
  const walkPattern = (p: unknown, scope: Scope, ctx: Ctx) => {
    if (!isNode(p)) return;
    switch (p.type) {
      case "Identifier":
        return;
      case "ObjectPattern":
        for (const prop of p.properties as Node[]) {
          if (prop.type === "RestElement") walkPattern(prop.argument, scope, ctx);
          else {
            if (prop.computed) walk(prop.key as Node, prop, "key", scope, ctx);
            walkPattern(prop.value, scope, ctx);
          }
        }
        return;
      case "ArrayPattern":
        for (const el of p.elements as unknown[]) walkPattern(el, scope, ctx);
        return;
      case "AssignmentPattern":
        walkPattern(p.left, scope, ctx);
        walk(p.right as Node, p, "right", scope, ctx);
        return;
      case "RestElement":
        walkPattern(p.argument, scope, ctx);
        return;
      case "TSParameterProperty":
        for (const d of (p.decorators as Node[]) ?? []) walk(d, p, "decorators", scope, ctx);
        walkPattern(p.parameter, scope, ctx);
        return;
      default:
        // An assignment target in an expression position (`[a.b] = x`): a normal walk.
        walk(p, undefined, "", scope, ctx);
    }
  };

  /** `iife`: called where it is defined, at init (`(async () => { .. })()`): its body runs then. */
  const walkFunction = (fn: Node, scope: Scope, ctx: Ctx, iife = false) => {
    let outer = scope;
    if (fn.type === "FunctionExpression" && isNode(fn.id)) {
      outer = { names: new Set([fn.id.name as string]), parent: scope };
    }
    const names = new Set<string>();
    for (const p of fn.params as unknown[]) for (const n of patternNames(p)) names.add(n);
    if (fn.type !== "ArrowFunctionExpression") names.add("arguments");
    const body = fn.body as Node | null;
    if (body && body.type === "BlockStatement") {
      varNames(body, names);
      lexicalNames(body.body as unknown[], names);
    }
    const fnScope: Scope = { names, parent: outer };
    // Parameter defaults run at call time, where `await` is not allowed.
    const paramCtx: Ctx = iife ? ctx : { time: "sync", inDecorator: false, inExtends: false };
    for (const p of fn.params as unknown[]) walkPattern(p, fnScope, paramCtx);
    if (!body) return;
    const bodyCtx: Ctx = iife ? ctx : { time: fn.async ? "async" : "sync", inDecorator: false, inExtends: false };
    if (body.type === "BlockStatement") for (const s of body.body as Node[]) walk(s, body, "body", fnScope, bodyCtx);
    else walk(body, fn, "body", fnScope, bodyCtx);
  };

  const walkClass = (cls: Node, scope: Scope, ctx: Ctx) => {
    for (const d of (cls.decorators as Node[]) ?? []) walk(d, cls, "decorators", scope, { ...ctx, inDecorator: true });
    if (isNode(cls.superClass)) walk(cls.superClass, cls, "superClass", scope, { ...ctx, inExtends: true });
    const inner: Scope = isNode(cls.id) ? { names: new Set([cls.id.name as string]), parent: scope } : scope;
    for (const member of (cls.body as Node).body as Node[]) {
      for (const d of (member.decorators as Node[]) ?? []) walk(d, member, "decorators", inner, { ...ctx, inDecorator: true });
      if (member.computed && isNode(member.key)) walk(member.key, member, "key", inner, ctx);
      if (member.type === "StaticBlock") {
        const names = new Set<string>();
        varNames(member, names);
        lexicalNames(member.body as unknown[], names);
        const s: Scope = { names, parent: inner };
        for (const st of member.body as Node[]) walk(st, member, "body", s, ctx);
      } else if (isNode(member.value)) {
        if (FUNCTION_TYPES.has(member.value.type)) walkFunction(member.value, inner, ctx);
        else {
          // Instance fields run when an instance is built; static fields with the class.
          const fieldCtx: Ctx = member.static ? ctx : { time: "sync", inDecorator: false, inExtends: false };
          walk(member.value, member, "value", inner, fieldCtx);
        }
      }
    }
  };

  const walkBlock = (statements: Node[], owner: Node, scope: Scope, ctx: Ctx) => {
    const names = new Set<string>();
    lexicalNames(statements, names);
    const s: Scope = names.size ? { names, parent: scope } : scope;
    for (const st of statements) walk(st, owner, "body", s, ctx);
  };

  const jsxRoot = (n: Node): Node | undefined => {
    if (n.type === "JSXIdentifier") return n;
    if (n.type === "JSXMemberExpression") return jsxRoot(n.object as Node);
    return undefined;
  };

  function walk(node: Node, parent: Node | undefined, key: string, scope: Scope, ctx: Ctx): void {
    const t = node.type;
    if (t.startsWith("TS") && !TS_VALUE_NODES.has(t)) return;
    if ((node as { declare?: boolean }).declare) return;
    switch (t) {
      case "Identifier":
        if (parent) {
          const pt = parent.type;
          if (pt === "MemberExpression" && key === "property" && !parent.computed) return;
          if ((pt === "Property" || pt === "MethodDefinition" || pt === "PropertyDefinition" || pt === "AccessorProperty") && key === "key" && !parent.computed) return;
          if (pt === "ExportSpecifier" && key !== "local") return;
          if (pt === "LabeledStatement" || pt === "BreakStatement" || pt === "ContinueStatement") return;
          if (pt === "MetaProperty" || pt === "TSEnumMember" || pt === "TSModuleDeclaration") return;
        }
        record(node, node.name as string, roleOf(parent, key), scope, ctx, parent);
        return;
      case "ImportDeclaration":
      case "ExportAllDeclaration":
        return;
      case "ExportNamedDeclaration":
        if (node.source) return;
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        walkFunction(node, scope, ctx);
        return;
      case "CallExpression": {
        // A function called where it is defined at init runs at init, async or not.
        let callee = node.callee as Node;
        while (callee.type === "ParenthesizedExpression") callee = callee.expression as Node;
        if (ctx.time !== "init" || (callee.type !== "FunctionExpression" && callee.type !== "ArrowFunctionExpression")) break;
        walkFunction(callee, scope, ctx, true);
        for (const a of node.arguments as Node[]) walk(a, node, "arguments", scope, ctx);
        return;
      }
      case "ClassDeclaration":
      case "ClassExpression":
        walkClass(node, scope, ctx);
        return;
      case "Decorator":
        walk(node.expression as Node, node, "expression", scope, { ...ctx, inDecorator: true });
        return;
      case "BlockStatement":
      case "StaticBlock":
        walkBlock(node.body as Node[], node, scope, ctx);
        return;
      case "SwitchStatement": {
        walk(node.discriminant as Node, node, "discriminant", scope, ctx);
        const all = (node.cases as Node[]).flatMap((c) => c.consequent as Node[]);
        const names = new Set<string>();
        lexicalNames(all, names);
        const s: Scope = { names, parent: scope };
        for (const c of node.cases as Node[]) {
          if (isNode(c.test)) walk(c.test, c, "test", s, ctx);
          for (const st of c.consequent as Node[]) walk(st, c, "consequent", s, ctx);
        }
        return;
      }
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement": {
        const head = (t === "ForStatement" ? node.init : node.left) as Node | null;
        const names = new Set<string>();
        if (head && head.type === "VariableDeclaration" && head.kind !== "var") {
          for (const d of head.declarations as Node[]) for (const n of patternNames(d.id)) names.add(n);
        }
        const s: Scope = names.size ? { names, parent: scope } : scope;
        for (const [c, k] of children(node)) walk(c, node, k, s, ctx);
        return;
      }
      case "CatchClause": {
        const names = new Set(patternNames(node.param));
        const s: Scope = { names, parent: scope };
        walkPattern(node.param, s, ctx);
        walk(node.body as Node, node, "body", s, ctx);
        return;
      }
      case "VariableDeclaration": {
        const atModuleTop = parent?.type === "Program" || (parent?.type === "ExportNamedDeclaration" && ctx.time === "init" && scope === moduleScope);
        for (const d of node.declarations as Node[]) {
          walkPattern(d.id, scope, ctx);
          if (!isNode(d.init)) continue;
          const owner = atModuleTop && node.kind === "const" && isNode(d.id) && d.id.type === "Identifier" ? (d.id.name as string) : undefined;
          walk(d.init, d, "init", scope, owner !== undefined ? { ...ctx, owner } : ctx);
        }
        return;
      }
      case "JSXOpeningElement": {
        const root = jsxRoot(node.name as Node);
        if (root) record(root, root.name as string, "jsx", scope, ctx);
        for (const a of node.attributes as Node[]) walk(a, node, "attributes", scope, ctx);
        return;
      }
      case "JSXClosingElement":
      case "JSXIdentifier":
      case "JSXNamespacedName":
        return;
      case "JSXAttribute":
        if (isNode(node.value)) walk(node.value, node, "value", scope, ctx);
        return;
      case "Property":
        if (node.computed) walk(node.key as Node, node, "key", scope, ctx);
        walk(node.value as Node, node, "value", scope, ctx);
        return;
    }
    for (const [c, k] of children(node)) walk(c, node, k, scope, ctx);
  }

  lexicalNames(program.body as unknown[], moduleScope.names);
  varNames(program, moduleScope.names);
  const top: Ctx = { time: "init", inDecorator: false, inExtends: false };
  for (const st of program.body as Node[]) walk(st, program, "body", moduleScope, top);
  return refs;
}
