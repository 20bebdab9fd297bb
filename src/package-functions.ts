/**
 * The core pipeline after a build: name each function, gather its zip entries, zip it, model
 * its size, and only when every function succeeded, write the zips and the size model.
 * Adapters call this with a neutral `BuildOutput`; every decision is made here.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { BuildOutput, FunctionOutput } from "./build-output.js";
import { error, SlimfnError, warning, type Diagnostic } from "./diagnostics.js";
import { unwritableReason, writeFilesAtomic, WriteFailure } from "./fs-atomic.js";
import { buildInputs, checkOutputPaths, outputTargets } from "./output-paths.js";
import type { LazyDecision } from "./lazy/types.js";
import { functionName, handlerExport, handlerString, handlerStringProblem, relativePosix, zipPaths } from "./naming.js";
import type { ResolvedOptions } from "./options.js";
import { attributeModules } from "./report/attribute.js";
import { importsModel } from "./report/imports.js";
import { budgetDiagnostics, checkBudgets, unknownFunctionBudgets } from "./report/budgets.js";
import { SCHEMA_ID, SCHEMA_VERSION, type FunctionModel, type SizeModel } from "./report/model.js";
import { LAMBDA_LIMITS } from "./runtime.js";
import { BuildCache, type CacheReport } from "./cache/build-cache.js";
import { handlerComment } from "./zip/comment.js";
import { buildZip, ZIP_LEVEL, type ZipArchive, type ZipEntryInput } from "./zip/write.js";
import type { ShipRegistry } from "./ship/externals.js";
import { readIncludes, refusedModel, registryNotes, shipFunction, shippedModel, unusedSecretAllowances, type FunctionShipment } from "./ship/function-shipment.js";
import { planSharedLayer, type SharedLayer } from "./ship/shared-layer.js";
import { unmatchedStripGlobs } from "./ship/strip.js";
import { initModel } from "./measure/init-model.js";
import { verifyAll } from "./measure/verify-all.js";
import type { Progress } from "./progress.js";

export interface PackageRequest {
  options: ResolvedOptions;
  build: BuildOutput;
  bundler: { name: string; version: string };
  /** What the adapter's import hook decided to ship unbundled (slimfn `external`, native code). */
  ship?: ShipRegistry;
  /** A rebuild in watch mode: verification is skipped unless `verify.watch` asks for it. */
  watch?: boolean;
  /** Called as each function is done (zipped and verified). */
  onProgress?: Progress;
}

export interface PackagedFunction {
  model: FunctionModel;
  /** Absolute zip path, or null with `zip: false`. */
  zipPath: string | null;
  /** Its verification was not run: the same zip and inputs passed before ("verified (cached)"). */
  verifiedFromCache?: boolean;
}

export interface PackageResult {
  model: SizeModel;
  functions: PackagedFunction[];
  /** Warnings and notes; errors are thrown as a `SlimfnError`. */
  diagnostics: Diagnostic[];
  /** What the build cache reused and did, absent with `cache: false`. */
  cache?: CacheReport;
}

/** One function on its way to a zip. */
interface FunctionPlan {
  name: string;
  fn: FunctionOutput;
  entryInZip: string;
  handler: string;
  entries: ZipEntryInput[];
  zipPath: string | null;
  shipment: FunctionShipment;
}

