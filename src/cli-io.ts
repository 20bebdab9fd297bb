/** What a CLI command may touch, passed in so tests can run commands in-process too. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Exit codes shared by every command. */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2 });
