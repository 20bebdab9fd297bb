/** What a CLI command may touch, passed in so tests can run commands in-process too. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Exit codes shared by every command. */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2 });

/**
 * A command's answer when its arguments did not parse into a run: `problem` is "" for `--help`
 * (usage on stdout, exit 0), else what was wrong (on stderr with the usage, exit 2).
 */
export function answerUsage(command: string, usage: string, problem: string, io: CommandIO): number {
  if (problem === "") {
    io.stdout(`${usage}\n`);
    return EXIT.ok;
  }
  io.stderr(`slimfn ${command}: ${problem}\n\n${usage}\n`);
  return EXIT.usage;
}