function planFunctions(request: PackageRequest & { diagnostics?: Diagnostic[]; cache?: BuildCache }): FunctionPlan[] {
  const { build, options } = request;
  const names = build.functions.map((fn) => functionName(build.outdir, fn.entry));
  const zips = options.zip === false ? undefined : zipPaths(options.zip, build.outdir, names);
  const layer = layerPath(options, build.outdir);
  const outputs = [build.outdir, ...(zips?.values() ?? []), ...(layer ? [layer] : []), ...(options.report.json ? [options.report.json] : [])];
  const zipTargets: [string | undefined, string][] = [...(zips ?? []), ...(layer ? [["the shared layer", layer] as [string, string]] : [])];
  const targets = outputTargets(zipTargets, options.report.json);
  const refused = targets.length ? checkOutputPaths(targets, buildInputs(build, options.root)) : [];
  if (refused.length) throw new SlimfnError(refused);
  const include = readIncludes(options, outputs, names);
  request.diagnostics?.push(...include.diagnostics);
  const plans = build.functions.map((fn, i): FunctionPlan => {
    const name = names[i]!;
    const entryInZip = relativePosix(build.outdir, fn.entry);
    const handler = handlerString(entryInZip, handlerExport(name, entryInZip, fn.exports, fn.commonJsEntryAsEsm));
    const badHandler = handlerStringProblem(handler);
    if (badHandler) {
      request.diagnostics?.push(
        warning(
          "HANDLER_NAME_UNSUPPORTED",
          `Function "${name}" gets the handler ${JSON.stringify(handler)}: ${badHandler}. A handler must be at most 128 characters with no whitespace (Lambda's pattern ^[^\\s]+$), and slimfn asks for printable ASCII. Rename the entry file (${entryInZip}) to letters, digits, "-", "_" and "/".`,
        ),
      );
    }
    const entries = fn.files.map((file): ZipEntryInput => {
      const output = build.files.get(file);
      const zipPath = relativePosix(build.outdir, file);
      if (!output || zipPath.startsWith("../")) {
        throw new SlimfnError(error("OUTPUT_MISSING", `Function "${name}" needs ${file}, which is not an output file of this build inside ${build.outdir}.`));
      }
      return { path: zipPath, data: output.contents };
    });
    // Lambda loads `.js` as CommonJS unless the nearest package.json says otherwise.
    if (build.format === "esm" && fn.files.some((f) => f.endsWith(".js"))) {
      entries.push({ path: "package.json", data: Buffer.from('{"type":"module"}\n') });
    }
    // Shipped packages (node_modules/...) and included files travel beside the bundle.
    const shipment = shipFunction(fn, request.ship, include.of(name), options, request.cache);
    entries.push(...shipment.entries);
    return { name, fn, entryInZip, handler, entries, zipPath: zips?.get(name) ?? null, shipment };
  });
  request.diagnostics?.push(...unusedSecretAllowances(options, plans.flatMap((p) => p.entries.map((e) => e.path))));
  request.diagnostics?.push(...unmatchedStripGlobs(options, plans.flatMap((p) => p.shipment.packages)));
  if (options.zip === false) for (const plan of plans) request.diagnostics?.push(...notWritten(plan));
  return plans;
}

/**
 * With `zip: false` only the bundle is written: shipped packages and included files exist in
 * the zip alone. A deploy of the output folder would fail at run time, so say it at build time.
 */
function notWritten(plan: FunctionPlan): Diagnostic[] {
  const { packages, included } = plan.shipment;
  if (!packages.length && !included.length) return [];
  const parts: string[] = [];
  if (packages.length) {
    const names = [...new Set(packages.map((p) => p.pkg.name))].sort();
    const shown = names.length > 5 ? `${names.slice(0, 5).join(", ")}, ...` : names.join(", ");
    parts.push(`${packages.length} package${packages.length === 1 ? "" : "s"} in node_modules (${shown})`);
  }
  if (included.length) parts.push(`${included.length} included file${included.length === 1 ? "" : "s"}`);
  return [
    warning(
      "SHIPPED_NOT_WRITTEN",
      `Function "${plan.name}" needs ${parts.join(" and ")}, but with zip: false nothing writes them: the output folder holds the bundle only and fails at run time when deployed as it is. Turn zip on, or bundle the packages (leave them out of slimfn's external).`,
    ),
  ];
}

