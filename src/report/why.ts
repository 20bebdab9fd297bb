/**
 * `slimfn why PACKAGE [--report size.json]`: why a package is in a function, and what it
 * costs. Per function that has it: its bytes (bundled, or shipped in node_modules), whether it
 * is evaluated at init or loaded on first use, and the import chains from the handler's entry
 * to it (shortest first, one per last importer), read from the size model's `imports`.
 */
import { parseArgs } from "node:util";
import { answerUsage, argsProblem, EXIT, type CommandIO } from "../cli-io.js";
import { formatDiagnostic, SlimfnError } from "../diagnostics.js";
import { functionPackages } from "./compare.js";
import type { FunctionModel, ImportsModel } from "./model.js";
import { readModel } from "./read-model.js";
import { formatBytes } from "./sizes.js";

export const WHY_USAGE = `Usage: slimfn why <package> [--report FILE]

Why a package is in your functions, and what it costs: per function, its bytes (bundled, or
shipped unbundled in node_modules), whether it is evaluated at init or loaded on first use
(lazy), and the import chains from the handler to it.

  --report FILE   the size model to read (default: dist/size.json)
  --chains N      import chains shown per function (default: 5)
  -h, --help      show this help

Exit codes: 0 found, 1 no function has the package, 2 bad arguments or size model.`;

const ARROW: Record<string, string> = { static: "->", require: "-require->", dynamic: "-import()->", lazy: "-lazy->" };

/**
 * Up to `max` import chains from the entry to `target`: breadth-first, so the shortest come
 * first; at most one chain per last importer, so the list shows the different ways in.
 */
export function importChains(imports: ImportsModel, target: string, max: number): { node: string; kind?: string }[][] {
  const out = new Map<string, string[]>();
  for (const e of imports.edges) out.set(e.from, [...(out.get(e.from) ?? []), `${e.to}\0${e.kind}`]);
  const parent = new Map<string, { from: string; kind: string } | null>([[imports.entry, null]]);
  const queue = [imports.entry];
  const lastHops: { from: string; kind: string }[] = [];
  while (queue.length) {
    const at = queue.shift()!;
    for (const hop of out.get(at) ?? []) {
      const [to, kind] = hop.split("\0") as [string, string];
      if (to === target) {
        if (!lastHops.some((h) => h.from === at)) lastHops.push({ from: at, kind });
        continue;
      }
      if (parent.has(to)) continue;
      parent.set(to, { from: at, kind });
      queue.push(to);
    }
  }
  return lastHops.slice(0, max).map((last) => {
    const chain: { node: string; kind?: string }[] = [{ node: target, kind: last.kind }];
    for (let at: string = last.from; ; ) {
      const p = parent.get(at);
      chain.unshift(p ? { node: at, kind: p.kind } : { node: at });
      if (!p) break;
      at = p.from;
    }
    return chain;
  });
}

const chainText = (chain: { node: string; kind?: string }[]) => chain.map((c, i) => (i === 0 ? c.node : `${ARROW[c.kind ?? "static"]} ${c.node}`)).join(" ");

/** The lines for one function, or undefined when it does not have the package. */
export function explain(fn: FunctionModel, name: string, maxChains: number): string[] | undefined {
  const copies = functionPackages(fn).filter((p) => p.name === name);
  if (!copies.length) return undefined;
  const lines = [`function ${fn.name} (handler ${fn.handler})`];
  for (const p of copies) {
    const version = p.version ? ` ${p.version}` : "";
    const where = p.shipped ? "shipped unbundled in node_modules" : "bundled";
    lines.push(`  ${name}${version}: ${where}, ${formatBytes(p.bytes)} (${formatBytes(p.zipBytes)} zipped${fn.zipBytes ? `, ${((p.zipBytes / fn.zipBytes) * 100).toFixed(1)}% of the zip` : ""})`);
  }
  const imports = fn.imports;
  if (!imports) {
    lines.push("  import chains: not recorded in this size model (it was written by an older slimfn); rebuild to see them");
    return lines;
  }
  const chains = importChains(imports, name, maxChains);
  // A shipped package's own dependencies are not in the bundle's graph: they load with the
  // shipped packages that need them.
  const neededBy = [...new Set((fn.shipped ?? []).filter((s) => s.name === name && !s.direct).flatMap((s) => s.neededBy))].sort();
  const inGraph = imports.edges.some((e) => e.to === name);
  const lazyBy = (fn.lazy ?? []).filter((d) => d.mode !== "eager" && (d.module === name || d.module.startsWith(`${name}/`)));
  if (!inGraph && neededBy.length) {
    const eager = neededBy.some((n) => imports.atInit.includes(n));
    lines.push(`  a dependency of the shipped ${neededBy.length === 1 ? "package" : "packages"} ${neededBy.join(", ")}, so ${eager ? "evaluated at init" : "loaded on first use"} with ${neededBy.length === 1 ? "it" : "them"}`);
  } else if (imports.atInit.includes(name)) {
    lines.push("  evaluated at init");
  } else {
    lines.push(`  loaded on first use${lazyBy.length ? ` (lazy: ${lazyBy.map((d) => `${d.mode} in ${d.importer}:${d.line}`).join(", ")})` : " (reached only through lazy or dynamic imports)"}`);
  }
  if (chains.length) {
    lines.push(`  import chains from the handler (${chains.length === 1 ? "the shortest" : `${chains.length} shortest, one per last importer`}):`);
    for (const c of chains) lines.push(`    ${chainText(c)}`);
  } else if (!neededBy.length) {
    lines.push("  no import chain from the entry reaches it in the recorded graph");
  }
  return lines;
}

export async function runWhy(argv: readonly string[], io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { report: { type: "string" }, chains: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    return answerUsage("why", WHY_USAGE, argsProblem("why", e), io);
  }
  const { values, positionals } = parsed;
  if (values.help) return answerUsage("why", WHY_USAGE, "", io);
  if (positionals.length !== 1) return answerUsage("why", WHY_USAGE, "Name exactly one package: slimfn why zod", io);
  const max = values.chains === undefined ? 5 : Number(values.chains);
  if (!Number.isInteger(max) || max < 1) return answerUsage("why", WHY_USAGE, `--chains must be a whole number from 1, got ${JSON.stringify(values.chains)}`, io);
  const name = positionals[0]!;
  const file = values.report ?? "dist/size.json";
  try {
    const { model } = await readModel(file, io.cwd);
    const blocks = model.functions.flatMap((fn) => explain(fn, name, max) ?? []);
    if (!blocks.length) {
      const known = [...new Set(model.functions.flatMap((fn) => functionPackages(fn).map((p) => p.name)))].sort();
      const near = known.filter((k) => k.includes(name) || name.includes(k.split("/").pop()!)).slice(0, 5);
      io.stderr(`slimfn why: no function in ${file} has the package "${name}", bundled or shipped.${near.length ? ` Did you mean ${near.join(", ")}?` : ""}\n`);
      return EXIT.failed;
    }
    io.stdout(`slimfn why ${name} (${file})\n${blocks.join("\n")}\n`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof SlimfnError)) throw e;
    io.stderr(`${e.diagnostics.map(formatDiagnostic).join("\n")}\n`);
    return EXIT.usage;
  }
}
