/**
 * Decorator metadata (NestJS, TypeORM, type-graphql, tsyringe). These libraries read the types
 * TypeScript records with `emitDecoratorMetadata` (`design:paramtypes`, `design:type`,
 * `design:returntype`). esbuild compiles legacy decorators but never emits that metadata, so a
 * bundle builds and then fails at run time ("Nest can't resolve dependencies of ...").
 *
 * When the file's tsconfig asks for it, slimfn adds the metadata to the source as one more
 * decorator per decorated declaration, written the way `tsc` serializes types, and leaves the
 * lowering of decorators to the bundler, which already does it. The user's source stays as it
 * is around the insertions (comments, lazy annotations, line numbers), and it runs before the
 * lazy rewrite, so an import the metadata needs at init is seen as used there and stays eager.
 */
import path from "node:path";
import { getTsconfig } from "get-tsconfig";
import MagicString from "magic-string";
import { parseSync } from "oxc-parser";
import { error, type Diagnostic } from "./diagnostics.js";

/** The helper the inserted decorators call; a hoisted function declaration at the end of the file. */
const HELPER = "__slimfn_metadata";
const HELPER_SOURCE = `\nfunction ${HELPER}(k, v) { return typeof Reflect === "object" && typeof Reflect.metadata === "function" ? Reflect.metadata(k, v) : function () {}; }\n`;

