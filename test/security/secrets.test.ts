/**
 * Files that look like secrets never ship by default. Through include they fail the build with
 * SECRET_IN_ZIP (the user's glob took them, often by accident); in a shipped package they are
 * left out and listed as refused; allowSecrets ships one exact path on purpose. Public
 * certificates and keys ship. Real esbuild builds; zips listed with Info-ZIP.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FunctionModel } from "../../src/report/model.js";
import { formatSummary } from "../../src/summary.js";
import { buildFixture } from "../helpers/build.js";
import { handlerModule, invokeHandler } from "../helpers/invoke.js";
import { seen } from "../helpers/messages.js";
import { REPO } from "../helpers/paths.js";
import { extractZip, unzipList } from "../helpers/zip.js";
import { artifacts, link, project } from "./project.js";

// Built at run time, so this file holds no literal token a scanner would flag.
const AWS_KEY_ID = ["AKIA", "Q3EGRXYZ4ABCDEFG"].join("");
const GITHUB_TOKEN = ["ghp", "_", "a".repeat(20), "B".repeat(16)].join("");
const NPM_TOKEN = ["npm", "_", "x9".repeat(18)].join("");
const PRIVATE_KEY = crypto.generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const PUBLIC_KEY = crypto.generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
const NPMRC = `//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n`;
const CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUgZm9yIHRlc3Rz\n-----END CERTIFICATE-----\n";

const build = (root: string, slimfn: Record<string, unknown>) =>
  buildFixture("esbuild", { root, entries: ["src/handler.mjs"], slimfn: { runtime: "nodejs20.x", verify: false, report: { json: "dist/size.json" }, ...slimfn } });

const ASK = "slimfn never ships secrets by default: narrow the glob so it leaves the file out, or, when the function needs it, list its zip path in allowSecrets";

/** A project holding what a developer's folder holds: credentials beside the files the function reads. */
function developerFolder(): string {
  return project({
    ".npmrc": NPMRC,
    ".env": "DB_PASSWORD=hunter2\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/config": "[core]\n",
    "keys/id_ed25519": PRIVATE_KEY,
    "keys/server.key": PRIVATE_KEY,
    "keys/signing.p12": Buffer.from([0x30, 0x82, 0x01, 0x00]),
    "config/deploy.txt": `region = eu-west-1\naccess key = ${AWS_KEY_ID}\n`,
    "notes/ci.md": `# CI\n\nuse token ${GITHUB_TOKEN} for the release job\n`,
    "certs/ca.pem": CERTIFICATE,
    "certs/signer.pub.pem": PUBLIC_KEY,
    "templates/hi.txt": "hi\n",
  });
}

