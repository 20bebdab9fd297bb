/**
 * slimfn's default strip list and the must-never-delete rules (DESIGN rule 2), as pure
 * functions of a path relative to a package's root. Matching is case-sensitive: `README*`
 * names exactly the casings listed, never `readme.js` through a case-folding glob.
 *
 * Two kinds of default rule exist, and only the first may ever take code:
 *  - root rules: exact file names and root-anchored folders (`test/`, `.eslintrc.js`);
 *  - name patterns that apply anywhere (`*.md`, `*.d.ts`): these never match code.
 * Whether a matched file really goes is decided in `strip.ts` (reachability, path strings in
 * the package's own code, the user's keep list).
 */

/** Extensions Node loads as code or data: no name pattern ever removes these (DESIGN rule 2). */
const CODE = /\.(?:js|cjs|mjs|json|node|wasm|so)$|\.so\.[^/]+$/;

export function isCode(rel: string): boolean {
  return CODE.test(baseName(rel));
}

export function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf("/") + 1);
}

/**
 * Licence and notice files, anywhere in a package, in any casing (protection may be loose,
 * removal may not): LICENSE, LICENCE.md, COPYING, NOTICE, ThirdPartyNoticeText.txt, PATENTS,
 * and everything under a `licenses/` folder.
 */
const LICENCE_NAME = /licen[cs]e|copying|notice|copyright|patent/i;
const LICENCE_DIR = /(?:^|\/)licen[cs]es\//i;

export function isLicence(rel: string): boolean {
  return LICENCE_NAME.test(baseName(rel)) || LICENCE_DIR.test(rel);
}

/** Every package.json, at the root or nested (`dist/esm/package.json` sets the module type). */
export function isPackageJson(rel: string): boolean {
  return baseName(rel) === "package.json";
}

// Root docs: each stem in the casings packages use, with no extension or a doc extension.
const DOC_STEMS = ["README", "CHANGELOG", "CHANGES", "HISTORY", "CONTRIBUTING", "AUTHORS"].flatMap((s) => [
  s,
  s[0] + s.slice(1).toLowerCase(),
  s.toLowerCase(),
]);
const DOC_EXTENSIONS = [".md", ".markdown", ".txt", ".rst"];

function isRootDoc(name: string): string | undefined {
  const stem = DOC_STEMS.find((s) => name.startsWith(s));
  if (!stem) return undefined;
  const rest = name.slice(stem.length);
  if (!rest.includes(".") || DOC_EXTENSIONS.some((e) => rest.endsWith(e))) return `${stem.toUpperCase()}*`;
  return undefined;
}

/** Tooling, CI and lockfiles, by exact name at the package root. */
export const ROOT_NAMES: readonly string[] = Object.freeze([
  ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml", ".eslintrc.yaml", ".eslintignore",
  ".prettierrc", ".prettierrc.js", ".prettierrc.cjs", ".prettierrc.json", ".prettierrc.yml", ".prettierrc.yaml",
  ".prettierrc.toml", ".prettierignore", ".editorconfig", ".jshintrc", ".jshintignore", ".jscsrc", ".nycrc",
  ".nycrc.json", ".mocharc.js", ".mocharc.cjs", ".mocharc.json", ".mocharc.yml", ".mocharc.yaml", ".taprc",
  ".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".appveyor.yml", ".codeclimate.yml", ".coveralls.yml",
  ".airtap.yml", ".zuul.yml", ".npmignore", ".gitattributes", ".gitignore", ".gitmodules", ".nvmrc",
  "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock",
]);
const ROOT_NAME_SET = new Set(ROOT_NAMES);

/** Root-anchored folders: only at the package root, never `lib/test/`. */
export const ROOT_FOLDERS: readonly string[] = Object.freeze([
  "test", "tests", "__tests__", "coverage", ".nyc_output", "example", "examples", ".github", ".circleci",
  ".vscode", ".idea", ".yarn", ".husky",
]);
const ROOT_FOLDER_SET = new Set(ROOT_FOLDERS);

/** Native build leftovers under node-gyp's root `build/` folder. */
export const BUILD_FOLDERS: readonly string[] = Object.freeze(["build/Release/obj.target", "build/Release/.deps"]);

/** Name patterns that apply anywhere; none of them can match a code extension. */
const ANYWHERE: readonly { rule: string; test: (name: string) => boolean }[] = [
  { rule: "*.md", test: (n) => n.endsWith(".md") || n.endsWith(".markdown") },
  { rule: "*.d.ts", test: (n) => /\.d\.[cm]?ts$/.test(n) },
  { rule: "*.tsbuildinfo", test: (n) => n.endsWith(".tsbuildinfo") },
  { rule: "*.o/*.obj/*.pdb", test: (n) => /\.(?:o|obj|pdb|ilk)$/.test(n) },
  {
    rule: "OS/editor junk",
    test: (n) =>
      n === ".DS_Store" || n === "Thumbs.db" || n === "desktop.ini" || n.startsWith("._") || /\.sw[op]$/.test(n) ||
      n.endsWith("~") || n.startsWith("npm-debug.log") || n === "yarn-error.log",
  },
];

const MAP_RULE = { rule: "*.map", test: (n: string) => n.endsWith(".map") };

/** Sources whose compiled file sits beside them: `x.ts` next to `x.js`, `x.mts` next to `x.mjs`. */
const SOURCE_TO_COMPILED: readonly [string, string][] = [
  [".ts", ".js"],
  [".tsx", ".js"],
  [".mts", ".mjs"],
  [".cts", ".cjs"],
];

export interface DefaultMatch {
  /** The rule as the README lists it (`root folder test/`, `*.d.ts`). */
  rule: string;
  /** True for exact root names and root folders: the only rules that may take code. */
  rootAnchored: boolean;
}

/**
 * The default rule matching `rel`, or `undefined`. `all` is the package's full file set (for
 * "compiled file beside it"); `keepSourceMaps` is true when the user ships source maps.
 * Protection (package.json, licences, code under name patterns) is applied here too, so a
 * match is always a candidate that strip.ts may still keep for other reasons.
 */
export function matchDefault(rel: string, all: ReadonlySet<string>, keepSourceMaps: boolean): DefaultMatch | undefined {
  if (isPackageJson(rel) || isLicence(rel)) return undefined;
  const slash = rel.indexOf("/");
  const name = baseName(rel);
  if (slash === -1) {
    if (ROOT_NAME_SET.has(name)) return { rule: `root file ${name}`, rootAnchored: true };
    const doc = !isCode(name) ? isRootDoc(name) : undefined;
    if (doc) return { rule: `root docs ${doc}`, rootAnchored: true };
  } else {
    const top = rel.slice(0, slash);
    if (ROOT_FOLDER_SET.has(top)) return { rule: `root folder ${top}/`, rootAnchored: true };
    const build = BUILD_FOLDERS.find((f) => rel.startsWith(`${f}/`));
    if (build) return { rule: `${build}/`, rootAnchored: true };
  }
  if (isCode(name)) return undefined;
  for (const p of ANYWHERE) if (p.test(name)) return { rule: p.rule, rootAnchored: false };
  if (!keepSourceMaps && MAP_RULE.test(name)) return { rule: MAP_RULE.rule, rootAnchored: false };
  for (const [source, compiled] of SOURCE_TO_COMPILED) {
    if (name.endsWith(source) && !/\.d\.[cm]?tsx?$/.test(name) && all.has(rel.slice(0, -source.length) + compiled)) {
      return { rule: `*${source} beside its ${compiled}`, rootAnchored: false };
    }
  }
  return undefined;
}