const TS_FILE = /\.[cm]?tsx?$/;
/** A decorator: `@name` at the start of a statement, member or parameter. */
const DECORATOR = /(?:^|[\s(,{;])@[A-Za-z_$]/m;

export interface DecoratorSettings {
  experimentalDecorators: boolean;
  emitDecoratorMetadata: boolean;
  strictNullChecks: boolean;
  /** The tsconfig that said so, relative to the root, for messages. */
  tsconfig: string;
}

/** tsconfig lookups per folder, for one build (a watch rebuild reads them again). */
export class TsconfigCache {
  private readonly byDir = new Map<string, DecoratorSettings | undefined>();
  constructor(private readonly root: string) {}

  /** The decorator settings of the tsconfig that governs `file` (nearest, `extends` followed). */
  settingsFor(file: string): DecoratorSettings | undefined {
    const dir = path.dirname(file);
    if (!this.byDir.has(dir)) {
      const found = getTsconfig(dir);
      const options = found?.config.compilerOptions;
      this.byDir.set(
        dir,
        found && options
          ? {
              experimentalDecorators: options.experimentalDecorators === true,
              emitDecoratorMetadata: options.emitDecoratorMetadata === true,
              strictNullChecks: options.strictNullChecks ?? options.strict ?? false,
              tsconfig: path.relative(this.root, found.path).split(path.sep).join("/"),
            }
          : undefined,
      );
    }
    return this.byDir.get(dir);
  }
}

export interface MetadataOutput {
  code: string;
  /** Source map of the insertions (JSON text). */
  map: string;
}

/* oxc's ESTree-shaped AST, only what is read here. */
type Node = { type: string; start: number; end: number; [key: string]: any };

/** Cheap text test: could this file need decorator metadata (a TypeScript file with a decorator)? */
export const mayNeedMetadata = (code: string, file: string) => TS_FILE.test(file) && code.includes("@") && DECORATOR.test(code);

/**
 * Add decorator metadata to `code` when its tsconfig asks for it and it has decorators;
 * undefined output when the bundler can compile it as it is. A case that cannot be supported
 * comes back as an error diagnostic naming the file.
 */
export function addDecoratorMetadata(
  code: string,
  file: string,
  tsconfigs: TsconfigCache,
  root: string,
): { output?: MetadataOutput; diagnostics: Diagnostic[] } {
  if (!mayNeedMetadata(code, file)) return { diagnostics: [] };
  const settings = tsconfigs.settingsFor(file);
  if (!settings?.emitDecoratorMetadata) return { diagnostics: [] };
  const shown = path.relative(root, file).split(path.sep).join("/");
  const parsed = parseSync(file, code, { lang: /\.[cm]?tsx$/.test(file) ? "tsx" : "ts" });
  // oxc also reports what tsc would (a required parameter after an optional one) and still
  // gives the whole tree; esbuild builds such a file, so it must get its metadata too. A file
  // that does not parse at all is the bundler's to report.
  if (parsed.errors.length && !parsed.program.body.length) return { diagnostics: [] };
  const classes = decoratedClasses(parsed.program as unknown as Node);
  if (!classes.length) return { diagnostics: [] };
  if (!settings.experimentalDecorators) {
    return {
      diagnostics: [
        error(
          "DECORATOR_METADATA_UNSUPPORTED",
          `${shown} uses decorators and ${settings.tsconfig} sets emitDecoratorMetadata without experimentalDecorators: TypeScript emits metadata only for legacy decorators. Set "experimentalDecorators": true (NestJS, TypeORM and type-graphql need it), or drop emitDecoratorMetadata.`,
        ),
      ],
    };
  }
  const typeOnly = typeOnlyNames(parsed);
  const serialize = (type: Node | undefined) => serializeType(type, typeOnly, settings.strictNullChecks);
  const s = new MagicString(code);
  const add = (decorators: Node[], fallback: number, entries: [string, string][]) => {
    const at = decorators.length ? decorators[decorators.length - 1]!.end : fallback;
    const text = entries.map(([key, value]) => `@${HELPER}(${JSON.stringify(key)}, ${value})`).join(" ");
    s.appendLeft(at, decorators.length ? ` ${text}` : `${text} `);
  };
  for (const { node, statementStart } of classes) {
    const ctor = node.body.body.find((m: Node) => m.type === "MethodDefinition" && m.kind === "constructor") as Node | undefined;
    const ctorParams: Node[] = ctor?.value?.params ?? [];
    if (node.decorators?.length || ctorParams.some(hasDecorators)) {
      add(node.decorators ?? [], statementStart, [["design:paramtypes", `[${ctorParams.map((p) => serialize(paramType(p))).join(", ")}]`]]);
    }
    for (const member of node.body.body as Node[]) {
      if (member.type === "MethodDefinition" && member.kind !== "constructor") {
        const params: Node[] = member.value?.params ?? [];
        if (!member.decorators?.length && !params.some(hasDecorators)) continue;
        const paramtypes = `[${params.map((p) => serialize(paramType(p))).join(", ")}]`;
        if (member.kind === "method") {
          add(member.decorators ?? [], member.start, [
            ["design:type", "Function"],
            ["design:paramtypes", paramtypes],
            ["design:returntype", serialize(member.value?.returnType?.typeAnnotation)],
          ]);
        } else {
          // An accessor's type is its value's: the getter's return type or the setter's parameter.
          const type = member.kind === "get" ? member.value?.returnType?.typeAnnotation : paramType(params[0]);
          add(member.decorators ?? [], member.start, [
            ["design:type", serialize(type)],
            ["design:paramtypes", member.kind === "set" ? paramtypes : "[]"],
          ]);
        }
      } else if ((member.type === "PropertyDefinition" || member.type === "AccessorProperty") && member.decorators?.length) {
        add(member.decorators, member.start, [["design:type", serialize(member.typeAnnotation?.typeAnnotation)]]);
      }
    }
  }
  s.append(HELPER_SOURCE);
  return { output: { code: s.toString(), map: s.generateMap({ source: file, includeContent: true, hires: true }).toString() }, diagnostics: [] };
}

const hasDecorators = (param: Node) => (param.decorators?.length ?? 0) > 0;

/** The type annotation of a parameter: `a: T`, `a?: T`, `a: T = x`, `...a: T[]`, `private a: T`. */
function paramType(param: Node | undefined): Node | undefined {
  if (!param) return undefined;
  if (param.type === "TSParameterProperty") return paramType(param.parameter);
  if (param.type === "AssignmentPattern") return param.left?.typeAnnotation?.typeAnnotation;
  return param.typeAnnotation?.typeAnnotation;
}

/** Classes with a decorator anywhere on them, and where their statement starts (`export` included). */
function decoratedClasses(program: Node): { node: Node; statementStart: number }[] {
  const out: { node: Node; statementStart: number }[] = [];
  const visit = (node: unknown, statementStart?: number) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach((n) => visit(n));
    const n = node as Node;
    if ((n.type === "ClassDeclaration" || n.type === "ClassExpression") && classHasDecorators(n)) {
      out.push({ node: n, statementStart: statementStart ?? n.start });
    }
    const exported = n.type === "ExportNamedDeclaration" || n.type === "ExportDefaultDeclaration";
    for (const [key, value] of Object.entries(n)) {
      if (key === "type" || typeof value !== "object") continue;
      visit(value, exported && key === "declaration" ? n.start : undefined);
    }
  };
  visit(program.body);
  return out;
}

function classHasDecorators(node: Node): boolean {
  if (node.decorators?.length) return true;
  return (node.body.body as Node[]).some((m) => m.decorators?.length || (m.value?.params ?? []).some(hasDecorators));
}

/** Names that are types only in this file: `import type`, type-only import entries, interfaces, type aliases. */
function typeOnlyNames(parsed: ReturnType<typeof parseSync>): Set<string> {
  const names = new Set<string>();
  for (const imp of parsed.module.staticImports) for (const e of imp.entries) if (e.isType) names.add(e.localName.value);
  for (const statement of parsed.program.body as unknown as Node[]) {
    const decl = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
    if (decl && (decl.type === "TSInterfaceDeclaration" || decl.type === "TSTypeAliasDeclaration")) names.add(decl.id.name);
  }
  return names;
}

/**
 * A type as `tsc` writes it into metadata: the constructor of a primitive, `Array`, `Function`,
 * `Object` for what has no run-time value, and a guarded reference for a class
 * (`typeof X === "undefined" ? Object : X`, so a type-only use never throws).
 */
function serializeType(type: Node | undefined, typeOnly: Set<string>, strictNullChecks: boolean): string {
  if (!type) return "Object";
  switch (type.type) {
    case "TSStringKeyword":
    case "TSTemplateLiteralType":
      return "String";
    case "TSNumberKeyword":
      return "Number";
    case "TSBooleanKeyword":
      return "Boolean";
    case "TSBigIntKeyword":
      return "BigInt";
    case "TSSymbolKeyword":
      return "Symbol";
    case "TSVoidKeyword":
    case "TSUndefinedKeyword":
    case "TSNullKeyword":
    case "TSNeverKeyword":
      return "void 0";
    case "TSFunctionType":
    case "TSConstructorType":
      return "Function";
    case "TSArrayType":
    case "TSTupleType":
      return "Array";
    case "TSParenthesizedType":
    case "TSTypeOperator":
    case "TSOptionalType":
      return serializeType(type.typeAnnotation, typeOnly, strictNullChecks);
    case "TSLiteralType": {
      const v = type.literal?.value;
      return typeof v === "string" ? "String" : typeof v === "number" ? "Number" : typeof v === "boolean" ? "Boolean" : typeof v === "bigint" ? "BigInt" : "Object";
    }
    case "TSUnionType":
    case "TSIntersectionType": {
      // One constructor for every member (null and undefined aside under strictNullChecks), else Object.
      const skipped = strictNullChecks ? ["TSNullKeyword", "TSUndefinedKeyword", "TSNeverKeyword"] : ["TSNeverKeyword"];
      const members = (type.types as Node[]).filter((t) => !skipped.includes(t.type));
      const serialized = new Set(members.map((t) => serializeType(t, typeOnly, strictNullChecks)));
      return serialized.size === 1 ? [...serialized][0]! : "Object";
    }
    case "TSTypeReference":
      return serializeReference(type.typeName, typeOnly);
    default:
      return "Object";
  }
}

function serializeReference(name: Node, typeOnly: Set<string>): string {
  const parts: string[] = [];
  for (let n: Node | undefined = name; n; n = n.type === "TSQualifiedName" ? n.left : undefined) {
    parts.unshift(n.type === "TSQualifiedName" ? n.right.name : n.name);
  }
  const [first] = parts;
  if (!first || typeOnly.has(first)) return "Object";
  if (parts.length === 1) {
    if (first === "Array" || first === "ReadonlyArray") return "Array";
    if (["String", "Number", "Boolean", "BigInt", "Symbol", "Function", "Object", "Promise", "Date", "Map", "Set", "RegExp", "Buffer"].includes(first)) return first;
  }
  // Each step guarded, as tsc does, so a name that is only a type at run time gives Object.
  const guards = parts.map((_, i) => `typeof ${parts.slice(0, i + 1).join(".")} === "undefined"`);
  return `(${guards.join(" || ")} ? Object : ${parts.join(".")})`;
}