describe("secrets through include", () => {
  it('include ["**"] over a developer folder fails with one SECRET_IN_ZIP per secret, naming the file and the rule; no zip', async () => {
    const root = developerFolder();
    const built = await build(root, { include: ["**"] });
    const g = 'The include glob "**" takes';
    expect(seen(built.failure!.errors)).toEqual([
      { code: "SECRET_IN_ZIP", plugin: "slimfn", location: null, message: `${g} .env, which looks like a secret: .env: environment file. ${ASK} (".env").` },
      { code: "SECRET_IN_ZIP", plugin: "slimfn", location: null, message: `${g} .npmrc, which looks like a secret: .npmrc: npm credentials. ${ASK} (".npmrc").` },
      { code: "SECRET_IN_ZIP", plugin: "slimfn", location: { file: "config/deploy.txt", line: 2, column: 13 }, message: `${g} config/deploy.txt, which looks like a secret: an AWS access key id (line 2). ${ASK} ("config/deploy.txt").` },
      { code: "SECRET_IN_ZIP", plugin: "slimfn", location: null, message: `${g} keys/id_ed25519, which looks like a secret: id_ed25519: an SSH private key. ${ASK} ("keys/id_ed25519").` },
      { code: "SECRET_IN_ZIP", plugin: "slimfn", location: { file: "keys/server.key", line: 1, column: 0 }, message: `${g} keys/server.key, which looks like a secret: a PEM private key block (line 1). ${ASK} ("keys/server.key").` },
      { code: "SECRET_IN_ZIP", plugin: "slimfn", location: null, message: `${g} keys/signing.p12, which looks like a secret: *.p12: a PKCS#12 key store. ${ASK} ("keys/signing.p12").` },
      { code: "SECRET_IN_ZIP", plugin: "slimfn", location: { file: "notes/ci.md", line: 3, column: 10 }, message: `${g} notes/ci.md, which looks like a secret: a GitHub token (line 3). ${ASK} ("notes/ci.md").` },
      {
        code: "SECRET_IN_ZIP", plugin: "slimfn", location: null,
        message: `${g} the folder .git/ (2 files), .git/: a git repository's folder. slimfn never ships secrets by default: narrow the glob so it leaves the folder out, or, when the function needs a file of it, list its zip path in allowSecrets (".git/...").`,
      },
    ]);
    expect(artifacts(root)).toEqual([]);
  });

  it("allowSecrets ships the exact paths it names; certificates and public keys ship without asking; an unused entry warns", async () => {
    const root = developerFolder();
    const built = await build(root, { include: ["keys/server.key", "certs", "templates"], allowSecrets: ["keys/server.key", "keys/id_rsa"] });
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    expect(seen(built.result!.warnings)).toEqual([
      {
        code: "SECRET_ALLOW_UNUSED", plugin: "slimfn", location: null,
        message: 'allowSecrets lists "keys/id_rsa", but no function of this build ships a file at that zip path. Fix the path (as in the zip: certs/client.key, node_modules/pkg/.npmrc) or remove it.',
      },
    ]);
    expect(unzipList(path.join(root, "dist/handler.zip")).filter((p) => !p.startsWith("node_modules/"))).toEqual([
      "certs/ca.pem",
      "certs/signer.pub.pem",
      "handler.mjs",
      "keys/server.key",
      "templates/hi.txt",
    ]);
  });

  it("allowSecrets takes exact zip paths only: a glob or a path leaving the zip fails with OPTION_INVALID", async () => {
    const root = project();
    const built = await build(root, { allowSecrets: ["keys/*.pem", "../.npmrc"] });
    expect(seen(built.failure!.errors)).toEqual([
      { code: "OPTION_INVALID", plugin: "slimfn", location: null, message: 'slimfn option "allowSecrets" must hold exact zip paths, not globs (each entry allows one file), got "keys/*.pem".' },
      { code: "OPTION_INVALID", plugin: "slimfn", location: null, message: 'slimfn option "allowSecrets" must hold zip paths with "/" separators and no ".", ".." or empty parts, got "../.npmrc".' },
    ]);
  });
});

describe("secrets through the CLI", () => {
  it("slimfn build --include '**' refuses the .npmrc; --allow-secret .npmrc ships it", () => {
    const root = project({ ".npmrc": NPMRC, "src/handler.mjs": "export const handler = async () => 1;\n" });
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO, "dist/src/cli.js"), "build", "src/handler.mjs", "--runtime", "nodejs20.x", "--no-verify", "--include", "**", ...args], { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH, NO_COLOR: "1" } });
    const refused = cli();
    expect(refused.stderr).toContain(`✘ [ERROR] SECRET_IN_ZIP: The include glob "**" takes .npmrc, which looks like a secret: .npmrc: npm credentials. ${ASK} (".npmrc").`);
    expect(refused.status).toBe(1);
    expect(artifacts(root)).toEqual([]);
    const allowed = cli("--allow-secret", ".npmrc");
    expect(allowed.status).toBe(0);
    expect(unzipList(path.join(root, "dist/handler.zip"))).toContain(".npmrc");
  });
});

