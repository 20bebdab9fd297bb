/**
 * Files that look like secrets never ship by default (issue 14): by name (`.env`, `.npmrc`,
 * SSH keys, `.git/`, `.aws/`, ...) and, for small text files, by content (PEM private key
 * blocks, AWS access key ids and secret keys, npm and GitHub tokens). Public certificates and
 * public keys are not secrets. The user allows one file on purpose by its zip path
 * (`allowSecrets`). What happens to a match depends on who put the file there:
 *  - `include`: the user's glob chose it, often by accident (`**` over `.npmrc`): the build
 *    fails with `SECRET_IN_ZIP` so the user decides;
 *  - a shipped package: the file is left out and listed as refused (summary, size model): a
 *    package's `.npmrc` or test key is a publishing leftover nothing loads at run time, and
 *    failing on every package that ships a fixture key would make slimfn unusable. Only its
 *    non-code files are judged by content: registry code is public (a key in it is nobody's
 *    secret), and leaving code out would break the package. A linked package (a workspace or
 *    `file:` source folder, the user's own code) is judged by content in its code too, and a
 *    match there fails the build, as code cannot be left out.
 */
import { error, type Diagnostic, type Location } from "../diagnostics.js";
import { isCode } from "./strip-rules.js";

/** What a file matched: the rule, in words, and where for a content match. */
export interface SecretMatch {
  /** `".npmrc: npm credentials"`, `"a PEM private key block"`. */
  pattern: string;
  /** 1-based line of a content match. */
  line?: number;
  column?: number;
  /** For a file under a secrets folder (`.git/`): the folder, relative like the file. */
  folder?: string;
}

/** Only text files up to this size are read for content: keys and token files are small. */
export const CONTENT_SCAN_MAX_BYTES = 256 * 1024;

const FOLDERS: Record<string, string> = {
  ".git": "a git repository's folder",
  ".aws": "AWS credentials folder",
  ".ssh": "SSH keys folder",
  ".gnupg": "GnuPG keys folder",
  ".docker": "Docker credentials folder",
  ".kube": "Kubernetes credentials folder",
  ".azure": "Azure credentials folder",
};

const NAMES: Record<string, string> = {
  ".env": "environment file",
  ".npmrc": "npm credentials",
  ".yarnrc": "yarn credentials",
  ".yarnrc.yml": "yarn credentials",
  ".netrc": "machine credentials",
  _netrc: "machine credentials",
  ".git-credentials": "git credentials",
  ".pgpass": "PostgreSQL passwords",
  ".pypirc": "PyPI credentials",
  ".htpasswd": "web server passwords",
  id_rsa: "an SSH private key",
  id_dsa: "an SSH private key",
  id_ecdsa: "an SSH private key",
  id_ed25519: "an SSH private key",
  id_ecdsa_sk: "an SSH private key",
  id_ed25519_sk: "an SSH private key",
};

const EXTENSIONS: Record<string, string> = {
  ".p12": "a PKCS#12 key store",
  ".pfx": "a PKCS#12 key store",
  ".jks": "a Java key store",
  ".keystore": "a key store",
  ".ppk": "a PuTTY private key",
};

/** The name rule `rel` (a `/`-separated path) matches, or undefined. */
export function secretByName(rel: string): SecretMatch | undefined {
  const parts = rel.split("/");
  for (let i = 0; i < parts.length - 1; i++) {
    const what = FOLDERS[parts[i]!];
    if (what) return { pattern: `${parts[i]}/: ${what}`, folder: parts.slice(0, i + 1).join("/") };
  }
  const base = parts[parts.length - 1]!;
  const named = NAMES[base];
  if (named) return { pattern: `${base}: ${named}` };
  if (base.startsWith(".env.")) return { pattern: ".env.*: environment file" };
  const dot = base.lastIndexOf(".");
  const ext = dot > 0 ? base.slice(dot).toLowerCase() : "";
  if (EXTENSIONS[ext]) return { pattern: `*${ext}: ${EXTENSIONS[ext]}` };
  return undefined;
}

/**
 * The content rules, one regular expression each. AWS's documented example ids (they end in
 * EXAMPLE) are not secrets; nor are `BEGIN CERTIFICATE` or `BEGIN PUBLIC KEY` blocks.
 */
