/**
 * The one options type of slimfn, its defaults and its run-time validation.
 *
 * Options are resolved once into a frozen, fully-defaulted `ResolvedOptions` and only that is
 * passed around. Validation works like esbuild's: an unknown key or a wrong type fails with the
 * key's name and what was expected, because a typo in a config must never be silently ignored.
 * The README's option table is checked against `OPTION_DOCS` by a test.
 */
import fs from "node:fs";
import path from "node:path";
import { error, SlimfnError, type Diagnostic } from "./diagnostics.js";
import { parseBudget, type Budget } from "./report/budgets.js";
import { ParseError } from "./report/sizes.js";
import { globProblem } from "./lazy/glob.js";
import { checkLazy, resolveLazy, type LazyOptions } from "./lazy/options.js";
import { checkObject, checks, describe, isPlainObject, type Check } from "./option-checks.js";
import type { ResolvedLazyOptions } from "./lazy/types.js";
import { RUNTIMES, type Runtime, type RuntimeInfo } from "./runtime.js";
import { includeGlobProblem } from "./ship/include.js";
import { allowSecretProblem } from "./ship/secrets.js";
import { ARCHES, type Arch } from "./ship/platform.js";
import { parseUserGlob, userGlobProblem, type UserGlob } from "./ship/strip.js";

export interface ReportOptions {
  /**
   * Write the size model (one schema-versioned JSON file for the whole build) to this path,
   * relative to the project root.
   * @default undefined (no file)
   */
  json?: string;
  /**
   * Limits that fail the build (`BUDGET_EXCEEDED`) when a function is over them, checked once
   * the size model is complete; the same keys and values as `slimfn report --budget KEY=VALUE`:
   * `zip` and `unzipped` sizes (`"5MB"`, `"300kB"`, `"2MiB"`; kB/MB = 1000, KiB/MiB = 1024),
   * `init` (`"150ms"`, or `"1.5x"` a bare node start; needs a measured init time), and
   * `"pkg:NAME"` for a package's bytes (`{ "pkg:aws-sdk": "0B" }`, `"pkg:@aws-sdk/*"` sums a
   * scope). `"FUNCTION/KEY"` sets one function's own (`{ "thumbnail/zip": "10MB" }`), replacing
   * the general budget of that key for it. Lambda's own limits are always checked
   * (`LAMBDA_LIMIT_EXCEEDED`).
   * @default {} (only Lambda's limits)
   */
  budgets?: Record<string, string>;
}

/** How the zip is proven to start before it is written (issue 3). */
export interface VerifyOptions {
  /**
   * How many fresh `node` processes import the handler; the init time reported is their median,
   * next to a bare `node` start measured interleaved in the same run. Unset, a build of more
   * than four functions (a CI-sized build) times one run each unless a budget asks for init
   * time: the import is proven either way, and five runs of a hundred functions cost minutes.
   * @default 5 (1 in builds of more than 4 functions without an init budget)
   */
  runs?: number;
  /**
   * An event to invoke the handler with once after import: a path to a JSON file (relative to
   * the project root) or the event itself. The result is shown in the summary.
   * @default undefined (import only)
   */
  event?: string | Record<string, unknown>;
  /**
   * Requests to time the whole cold start of: a list of JSON files (relative to the project
   * root) or events, or one folder of `.json` files. Per event, `runs` fresh processes import
   * the handler and answer it; the summary and the size model (`init.events`) show init, first
   * invocation and their sum, the cold total.
   * @default undefined (no events)
   */
  events?: string | (string | Record<string, unknown>)[];
  /**
   * Fail the build, writing no zip, when the invocation with `event` fails: the handler throws
   * (or its promise rejects), or it answers with an error shape, Lambda's own
   * (`{ errorType, errorMessage }`) or an HTTP one (`statusCode` 500 and above). `false` when
   * the event is meant to fail: the failure then only warns.
   * @default true
   */
  failOnError?: boolean;
  /**
   * Environment variables for the verification processes (the function's configuration).
   * @default {}
   */
  env?: Record<string, string>;
  /**
   * Also verify on watch rebuilds (skipped there by default to keep rebuilds fast).
   * @default false
   */
  watch?: boolean;
}

