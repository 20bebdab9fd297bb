#!/usr/bin/env node
/**
 * The slimfn command line: `slimfn <command> [...]`. Each command lives in its own module and
 * returns an exit code; this file only dispatches.
 */
import { EXIT, type CommandIO } from "./cli-io.js";

const COMMANDS: Record<string, { summary: string; run: (argv: readonly string[], io: CommandIO) => Promise<number> }> = {
  build: {
    summary: "bundle handlers with esbuild + slimfn, write zips and a size summary",
    run: async (argv, io) => (await import("./build-command.js")).runBuild(argv, io),
  },
  report: {
    summary: "render size models as text or Markdown, compare with a base, check budgets",
    run: async (argv, io) => (await import("./report/command.js")).runReport(argv, io),
  },
  measure: {
    summary: "cold-start init time and memory of a zip, next to a bare node start",
    run: async (argv, io) => (await import("./measure/command.js")).runMeasure(argv, io),
  },
};

const USAGE = `Usage: slimfn <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`).join("\n")}

Run \`slimfn <command> --help\` for a command's options.`;

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
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
