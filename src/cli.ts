#!/usr/bin/env node
/**
 * The slimfn command line: `slimfn <command> [...]`. Each command lives in its own module and
 * returns an exit code; this file only dispatches.
 */
import fs from "node:fs";
import { EXIT, type CommandIO } from "./cli-io.js";

/** From the package's own package.json (dist/src/cli.js sits two folders below it). */
function version(): string {
  return (JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

const COMMANDS: Record<string, { summary: string; run: (argv: readonly string[], io: CommandIO) => Promise<number> }> = {
  build: {
    summary: "bundle handlers with esbuild + slimfn, write zips and a size summary",
    // The esbuild adapter's command, by the package's import map: src/ imports nothing from plugins/.
    run: async (argv, io) => (await import("#esbuild-build-command")).runBuild(argv, io),
  },
  report: {
    summary: "render size models as text or Markdown, compare with a base, check budgets",
    run: async (argv, io) => (await import("./report/command.js")).runReport(argv, io),
  },
  measure: {
    summary: "cold-start init time and memory of a zip, next to a bare node start",
    run: async (argv, io) => (await import("./measure/command.js")).runMeasure(argv, io),
  },
  why: {
    summary: "why a package is in a function: import chains from the handler, bytes, lazy or not",
    run: async (argv, io) => (await import("./report/why.js")).runWhy(argv, io),
  },
};

const USAGE = `Usage: slimfn <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`).join("\n")}

Run \`slimfn <command> --help\` for a command's options, \`slimfn --version\` for the version.`;

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  // `slimfn --version`, `-v`, and `slimfn build --version` (options after `--` are file names).
  const options = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  if (options.includes("--version") || name === "-v") {
    io.stdout(`slimfn ${version()}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`slimfn: unknown command "${name}".\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}

const io: CommandIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
};
process.exitCode = await main(process.argv.slice(2), io);