export interface StripOptions {
  /**
   * Extra globs (picomatch syntax, relative to each shipped package's root, case-sensitive) of
   * files to leave out. `pkgname:glob` aims at one package. Never removes package.json, licence
   * files, anything reachable from main/exports/imports/bin, or code (.js/.cjs/.mjs/.json/.node/
   * .so/.wasm), except a binary that cannot load on the target.
   * @default []
   */
  remove?: string[];
  /**
   * Globs of files to ship even when a strip rule matches them; keep always wins.
   * @default []
   */
  keep?: string[];
}

/** Where slimfn keeps work it can reuse from build to build (issue 11). */
export interface CacheOptions {
  /**
   * The cache folder, relative to the project root. CI can restore it between jobs: entries are
   * content-addressed and checksummed, so a cache made in another folder or on another machine
   * gives the same bytes.
   * @default "node_modules/.cache/slimfn" in the nearest folder above the root with a node_modules
   */
  dir?: string;
}

/** A Lambda layer the functions run with (issue 13): what it provides is not shipped again. */
export interface LayerOptions {
  /**
   * The layer's zip, relative to the project root, laid out as Lambda expects
   * (`nodejs/node_modules/...`, or `nodejs/node22/node_modules/...`). Give `zip` or `dir`.
   * @default undefined
   */
  zip?: string;
  /**
   * A folder laid out like the layer's zip (it holds `nodejs/node_modules`), instead of `zip`.
   * @default undefined
   */
  dir?: string;
  /**
   * Package names (globs, as in `lazy`) this layer provides to the functions. Verification
   * resolves only these from it; a name it does not hold warns.
   * @default undefined (every package in the layer)
   */
  provides?: string[];
}

export interface Options {
  /**
   * The Lambda runtime the function runs on. Picks esbuild's `target` and the Node major that
   * verification compares against.
   * @default "nodejs22.x"
   */
  runtime?: Runtime;
  /**
   * Where to write each function's zip, relative to the project root. `[name]` stands for the
   * function's name and is required when a build has several entry points. `true` means
   * `<outdir>/[name].zip`; `false` writes no zip (the size model still describes the files).
   * @default true
   */
  zip?: string | boolean;
  /**
   * Size report outputs.
   * @default {}
   */
  report?: ReportOptions;
  /**
   * Packages to ship unbundled in the zip's `node_modules` with their production dependency
   * closure (esbuild `external` patterns: a name covers its subpaths, one `*` wildcard).
   * Packages with native code in their closure are shipped this way automatically. The
   * bundler's own `external` keeps meaning "provided by the runtime": not shipped. A name that
   * no import matches warns (`EXTERNAL_UNMATCHED`).
   * @default []
   */
  external?: string[];
  /**
   * Globs (picomatch syntax, relative to the project root) of files the function reads at run
   * time, added to the zip at the same relative paths. A folder includes every file under it;
   * dotfiles match; the project's node_modules is left out unless the glob names it. A glob
   * that matches nothing warns. An object gives functions their own files: keys are function
   * names (`*` matches any characters: `"api-*"`, `"*"` for every function), values globs as
   * above; a function gets the files of every key it matches, and a key that matches no
   * function fails the build.
   * @default []
   */
  include?: string[] | Record<string, string[]>;
  /**
   * Zip paths of files that look like secrets (by name: `.env`, `.npmrc`, SSH keys, `*.p12`,
   * `.git/`, ...; by content: PEM private keys, AWS keys, npm and GitHub tokens) but are meant
   * to ship: `"certs/client.key"`, `"node_modules/pkg/.npmrc"`. Exact paths, not globs: each one
   * is a decision about one file. Without it such a file fails the build (`SECRET_IN_ZIP`) when
   * `include` takes it, and is left out of a shipped package (listed as refused). A path that
   * allows nothing warns (`SECRET_ALLOW_UNUSED`). See the README's "What never ships".
   * @default []
   */
  allowSecrets?: string[];
  /**
   * Extract the zip into an empty folder, import the handler in fresh `node` processes and fail
   * the build when the import throws; report init time and memory. `false` turns it off.
   * @default true
   */
  verify?: boolean | VerifyOptions;
  /**
   * Leave docs, tests, declarations, source maps and build leftovers out of shipped packages
   * (the README lists every default rule). `false` ships packages whole; an object adds the
   * user's own `remove` and `keep` globs to the defaults.
   * @default true
   */
  strip?: boolean | StripOptions;
  /**
   * The function's CPU. Optional packages for other platforms, `prebuilds/` folders for other
   * targets are left out; a binary that cannot load on Linux/glibc/`arch` fails the build.
   * @default "x86_64"
   */
  arch?: Arch;
  /**
   * Modules loaded on first use instead of at init: package names and globs over the package
   * name of an import specifier (`["@aws-sdk/*", "zod"]`), or `{ modules, mode }` with `mode`
   * `"auto"`, `"sync"` or `"async"`. `/* @lazy *\/` and `/* @eager *\/` annotations and
   * `import defer` work without it. See the README's "Lazy imports" section.
   * @default []
   */
  lazy?: string[] | LazyOptions;
  /**
   * Reuse work from earlier builds: what each shipped file of node_modules became (strip and
   * binary decisions, its deflated bytes), the deflated bytes of the bundle and included files,
   * the native-code scan of the dependency tree, top-level-await checks of output chunks, and
   * passing verifications of unchanged zips ("verified (cached)"). The zips are the same bytes
   * with or without it; a corrupt entry is detected and rebuilt. `false` turns it off.
   * @default true
   */
  cache?: boolean | CacheOptions;
  /**
   * Lambda layers the functions run with, in the order Lambda applies them (a later layer wins).
   * Packages the bundler leaves to the runtime (its own `external`) are resolved from them
   * during verification, as Lambda's `NODE_PATH` resolves them from `/opt/nodejs`.
   * @default []
   */
  layers?: LayerOptions[];
  /**
   * Write the shipped packages that two or more functions of the build ship identically into
   * one Lambda layer zip (`nodejs/node_modules/...`) and leave them out of those functions'
   * zips. A path (relative to the project root) names the layer zip; `true` writes
   * `<outdir>/layer.zip`. Deploy it as a layer of every function it lists (size model `layer`).
   * @default false
   */
  layer?: boolean | string;
}

