/**
 * Progress while many functions are zipped and verified: one line, rewritten in place, only on
 * a terminal (a CI log gets the summary, not a stream of carriage returns).
 */
/**
 * `done` functions of `total` are zipped and verified; `name` is the one that finished last ("" at
 * the start). Functions are verified in parallel, so they finish in any order.
 */
export type Progress = (step: { done: number; total: number; name: string }) => void;

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!stream.isTTY) return undefined;
  return ({ done, total, name }) => {
    if (total < 2) return;
    if (done >= total) stream.write("\r\x1b[K");
    else stream.write(done === 0 ? `\r\x1b[K[slimfn] packaging ${total} functions` : `\r\x1b[K[slimfn] packaged ${done}/${total} (${name} done)`);
  };
}
