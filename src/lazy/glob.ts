/**
 * The `lazy` allowlist: globs over the package name of an import specifier.
 *
 * An entry matches a specifier when it matches the specifier's package name (`@aws-sdk/*`
 * matches `@aws-sdk/client-s3/dist-es/index.js` through its package `@aws-sdk/client-s3`), or
 * the specifier itself, or a `/`-bounded prefix of it (`lodash/fp` matches `lodash/fp/map`).
 * `*` stands for any characters except `/`, `**` for any characters, `?` for one character.
 * Relative and absolute specifiers have no package name and never match the allowlist (an
 * annotation can still make them lazy).
 */
import { error, type Diagnostic } from "../diagnostics.js";
import { isBuiltin, packageName } from "../specifiers.js";

/** Characters npm allows in a package name, plus the glob characters. */
const ENTRY = /^(@[a-z0-9*?~._-]+\/)?[a-z0-9*?~._-][a-z0-9*?~._\-/]*$/i;

/** Why `entry` is not a valid allowlist glob, or undefined when it is. */
export function globProblem(entry: string): string | undefined {
  if (entry.trim() !== entry || entry === "") return "it is empty or has surrounding spaces";
  if (entry.startsWith(".") || entry.startsWith("/")) {
    return "it is a path; the allowlist holds package names such as \"zod\" or \"@aws-sdk/*\"";
  }
  if (entry.endsWith("/")) return "it ends with \"/\"";
  if (entry.includes("//")) return "it has an empty path segment";
  if (/\*{3,}/.test(entry)) return "it has more than two \"*\" in a row";
  if (!ENTRY.test(entry)) {
    return "it has characters a package name cannot hold (allowed: letters, digits, - . _ ~ / @ at the start, and * ? **)";
  }
  return undefined;
}

/** Diagnostics for every malformed entry of the allowlist (LAZY_GLOB_INVALID). */
export function checkGlobs(entries: readonly string[], key = "lazy"): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const entry of entries) {
    const problem = globProblem(entry);
    if (problem) {
      out.push(error("LAZY_GLOB_INVALID", `The ${key} entry ${JSON.stringify(entry)} is not a valid glob: ${problem}.`));
    }
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\-]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

// The lazy tests import them from here.
export { isBuiltin, packageName };

export interface Allowlist {
  /** The first entry matching `specifier`, or undefined. */
  match(specifier: string): string | undefined;
  /** The entries in the order given. */
  readonly entries: readonly string[];
  /** Cheap text test: could a file that contains `text` import anything on the list? */
  mentionedIn(text: string): boolean;
}

/** Compile valid allowlist entries (validate them first with `checkGlobs`). */
export function compileAllowlist(entries: readonly string[]): Allowlist {
  const compiled = entries.map((entry) => ({ entry, re: globToRegExp(entry) }));
  // The literal text before the first glob character must appear in a file that imports a
  // match: "@aws-sdk/" for "@aws-sdk/*", "zod" for "zod".
  const needles = entries.map((e) => e.split(/[*?]/)[0]!).filter((n) => n !== "");
  const anyName = entries.some((e) => /^[*?]/.test(e));
  return {
    entries,
    match(specifier) {
      const pkg = packageName(specifier);
      if (pkg === undefined) return undefined;
      const segments = specifier.split("/");
      for (const { entry, re } of compiled) {
        if (re.test(pkg)) return entry;
        for (let n = segments.length; n >= 1; n--) {
          if (re.test(segments.slice(0, n).join("/"))) return entry;
        }
      }
      return undefined;
    },
    mentionedIn(text) {
      return anyName ? compiled.length > 0 : needles.some((n) => text.includes(n));
    },
  };
}