export interface IncludeGroup {
  readonly functions: string;
  readonly globs: readonly string[];
}

export interface ResolvedOptions {
  readonly runtime: RuntimeInfo;
  /** Absolute zip path template with `[name]`, or `false`. `[outdir]` is filled in by the core. */
  readonly zip: string | false;
  readonly report: { readonly json: string | undefined; readonly budgets: readonly Budget[] };
  /** Absolute project root that relative paths were resolved against. */
  readonly root: string;
  readonly external: readonly string[];
  /** Include globs by the functions they are for (`functions` is a name glob; `*` for the array form). */
  readonly include: readonly IncludeGroup[];
  readonly allowSecrets: readonly string[];
  readonly verify: ResolvedVerify | false;
  /** Strip rules on (with the user's globs, `pkgname:` prefixes split off) or `false`. */
  readonly strip: { readonly remove: readonly UserGlob[]; readonly keep: readonly UserGlob[] } | false;
  readonly arch: Arch;
  readonly lazy: ResolvedLazyOptions;
  /** Absolute cache folder, or `false`. */
  readonly cache: { readonly dir: string } | false;
  readonly layers: readonly ResolvedLayer[];
  /** Absolute path of the layer zip to write (`[outdir]` filled in by the core), or `false`. */
  readonly layer: string | false;
}

export interface ResolvedLayer {
  readonly kind: "zip" | "dir";
  /** Absolute path of the zip or folder. */
  readonly path: string;
  /** The path as the user wrote it, for messages. */
  readonly shown: string;
  readonly provides: readonly string[] | undefined;
}

export interface ResolvedVerify {
  readonly runs: number;
  /** Whether the user set `runs` (otherwise large builds time one run per function). */
  readonly runsSet: boolean;
  /** Absolute path of a JSON event file, the event itself, or undefined. */
  readonly event: string | Readonly<Record<string, unknown>> | undefined;
  /** Absolute folder, or absolute files and events; undefined without events. */
  readonly events: string | readonly (string | Readonly<Record<string, unknown>>)[] | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly watch: boolean;
  readonly failOnError: boolean;
}

