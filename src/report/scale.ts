/**
 * Per-module sizes from a bundler that measures modules before the chunk is minified (rollup's
 * `renderedLength`, in UTF-16 units; Rolldown's also counts its region comments): scale them to
 * the chunk's real bytes, so each module keeps its share and the shares add up to the file.
 * Integer bytes by largest remainder, ties broken by order, so the result is deterministic.
 */
export function scaleToBytes(lengths: readonly number[], outputBytes: number): number[] {
  const total = lengths.reduce((sum, n) => sum + Math.max(0, n), 0);
  if (total === 0) return lengths.map(() => 0);
  const exact = lengths.map((n) => (Math.max(0, n) * outputBytes) / total);
  const out = exact.map(Math.floor);
  let left = outputBytes - out.reduce((sum, n) => sum + n, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (lengths[i]! <= 0) continue;
    out[i]!++;
    left--;
  }
  return out;
}
