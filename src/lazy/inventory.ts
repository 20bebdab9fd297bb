/**
 * What one module holds, for the lazy transform: its imports with their value bindings, its
 * re-exports, its module-scope `const`s, the names it declares at module scope, the
 * /* @lazy *\/ and /* @eager *\/ annotations attached to those statements, and (once something
 * was chosen) where chosen names are used. Nothing here decides what is deferred.
 */
import path from "node:path";
import { parseSync } from "oxc-parser";
import type { Location } from "../diagnostics.js";
import { attach, type Annotation, type Tag } from "./annotations.js";
import { findReferences, isNode, type Node, type Reference } from "./scope.js";

export interface ImportStatement {
  node: Node;
  /** The specifier as written. */
  spec: string;
  /** Value bindings: local name -> exported name ("*" for a namespace, "default"). */
  bindings: ReadonlyMap<string, string>;
  tag?: Tag;
  /** `import defer`. */
  defer: boolean;
}

/** A module-scope `const` with one declarator and an initialiser: what a deferred client looks like. */
export interface ModuleConst {
  name: string;
  /** The statement (VariableDeclaration, or the ExportNamedDeclaration around it). */
  node: Node;
  /** `export const`: importers reach it through `<name>$slimfn`, a sync accessor. */
  exported: boolean;
  init: Node;
  tag?: Tag;
}

export interface Inventory {
  code: string;
  file: string;
  /** The file relative to the project root, `/`-separated: how diagnostics and decisions name it. */
  rel: string;
  program: Node;
  /** Imports that hold values, in source order (type-only imports are erased by TypeScript). */
  imports: ImportStatement[];
  /** `export ... from` statements. */
  reexports: Node[];
  consts: ModuleConst[];
  /** Names of module-scope constants: `const` declarations and import bindings. */
  constants: ReadonlySet<string>;
  /** Every name declared at module scope. */
  declared: ReadonlySet<string>;
  /** Annotations standing where they do nothing. */
  misplaced: Annotation[];
  /** Where an offset of `code` is (line 1-based, column 0-based, with the line's text). */
  loc(offset: number): Location;
}

export type Parsed = Inventory | { unparsed: { rel: string; message: string; loc: Location } };

/** Parse `code` (oxc-parser) and list what it declares at module scope. */
export function takeInventory(code: string, file: string, root: string): Parsed {
  const rel = path.relative(root, file).split(path.sep).join("/");
  const loc = locator(code, rel);
  const parsed = parseSync(file, code, { sourceType: "module" });
  const fatal = parsed.errors.find((e) => e.severity === "Error");
  if (fatal) {
    const label = fatal.labels[0];
    return { unparsed: { rel, message: fatal.message, loc: loc(label ? label.start : 0) } };
  }
  const program = parsed.program as unknown as Node;
  const imports: ImportStatement[] = [];
  const consts: ModuleConst[] = [];
  const constants = new Set<string>();
  const declared = new Set<string>();
  // Statements an annotation may stand in: imports (even type-only ones, so the annotation is
  // not called misplaced) and module-scope consts.
  const targets: Node[] = [];
  const reexports: Node[] = [];
  for (const st of program.body as Node[]) {
    if (st.type === "ImportDeclaration") {
      targets.push(st);
      if (st.importKind === "type") continue;
      const bindings = new Map<string, string>();
      for (const sp of st.specifiers as Node[]) {
        const local = (sp.local as Node).name as string;
        declared.add(local);
        constants.add(local);
        if (sp.importKind === "type") continue;
        if (sp.type === "ImportNamespaceSpecifier") bindings.set(local, "*");
        else if (sp.type === "ImportDefaultSpecifier") bindings.set(local, "default");
        else {
          const imported = sp.imported as Node;
          bindings.set(local, (imported.name ?? imported.value) as string);
        }
      }
      // All specifiers type-only: TypeScript erases the import; nothing to do.
      if (bindings.size === 0 && (st.specifiers as Node[]).length > 0) continue;
      imports.push({ node: st, spec: (st.source as Node).value as string, bindings, defer: st.phase === "defer" });
      continue;
    }
    if ((st.type === "ExportNamedDeclaration" || st.type === "ExportAllDeclaration") && isNode(st.source)) {
      reexports.push(st);
      continue;
    }
    const decl = st.type === "ExportNamedDeclaration" && isNode(st.declaration) ? st.declaration : st;
    if (decl.type === "VariableDeclaration") {
      for (const d of decl.declarations as Node[]) {
        if (!isNode(d.id) || d.id.type !== "Identifier") continue;
        declared.add(d.id.name as string);
        if (decl.kind === "const") constants.add(d.id.name as string);
      }
      if (decl.kind === "const" && !decl.declare) {
        targets.push(st);
        const d = (decl.declarations as Node[])[0]!;
        if ((decl.declarations as Node[]).length === 1 && isNode(d.id) && d.id.type === "Identifier" && isNode(d.init)) {
          consts.push({ name: d.id.name as string, node: st, exported: st !== decl, init: d.init });
        }
      }
    } else if ((decl.type === "FunctionDeclaration" || decl.type === "ClassDeclaration") && isNode(decl.id)) {
      declared.add(decl.id.name as string);
    }
  }
  const attached = attach(parsed.comments, targets, code);
  for (const item of [...imports, ...consts]) {
    const tag = attached.byStatement.get(item.node.start);
    if (tag) item.tag = tag;
  }
  return { code, file, rel, program, imports, reexports, consts, constants, declared, misplaced: attached.misplaced, loc };
}

/** Where the chosen names are used: every value reference, and the references by name. */
export interface Uses {
  refs: Reference[];
  of(name: string): readonly Reference[];
}

/** The value references to `names` in the module (scope.ts skips shadowed names and types). */
export function usesOf(inv: Inventory, names: ReadonlySet<string>): Uses {
  const refs = names.size ? findReferences(inv.program, names) : [];
  const byName = new Map<string, Reference[]>();
  for (const r of refs) {
    let list = byName.get(r.name);
    if (!list) byName.set(r.name, (list = []));
    list.push(r);
  }
  return { refs, of: (name) => byName.get(name) ?? [] };
}

/** `line:column` of an offset, as messages quote positions. */
export function at(inv: Inventory, offset: number): string {
  const l = inv.loc(offset);
  return `${l.line}:${l.column}`;
}

function locator(code: string, rel: string): (offset: number) => Location {
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = lineStarts[lo]!;
    const end = code.indexOf("\n", start);
    return { file: rel, line: lo + 1, column: offset - start, lineText: code.slice(start, end === -1 ? undefined : end).replace(/\r$/, "") };
  };
}