export const DEFAULTS = Object.freeze({
  runtime: "nodejs22.x",
  zip: true,
  report: Object.freeze({}) as ReportOptions,
  external: Object.freeze([]) as unknown as string[],
  include: Object.freeze([]) as unknown as string[],
  allowSecrets: Object.freeze([]) as unknown as string[],
  verify: true,
  strip: true,
  arch: "x86_64",
  lazy: Object.freeze([]) as unknown as string[],
  cache: true,
  layers: Object.freeze([]) as unknown as LayerOptions[],
  layer: false,
} satisfies Options);

export const VERIFY_DEFAULTS = Object.freeze({ runs: 5, env: Object.freeze({}), watch: false, failOnError: true });

/** One line of documentation per option key, used by the README table test and `--help`. */
export const OPTION_DOCS = Object.freeze({
  runtime: 'Lambda runtime: "nodejs20.x", "nodejs22.x" or "nodejs24.x". Sets target and checks.',
  zip: "Zip path template with [name]; true = <outdir>/[name].zip; false = no zip.",
  report: '{ json?: path, budgets?: { zip: "5MB", init: "1.5x", "pkg:aws-sdk": "0B" } }: size model file; budgets fail the build.',
  external: "Packages shipped unbundled in node_modules with their dependency closure (native ones automatically).",
  include: 'Globs (relative to the root) of files the function reads at run time, zipped at the same paths; or { "api-*": [globs] } per function.',
  allowSecrets: "Exact zip paths of files that look like secrets but are meant to ship (see What never ships).",
  verify: "false, or { runs, event, events, failOnError, env, watch }: import the handler from the extracted zip; report init and memory.",
  strip: "false, or { remove?: globs, keep?: globs } (per package root, `pkg:` prefix): strip docs/tests/maps from shipped packages.",
  arch: '"x86_64" or "arm64": binaries for other platforms are left out or fail the build.',
  lazy: 'Globs over package names loaded on first use, or { modules, mode: "auto" | "sync" | "async" }.',
  cache: "false, or { dir }: reuse shipped-file decisions, deflated bytes, native scans and passing verifications between builds (node_modules/.cache/slimfn).",
  layers: "[{ zip | dir, provides? }]: Lambda layers the functions run with; verification resolves runtime externals from them.",
  layer: "true or a zip path: shipped packages shared by several functions go into one layer zip instead.",
} satisfies Record<keyof Options, string>);

const reportChecks: Record<keyof ReportOptions, Check> = {
  json: checks.string,
  // Each budget is parsed here so a typo (`"5 MBs"`, `"zipped"`) fails before the build runs.
  budgets: ((v, key, out) => {
    if (!isPlainObject(v)) return 'an object of budgets, such as { zip: "5MB" }';
    for (const [name, value] of Object.entries(v)) {
      if (typeof value !== "string") {
        out.push(error("OPTION_INVALID", `slimfn option "${key}.${name}" must be a string such as "5MB", "150ms" or "1.5x", got ${describe(value)}.`));
        continue;
      }
      try {
        // Growth budgets compare with a base build, which only `slimfn report --base` has.
        if (parseBudget(name, value).growth) {
          out.push(error("OPTION_INVALID", `slimfn option "${key}.${name}": "${value}" allows growth against a base build, which a build does not have: check it with slimfn report --base <base size model> --budget ${name}=${value}, or write an absolute budget here (such as "5MB" or "150ms").`));
        }
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        out.push(error("OPTION_INVALID", `slimfn option "${key}.${name}": ${e.message}`));
      }
    }
    return undefined;
  }) as Check,
};

const verifyChecks: Record<keyof VerifyOptions, Check> = {
  runs: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1000 ? undefined : "an integer from 1 to 1000"),
  event: checks.either(checks.string, (v) => (isPlainObject(v) ? undefined : "an object")),
  events: (v) =>
    typeof v === "string" || (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "string" || isPlainObject(e)))
      ? undefined
      : "a folder of JSON files, or a non-empty list of JSON files or event objects",
  env: (v) =>
    isPlainObject(v) && Object.values(v).every((x) => typeof x === "string")
      ? undefined
      : "an object of string values",
  watch: checks.boolean,
  failOnError: checks.boolean,
};

