/**
 * `/* @lazy *\/` and `/* @eager *\/` annotations. A comment counts when its whole text is the
 * tag (`// @lazy` works too) and it stands either
 *   - inside an import statement, before its `from` string: `import /* @lazy *\/ { X } from "x"`,
 *   - or on its own right before an import or a module-scope `const` (only white space between),
 *   - or inside a module-scope `const` declaration before its `=`: `const /* @lazy *\/ s3 = ...`.
 * Anything else is misplaced and gets a LAZY_ANNOTATION_MISPLACED warning.
 */
import type { Node } from "./scope.js";

export type Tag = "lazy" | "eager";

export interface Annotation {
  tag: Tag;
  start: number;
  end: number;
}

interface Comment {
  type: string;
  value: string;
  start: number;
  end: number;
}

export function tagOf(comment: Comment): Tag | undefined {
  const text = comment.value.replace(/^\*+/, "").trim();
  if (text === "@lazy") return "lazy";
  if (text === "@eager") return "eager";
  return undefined;
}

export interface Attached {
  /** Statement start -> tag, for imports and module-scope consts. */
  byStatement: Map<number, Tag>;
  misplaced: Annotation[];
}

/**
 * Attach each annotation to the statement it may stand in. `targets` are import declarations
 * (whose `source` marks the end of where a comment may stand) and module-scope const
 * declarations (whose first declarator's `init` does).
 */
export function attach(comments: readonly Comment[], targets: readonly Node[], code: string): Attached {
  const byStatement = new Map<number, Tag>();
  const misplaced: Annotation[] = [];
  for (const c of comments) {
    const tag = tagOf(c);
    if (!tag) continue;
    const target = targets.find((t) => {
      const limit = t.type === "ImportDeclaration" ? (t.source as Node).start : firstInitStart(t);
      if (c.start > t.start && c.end <= limit) return true;
      return c.end <= t.start && code.slice(c.end, t.start).trim() === "";
    });
    if (target) byStatement.set(target.start, tag);
    else misplaced.push({ tag, start: c.start, end: c.end });
  }
  return { byStatement, misplaced };
}

function firstInitStart(statement: Node): number {
  const decl = statement.type === "ExportNamedDeclaration" ? (statement.declaration as Node) : statement;
  const d = (decl.declarations as Node[] | undefined)?.[0];
  const init = d?.init as Node | undefined;
  return init ? init.start : statement.end;
}
