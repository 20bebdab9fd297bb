/**
 * A structural check of GitHub-flavoured Markdown as slimfn writes it (no Markdown renderer is
 * a dependency): tables start after a blank line with a separator row and every row is as wide
 * as its header; every <details> is closed and followed by the blank line GitHub needs to
 * render Markdown inside it. Returns the problems found, empty when none.
 */
export function markdownProblems(markdown: string): string[] {
  const lines = markdown.split("\n");
  const problems: string[] = [];
  const cells = (line: string) => line.replace(/\\\|/g, "").split("|").length - 2;
  let width = -1;
  lines.forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (!line.startsWith("|")) {
      width = -1;
      return;
    }
    if (width < 0) {
      if (lines[i - 1] !== "") problems.push(`${at}: a table must follow a blank line`);
      if (!/^\|(:?-+:?\|)+$/.test(lines[i + 1] ?? "")) problems.push(`${at}: a table header needs a separator row`);
      width = cells(line);
    } else if (cells(line) !== width) {
      problems.push(`${at}: ${cells(line)} cells, the header has ${width}`);
    }
  });
  const open = lines.filter((l) => l.startsWith("<details>")).length;
  const closed = lines.filter((l) => l === "</details>").length;
  if (open !== closed) problems.push(`${open} <details> but ${closed} </details>`);
  lines.forEach((l, i) => {
    if (l.startsWith("<details>") && lines[i + 1] !== "") problems.push(`line ${i + 2}: a blank line must follow <details><summary>`);
  });
  return problems;
}