/** A list of strip globs, each checked so a glob that can never match fails up front. */
const stripGlobs: Check = (v, key, out) => {
  const bad = checks.stringArray(v, key, out);
  if (bad) return bad;
  for (const glob of v as string[]) {
    const problem = userGlobProblem(glob);
    if (problem) out.push(error("OPTION_INVALID", `slimfn option "${key}" holds ${JSON.stringify(glob)}, ${problem}.`));
  }
  return undefined;
};

const stripChecks: Record<keyof StripOptions, Check> = { remove: stripGlobs, keep: stripGlobs };

const layerChecks: Record<keyof LayerOptions, Check> = {
  zip: checks.string,
  dir: checks.string,
  provides: (v, key, out) => {
    const bad = checks.stringArray(v, key, out);
    if (bad) return bad;
    for (const name of v as string[]) {
      const problem = globProblem(name);
      if (problem) out.push(error("OPTION_INVALID", `slimfn option "${key}" holds ${JSON.stringify(name)}, which is not a package name or glob: ${problem}.`));
    }
    return undefined;
  },
};

/** An array of non-empty strings, each of which `problemOf` accepts (else one error per string). */
const eachString =
  (problemOf: (s: string) => string | undefined): Check =>
  (v, key, out) => {
    const bad = checks.stringArray(v, key, out);
    if (bad) return bad;
    for (const s of v as string[]) {
      const problem = problemOf(s);
      if (problem) out.push(error("OPTION_INVALID", `slimfn option "${key}" must hold ${problem}, got ${JSON.stringify(s)}.`));
    }
    return undefined;
  };

const optionChecks: Record<keyof Options, Check> = {
  runtime: checks.oneOf(Object.keys(RUNTIMES)),
  zip: checks.either(checks.string, checks.boolean),
  report: checks.object(reportChecks),
  external: checks.stringArray,
  include: ((v, key, out) => {
    const globsOf = (list: unknown, at: string) => eachString(includeGlobProblem)(list, at, out);
    if (!isPlainObject(v)) return globsOf(v, key) && 'an array of globs, or an object of them by function name ({ "api-*": ["assets/**"] })';
    for (const [name, list] of Object.entries(v)) {
      if (!/^[\w.*?@-]+$/.test(name)) {
        out.push(error("OPTION_INVALID", `slimfn option "${key}" has the key ${JSON.stringify(name)}, which is not a function name: use a name such as "api-get", with * for any characters ("api-*", "*").`));
        continue;
      }
      const bad = globsOf(list, `${key}.${name}`);
      if (bad) out.push(error("OPTION_INVALID", `slimfn option "${key}.${name}" must be ${bad}, got ${describe(list)}.`));
    }
    return undefined;
  }) as Check,
  allowSecrets: eachString(allowSecretProblem),
  verify: checks.either(checks.boolean, checks.object(verifyChecks)),
  // Not `checks.either`: it drops the nested diagnostics that name the bad glob.
  strip: (v, key, out) => (typeof v === "boolean" ? undefined : checks.object(stripChecks)(v, key, out) && "true or false or an object"),
  arch: checks.oneOf(ARCHES),
  lazy: checkLazy,
  cache: checks.either(checks.boolean, checks.object({ dir: checks.string })),
  layer: checks.either(checks.string, checks.boolean),
  layers: (v, key, out) => {
    if (!Array.isArray(v)) return 'an array of layers such as [{ zip: "layers/shared.zip" }]';
    v.forEach((layer: unknown, i) => {
      const at = `${key}[${i}]`;
      if (!checkObject(layer, layerChecks, at, out)) return;
      const l = layer as LayerOptions;
      if ((l.zip === undefined) === (l.dir === undefined)) {
        out.push(error("OPTION_INVALID", `slimfn option "${at}" must have either zip or dir (the layer's zip file, or a folder laid out like it), got ${l.zip === undefined ? "neither" : "both"}.`));
      }
    });
    return undefined;
  },
};