const CONTENT: { pattern: string; re: RegExp }[] = [
  { pattern: "a PEM private key block", re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { pattern: "an AWS access key id", re: /\b(?:AKIA|ASIA)(?![A-Z0-9]{9}EXAMPLE\b)[A-Z2-7]{16}\b/ },
  { pattern: "an AWS secret access key", re: /aws_secret_access_key["']?\s*[=:]\s*["']?(?![A-Za-z0-9/+]*EXAMPLEKEY)[A-Za-z0-9/+]{40}\b/i },
  { pattern: "an npm access token", re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { pattern: "a GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{36}\b/ },
  { pattern: "a GitHub token", re: /\bgithub_pat_[A-Za-z0-9_]{82}\b/ },
];

/** Any content rule, as one cheap pass over the text before the rules are told apart. */
const ANY = new RegExp(CONTENT.map((c) => `(?:${c.re.source})`).join("|"), "i");
// `i` only matters for the secret key rule; the others are tested case-sensitively below.

/** True when `data` is small and looks like text (no NUL byte in its first 8,000 bytes, as git decides). */
export function isScannable(data: Uint8Array): boolean {
  if (data.byteLength > CONTENT_SCAN_MAX_BYTES) return false;
  const head = data.byteLength > 8000 ? data.subarray(0, 8000) : data;
  return head.indexOf(0) < 0;
}

/** The content rule a small text file matches, with its line and column, or undefined. */
export function secretByContent(data: Uint8Array): SecretMatch | undefined {
  if (!isScannable(data)) return undefined;
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  if (!ANY.test(text)) return undefined;
  let best: { pattern: string; index: number } | undefined;
  for (const c of CONTENT) {
    const m = c.re.exec(text);
    if (m && (!best || m.index < best.index)) best = { pattern: c.pattern, index: m.index };
  }
  if (!best) return undefined;
  const before = text.slice(0, best.index);
  const line = before.split("\n").length;
  return { pattern: best.pattern, line, column: best.index - (before.lastIndexOf("\n") + 1) };
}

/** Why an `allowSecrets` entry can never name a zip path, or undefined. */
export function allowSecretProblem(p: string): string | undefined {
  if (p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p)) return "zip paths (relative, as in the zip: certs/client.key), not absolute paths";
  if (/[*?]/.test(p)) return "exact zip paths, not globs (each entry allows one file)";
  if (p.includes("\\") || p.split("/").some((s) => s === "" || s === "." || s === "..")) return 'zip paths with "/" separators and no ".", ".." or empty parts';
  return undefined;
}

const where = (m: SecretMatch) => (m.line === undefined ? "" : ` (line ${m.line})`);

/** `SECRET_IN_ZIP` for a file an `include` glob took. */
export function includedSecret(glob: string, rel: string, match: SecretMatch, files = 1): Diagnostic {
  const what = match.folder
    ? `the folder ${match.folder}/ (${files} file${files === 1 ? "" : "s"}), ${match.pattern}`
    : `${rel}, which looks like a secret: ${match.pattern}${where(match)}`;
  const allow = match.folder ? `${match.folder}/...` : rel;
  const loc: Location | undefined = match.line === undefined ? undefined : { file: rel, line: match.line, column: match.column ?? 0 };
  return error(
    "SECRET_IN_ZIP",
    `The include glob ${JSON.stringify(glob)} takes ${what}. slimfn never ships secrets by default: narrow the glob so it leaves ${match.folder ? "the folder" : "the file"} out, or, when the function needs ${match.folder ? "a file of it" : "it"}, list its zip path in allowSecrets (${JSON.stringify(allow)}).`,
    loc ? { loc } : {},
  );
}

/** `SECRET_IN_ZIP` for code of a linked package (the user's own source) that holds a secret. */
export function linkedCodeSecret(pkgName: string, realDir: string, rel: string, zipPath: string, match: SecretMatch): Diagnostic {
  return error(
    "SECRET_IN_ZIP",
    `The linked package "${pkgName}" (${realDir}) ships ${rel}, code that holds ${match.pattern}${where(match)}. slimfn never ships secrets by default, and code cannot be left out: read the secret at run time (the function's environment, a secrets manager), or, when it is meant to ship, list ${JSON.stringify(zipPath)} in allowSecrets.`,
    { loc: { file: zipPath, line: match.line ?? 1, column: match.column ?? 0 } },
  );
}

/**
 * The verdict on one file of a shipped package: ship it, refuse it (left out, listed), or fail.
 * `data` is read lazily: a name match or an installed package's code needs no read.
 */
export function judgePackageFile(
  pkg: { name: string; realDir: string; linked: boolean },
  rel: string,
  size: number,
  zipPath: string,
  data: () => Uint8Array,
): { refuse?: SecretMatch; fail?: Diagnostic } {
  const byName = secretByName(rel);
  if (byName) return { refuse: byName };
  const code = isCode(rel);
  if ((code && !pkg.linked) || size > CONTENT_SCAN_MAX_BYTES) return {};
  const byContent = secretByContent(data());
  if (!byContent) return {};
  return code ? { fail: linkedCodeSecret(pkg.name, pkg.realDir, rel, zipPath, byContent) } : { refuse: byContent };
}
