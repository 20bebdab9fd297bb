/** The Lambda Node.js runtimes slimfn knows, and what each one means for the build. */

export type Runtime = "nodejs20.x" | "nodejs22.x" | "nodejs24.x";

export interface RuntimeInfo {
  readonly name: Runtime;
  /** esbuild `target`. */
  readonly target: string;
  /** Node.js major version the runtime runs. */
  readonly nodeMajor: number;
}

export const RUNTIMES: Readonly<Record<Runtime, RuntimeInfo>> = Object.freeze({
  "nodejs20.x": Object.freeze({ name: "nodejs20.x", target: "node20", nodeMajor: 20 }),
  "nodejs22.x": Object.freeze({ name: "nodejs22.x", target: "node22", nodeMajor: 22 }),
  "nodejs24.x": Object.freeze({ name: "nodejs24.x", target: "node24", nodeMajor: 24 }),
});

/** Lambda's limits for a function package, in bytes. */
export const LAMBDA_LIMITS = Object.freeze({
  /** Zipped deployment package, direct upload: 50 MiB. */
  zipped: 52_428_800,
  /** Unzipped, including layers: 250 MiB. */
  unzipped: 262_144_000,
});