function resolveVerify(verify: boolean | VerifyOptions, abs: (p: string) => string): ResolvedVerify | false {
  if (verify === false) return false;
  const set = verify === true ? {} : verify;
  return Object.freeze({
    runs: set.runs ?? VERIFY_DEFAULTS.runs,
    runsSet: set.runs !== undefined,
    event: typeof set.event === "string" ? abs(set.event) : set.event === undefined ? undefined : Object.freeze({ ...set.event }),
    events:
      set.events === undefined ? undefined : typeof set.events === "string" ? abs(set.events) : Object.freeze(set.events.map((e) => (typeof e === "string" ? abs(e) : Object.freeze({ ...e })))),
    env: Object.freeze({ ...(set.env ?? VERIFY_DEFAULTS.env) }),
    watch: set.watch ?? VERIFY_DEFAULTS.watch,
    failOnError: set.failOnError ?? VERIFY_DEFAULTS.failOnError,
  });
}

/**
 * `node_modules/.cache/slimfn` in the nearest folder at or above `root` that has a
 * node_modules (where npm's own tools keep their caches), else under `root`.
 */
export function defaultCacheDir(root: string): string {
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules"))) return path.join(dir, "node_modules", ".cache", "slimfn");
    if (path.dirname(dir) === dir) return path.join(root, "node_modules", ".cache", "slimfn");
  }
}

/** Validate without resolving paths: the plugin factory calls this so typos fail early. */
export function validateOptions(raw: unknown): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (raw !== undefined) checkObject(raw, optionChecks, "", diagnostics);
  return diagnostics;
}

/**
 * Validate and resolve user options against a project root. Throws a `SlimfnError` holding every
 * problem found (not only the first), so one build shows them all.
 */
export function resolveOptions(raw: Options | undefined, root: string): ResolvedOptions {
  const diagnostics = validateOptions(raw);
  if (diagnostics.length) throw new SlimfnError(diagnostics);
  // `{ zip: undefined }` means "not set": it must not override a default.
  const set = Object.fromEntries(Object.entries(raw ?? {}).filter(([, v]) => v !== undefined));
  const options: Required<Options> = { ...DEFAULTS, ...set };
  const abs = (p: string) => path.resolve(root, p);
  const runtime = RUNTIMES[options.runtime];
  const zip = options.zip === true ? "[outdir]/[name].zip" : options.zip === false ? false : abs(options.zip);
  return Object.freeze({
    runtime,
    zip,
    report: Object.freeze({
      json: options.report.json === undefined ? undefined : abs(options.report.json),
      budgets: Object.freeze(Object.entries(options.report.budgets ?? {}).map(([key, value]) => Object.freeze(parseBudget(key, value)))),
    }),
    root,
    external: Object.freeze([...options.external]),
    include: Object.freeze(
      (Array.isArray(options.include) ? [["*", options.include] as const] : Object.entries(options.include)).map(([functions, globs]) =>
        Object.freeze({ functions, globs: Object.freeze([...globs]) }),
      ),
    ),
    allowSecrets: Object.freeze([...options.allowSecrets]),
    verify: resolveVerify(options.verify, abs),
    strip:
      options.strip === false
        ? false
        : Object.freeze({
            remove: Object.freeze((options.strip === true ? [] : (options.strip.remove ?? [])).map(parseUserGlob)),
            keep: Object.freeze((options.strip === true ? [] : (options.strip.keep ?? [])).map(parseUserGlob)),
          }),
    arch: options.arch,
    lazy: resolveLazy(options.lazy),
    cache: options.cache === false ? false : Object.freeze({ dir: options.cache === true || options.cache.dir === undefined ? defaultCacheDir(root) : abs(options.cache.dir) }),
    layers: Object.freeze(
      options.layers.map((l): ResolvedLayer => {
        const shown = (l.zip ?? l.dir)!;
        return Object.freeze({ kind: l.zip !== undefined ? "zip" : "dir", path: abs(shown), shown, provides: l.provides ? Object.freeze([...l.provides]) : undefined });
      }),
    ),
    layer: options.layer === true ? "[outdir]/layer.zip" : options.layer === false ? false : abs(options.layer),
  });
}
