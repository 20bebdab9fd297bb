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

/**
 * parseArgs' own messages quote oddly (`as in '-- "--bogus"` never closes) and speak of
 * "positional arguments": say what was wrong in the command's words.
 */
export function argsProblem(command: string, e: unknown): string {
  const { code, message } = e as { code?: string; message: string };
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) {
    return `unknown option ${option}. The options are listed below; a file name that starts with - goes after --, as in: slimfn ${command} -- -handler.ts`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    return / argument missing$/.test(message) ? `option ${option} needs a value, as in ${option} VALUE.` : `option ${option} takes no value.`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `${message.replace(/\. This command does not take positional arguments$/, "")}: this command takes no file names.`;
  return message;
}