function modelFunction(request: PackageRequest, plan: FunctionPlan, zip: ZipArchive, versions: Map<string, string>): FunctionModel {
  const { options, build } = request;
  const byPath = new Map(zip.entries.map((e) => [e.path, e]));
  const outputs = new Map<string, { bytes: number; zipBytes: number }>();
  for (const file of plan.fn.files) {
    const entry = byPath.get(relativePosix(build.outdir, file));
    if (entry) outputs.set(file, entry);
  }
  const { packages, ownCode, byOutput } = attributeModules(options.root, plan.fn.modules, outputs, versions);
  // Every code file of the bundle, also a chunk no module has bytes in (only the bundler's glue).
  const outputModels = plan.fn.files
    .filter((file) => /\.[cm]?js$/.test(file) && outputs.has(file))
    .map((file) => ({ path: relativePosix(build.outdir, file), ...(byOutput.get(file) ?? { packages: [], ownCode: { bytes: 0, zipBytes: 0 } }) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const unzippedBytes = zip.entries.reduce((sum, e) => sum + e.bytes, 0);
  return {
    name: plan.name,
    handler: plan.handler,
    runtime: options.runtime.name,
    arch: options.arch,
    zip: plan.zipPath === null ? null : relativePosix(options.root, plan.zipPath),
    zipBytes: zip.bytes.length,
    unzippedBytes,
    entryCount: zip.entries.length,
    sha256: zip.sha256,
    limits: {
      zipped: zip.bytes.length / LAMBDA_LIMITS.zipped,
      unzipped: unzippedBytes / LAMBDA_LIMITS.unzipped,
    },
    files: zip.entries.map((e) => ({ path: e.path, bytes: e.bytes, zipBytes: e.zipBytes })),
    packages,
    ownCode,
    ...(outputModels.length ? { outputs: outputModels } : {}),
    ...importsField(build.graph, plan.fn),
    runtimeExternals: runtimeExternals(plan),
    ...shippedFields(plan.shipment, zip),
    ...lazyFields(build.lazy, plan.fn),
  };
}

/** The layer zip's path (`layer`), or undefined. */
function layerPath(options: ResolvedOptions, outdir: string): string | undefined {
  return options.layer === false || options.zip === false ? undefined : path.resolve(options.layer.replaceAll("[outdir]", outdir));
}

interface BuiltSharedLayer {
  plan: SharedLayer;
  zip: ZipArchive;
  path: string;
  /** Its path relative to the root, as messages and the model show it. */
  shown: string;
}

/**
 * `layer: true`: move the packages several functions ship identically into one layer zip and
 * out of their zips (src/ship/shared-layer.ts decides which). Undefined when nothing is shared.
 */
async function sharedLayer(request: PackageRequest, plans: FunctionPlan[], cache: BuildCache | undefined): Promise<BuiltSharedLayer | undefined> {
  const file = layerPath(request.options, request.build.outdir);
  if (!file) return undefined;
  const clash = plans.find((p) => p.zipPath === file);
  if (clash) {
    throw new SlimfnError(error("ZIP_NAME_COLLISION", `The layer zip and function "${clash.name}" would both be written to ${file}. Give layer another path, for example "dist/shared-layer.zip".`));
  }
  const plan = planSharedLayer(plans.map((p) => ({ name: p.name, shipment: p.shipment })));
  if (!plan) return undefined;
  for (const p of plans) {
    const moved = plan.movedPaths(p.name);
    if (moved.size) p.entries = p.entries.filter((e) => !moved.has(e.path));
  }
  const entries = cache ? await cache.prepare(plan.entries, ZIP_LEVEL) : plan.entries;
  return { plan, zip: await buildZip(entries), path: file, shown: relativePosix(request.options.root, file) };
}

function layerModel(options: ResolvedOptions, shared: BuiltSharedLayer): NonNullable<SizeModel["layer"]> {
  return {
    zip: relativePosix(options.root, shared.path),
    zipBytes: shared.zip.bytes.length,
    unzippedBytes: shared.zip.entries.reduce((sum, e) => sum + e.bytes, 0),
    entryCount: shared.zip.entries.length,
    sha256: shared.zip.sha256,
    packages: shared.plan.packages,
  };
}

/** Whether the zip holds a binary: only then can another CPU's function not be verified here. */
function hasNativeCode(plan: FunctionPlan): boolean {
  return plan.shipment.packages.some((p) => [...p.native].length > 0) || plan.shipment.included.some((f) => /\.(?:node|so)(?:\.|$)/.test(f));
}

/** The function's folded import graph, when the adapter gave the build's module graph. */
function importsField(graph: BuildOutput["graph"], fn: FunctionOutput): Pick<FunctionModel, "imports"> {
  const imports = graph ? importsModel(graph, new Set(fn.modules.map((m) => m.path))) : undefined;
  return imports ? { imports } : {};
}

/** Imports left to the runtime by the bundler's own `external` (not shipped by slimfn). */
function runtimeExternals(plan: FunctionPlan): string[] {
  return [...new Set(plan.fn.externals.map((e) => e.specifier))].filter((s) => !plan.shipment.shippedSpecifiers.has(s)).sort();
}

/** The lazy decisions whose importer is one of this function's modules. */
function lazyFields(decisions: BuildOutput["lazy"], fn: FunctionOutput): { lazy?: LazyDecision[] } {
  const own = new Set(fn.modules.map((m) => m.path));
  const mine = (decisions ?? []).filter((d) => own.has(d.importer));
  return mine.length ? { lazy: mine } : {};
}

const FAILED_CODE = { zip: "ZIP_WRITE_FAILED", report: "REPORT_WRITE_FAILED" } as const;
const OPTION = { zip: "zip", report: "report.json" } as const;

async function ensureWritableFolder(file: string, what: "zip" | "report"): Promise<void> {
  const folder = path.dirname(file);
  try {
    await fs.mkdir(folder, { recursive: true });
    await fs.access(folder, fs.constants.W_OK);
  } catch (e) {
    const why = unwritableReason(folder) ?? (e as NodeJS.ErrnoException).code ?? String(e);
    throw new SlimfnError(error(FAILED_CODE[what], `Cannot write the ${what} ${file}: its folder ${folder} cannot be created or written (${why}). Choose a writable path with the "${OPTION[what]}" option.`));
  }
}

/**
 * Write the zips (the functions' and the layer's) and the size model. Every one goes to its
 * temporary name first and all are renamed into place only when all were written: a full disk
 * at the third zip leaves the first two as they were.
 */
async function writeOutputs(request: PackageRequest, done: { plan: { zipPath: string | null }; zip: ZipArchive }[], model: SizeModel): Promise<void> {
  const files: { path: string; data: Uint8Array | string; what: "zip" | "report" }[] = done
    .filter((d) => d.plan.zipPath !== null)
    .map((d) => ({ path: d.plan.zipPath!, data: d.zip.bytes, what: "zip" }));
  const json = request.options.report.json;
  if (json) files.push({ path: json, data: `${JSON.stringify(model, null, 2)}\n`, what: "report" });
  for (const f of files) await ensureWritableFolder(f.path, f.what);
  try {
    await writeFilesAtomic(files);
  } catch (e) {
    if (!(e instanceof WriteFailure)) throw e;
    const f = files.find((x) => x.path === e.file)!;
    const why = unwritableReason(path.dirname(e.file)) ?? e.cause.message;
    const state =
      e.step === "write"
        ? "Nothing was replaced: no zip or size model of this build was written."
        : `Already replaced: ${e.replaced.join(", ") || "none"}; left as they were: ${e.untouched.join(", ")}.`;
    const what = f.what === "zip" ? "zip" : "size model";
    throw new SlimfnError(error(FAILED_CODE[f.what], `Cannot write the ${what} ${e.file} (${why}). ${state}`));
  }
}

/** The size model's fields for shipped packages and included files, only when there are any. */
function shippedFields(shipment: FunctionShipment, zip: ZipArchive): Partial<FunctionModel> {
  const fields: Partial<FunctionModel> = {};
  if (shipment.packages.length) fields.shipped = shippedModel(shipment, zip.entries);
  if (shipment.dropped.length) fields.droppedPackages = shipment.dropped.map((d) => ({ name: d.name, version: d.version, reason: d.reason }));
  if (shipment.included.length) fields.included = [...shipment.included].sort();
  const refused = refusedModel(shipment);
  if (refused.length) fields.refused = refused;
  return fields;
}

export async function packageFunctions(request: PackageRequest): Promise<PackageResult> {
  const diagnostics: Diagnostic[] = [...registryNotes(request.ship)];
  request.ship?.persist();
  const cache = BuildCache.open(request.options);
  const plans = planFunctions({ ...request, diagnostics, cache });
  // Budgets naming a function the build lacks fail before anything is verified or written.
  const budgets = request.options.report.budgets;
  const unknown = unknownFunctionBudgets(plans, budgets);
  if (unknown.length) throw new SlimfnError(unknown);
  // Zip everything in memory first: a failure in any function leaves no file written. Entries
  // the cache has seen are not deflated again.
  const shared = await sharedLayer(request, plans, cache);
  if (cache) for (const plan of plans) plan.entries = await cache.prepare(plan.entries, ZIP_LEVEL);
  const done = await Promise.all(plans.map(async (plan) => ({ plan, zip: await buildZip(plan.entries, { comment: handlerComment(plan.handler) }) })));
  // Prove each zip starts before any is written: in parallel up to the cores, unchanged zips
  // that passed before are not run again.
  const inits = new Map<FunctionPlan, FunctionModel["init"]>();
  const cachedVerify = new Set<FunctionPlan>();
  if (done.length) request.onProgress?.({ done: 0, total: done.length, name: "" });
  const outcomes = await verifyAll(
    done.map(({ plan, zip }) => {
      const moved = shared?.plan.movedDirect(plan.name) ?? [];
      return {
        name: plan.name, handler: plan.handler, zipBytes: zip.bytes, zipSha256: zip.sha256, native: hasNativeCode(plan),
        runtimeExternals: [...runtimeExternals(plan), ...moved].sort(),
        ...(shared && moved.length ? { builtLayers: [{ shown: shared.shown, bytes: shared.zip.bytes }] } : {}),
      };
    }),
    request.options,
    {
      watch: request.watch ?? false,
      ...(cache ? { cache } : {}),
      onDone: (n, name) => request.onProgress?.({ done: n, total: done.length, name }),
    },
  );
  for (const [i, verified] of outcomes.entries()) {
    const { plan } = done[i]!;
    // A build-wide warning (the host's Node) is said once, not once per function.
    for (const d of verified.diagnostics) {
      if (!diagnostics.some((seen) => seen.code === d.code && seen.message === d.message)) diagnostics.push(d);
    }
    if (verified.measurement) inits.set(plan, initModel(verified.measurement));
    if (verified.cached) cachedVerify.add(plan);
  }
  request.onProgress?.({ done: done.length, total: done.length, name: "" });
  const versions = new Map<string, string>();
  const functions = done
    .map(({ plan, zip }) => {
      const model = modelFunction(request, plan, zip, versions);
      if (shared) for (const s of model.shipped ?? []) if (shared.plan.inLayer(plan.name, s.path)) s.inLayer = true;
      const init = inits.get(plan);
      if (init) model.init = init;
      return cachedVerify.has(plan) ? { model, zipPath: plan.zipPath, verifiedFromCache: true } : { model, zipPath: plan.zipPath };
    })
    .sort((a, b) => (a.model.name < b.model.name ? -1 : 1));
  const model: SizeModel = {
    schema: SCHEMA_ID,
    schemaVersion: SCHEMA_VERSION,
    bundler: request.bundler,
    functions: functions.map((f) => f.model),
    ...(shared ? { layer: layerModel(request.options, shared) } : {}),
  };
  await writeOutputs(request, shared ? [...done, { plan: { zipPath: shared.path }, zip: shared.zip }] : done, model);
  // Budgets are checked on the complete model (init figures included) once it is written: a
  // build that fails a budget leaves its zips and size model to inspect with `slimfn report`.
  diagnostics.push(...budgetDiagnostics(checkBudgets(model.functions, budgets)));
  return cache ? { model, functions, diagnostics, cache: cache.report() } : { model, functions, diagnostics };
}