describe("secrets in shipped packages", () => {
  it("an installed package's secrets files are left out and listed as refused (summary and size model); its code and certificates ship", async () => {
    const root = project({
      "node_modules/evilpkg/.npmrc": NPMRC,
      "node_modules/evilpkg/fixtures/key.pem": PRIVATE_KEY,
      "node_modules/evilpkg/fixtures/ca.pem": CERTIFICATE,
      "node_modules/evilpkg/lib/aws.txt": `${AWS_KEY_ID}\n`,
      // Registry code is public and cannot be left out without breaking the package: it ships.
      "node_modules/evilpkg/index.js": `exports.hello = () => "hello";\nexports.sample = "${AWS_KEY_ID}";\n`,
    });
    const built = await build(root, { external: ["evilpkg"], verify: { runs: 1 } });
    expect(built.failure?.errors.map((e) => e.text)).toBeUndefined();
    const fn = built.model!.functions[0] as FunctionModel;
    expect(fn.refused).toEqual([
      { path: "node_modules/evilpkg/.npmrc", pattern: ".npmrc: npm credentials", bytes: NPMRC.length },
      { path: "node_modules/evilpkg/fixtures/key.pem", pattern: "a PEM private key block", bytes: PRIVATE_KEY.length },
      { path: "node_modules/evilpkg/lib/aws.txt", pattern: "an AWS access key id", bytes: AWS_KEY_ID.length + 1 },
    ]);
    expect(fn.shipped![0]!.stripped).toEqual({ files: 0, bytes: 0 });
    const zip = path.join(root, "dist/handler.zip");
    expect(unzipList(zip).filter((p) => p.startsWith("node_modules/")).sort()).toEqual([
      "node_modules/evilpkg/fixtures/ca.pem",
      "node_modules/evilpkg/index.js",
      "node_modules/evilpkg/package.json",
    ]);
    const text = formatSummary([{ model: fn, zipPath: zip }], root, { color: false }).split("\n");
    expect(text.filter((l) => l.startsWith("    refused "))).toEqual([
      "    refused   3 files that look like secrets (never shipped; allowSecrets ships one on purpose): node_modules/evilpkg/.npmrc (.npmrc: npm credentials) · node_modules/evilpkg/fixtures/key.pem (a PEM private key block) · node_modules/evilpkg/lib/aws.txt (an AWS access key id)",
    ]);
    const { file, exportName } = handlerModule(extractZip(zip), fn.handler);
    expect(invokeHandler(file, exportName, [{}])).toEqual([{ ok: "hello" }]);

    const allowed = await build(root, { external: ["evilpkg"], allowSecrets: ["node_modules/evilpkg/fixtures/key.pem"] });
    expect(allowed.result?.warnings).toEqual([]);
    expect(unzipList(zip)).toContain("node_modules/evilpkg/fixtures/key.pem");
    expect((allowed.model!.functions[0] as FunctionModel).refused!.map((r) => r.path)).toEqual(["node_modules/evilpkg/.npmrc", "node_modules/evilpkg/lib/aws.txt"]);
  });

  it("a linked package's code holding a secret fails the build with SECRET_IN_ZIP at the line (code cannot be left out)", async () => {
    const root = project({
      "libs/config/package.json": '{"name":"@qa/config","version":"1.0.0","main":"index.js"}\n',
      "libs/config/index.js": `// deploy settings\nexports.key = "${AWS_KEY_ID}";\n`,
      "src/handler.mjs": 'import { key } from "@qa/config";\nexport const handler = async () => key.length;\n',
    });
    link(root, "node_modules/@qa/config", "../../libs/config");
    const built = await build(root, { external: ["@qa/config"] });
    expect(seen(built.failure!.errors)).toEqual([
      {
        code: "SECRET_IN_ZIP", plugin: "slimfn", location: { file: "node_modules/@qa/config/index.js", line: 2, column: 15 },
        message: `The linked package "@qa/config" (${fs.realpathSync(path.join(root, "libs/config"))}) ships index.js, code that holds an AWS access key id (line 2). slimfn never ships secrets by default, and code cannot be left out: read the secret at run time (the function's environment, a secrets manager), or, when it is meant to ship, list "node_modules/@qa/config/index.js" in allowSecrets.`,
      },
    ]);
    expect(artifacts(root)).toEqual([]);
  });
});
