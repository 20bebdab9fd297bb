/**
 * Progress while many functions are zipped and verified: one line, rewritten in place, only on
 * a terminal (a CI log gets the summary, not a stream of carriage returns).
 */
/** `done` functions of `total` are finished; `name` is the one being packaged now. */
export type Progress = (step: { done: number; total: number; name: string }) => void;

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!stream.isTTY) return undefined;
  return ({ done, total, name }) => {
    if (total < 2) return;
    stream.write(done < total ? `\r\x1b[K[slimfn] packaging ${name} (${done + 1}/${total})` : "\r\x1b[K");
  };
}
