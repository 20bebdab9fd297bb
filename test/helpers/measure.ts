import { runMeasure } from "../../src/measure/command.js";

/** `slimfn measure` run in-process: its exit code and what it wrote. */
export async function measure(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runMeasure(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd });
  return { code, stdout, stderr };
}
