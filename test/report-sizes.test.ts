import { describe, expect, it } from "vitest";
import { parseBudget, parseBudgetArg } from "../src/report/budgets.js";
import {
  formatByteDelta,
  formatBytes,
  formatDuration,
  formatPercentChange,
  formatShare,
  parseDurationLimit,
  parseSize,
  ParseError,
} from "../src/report/sizes.js";

describe("parseSize", () => {
  it.each([
    ["0B", 0],
    ["300kB", 300_000],
    ["5MB", 5_000_000],
    ["2MiB", 2_097_152],
    ["1.5 MB", 1_500_000],
    ["1KiB", 1024],
    ["1GB", 1e9],
    ["1.1KiB", 1126],
  ])("%s is %d bytes", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each([
    ["5 MBs", 'unknown size unit "MBs"'],
    ["5KB", 'unknown size unit "KB": use B, kB, MB, GB (x1000) or KiB, MiB, GiB (x1024). Did you mean kB or KiB? Units are case-sensitive.'],
    ["5mb", "Did you mean MB or MiB?"],
    ["5", "is not a size: write a number and a unit"],
    ["-1MB", "is not a size"],
    ["", "is not a size"],
    ["MB", "is not a size"],
  ])("refuses %j", (text, message) => {
    expect(() => parseSize(text)).toThrow(ParseError);
    expect(() => parseSize(text)).toThrow(message);
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [999, "999 B"],
    [1000, "1.00 kB"],
    [1234, "1.23 kB"],
    [12_345, "12.3 kB"],
    [123_456, "123 kB"],
    [999_499, "999 kB"],
    [999_999, "1.00 MB"],
    [52_428_800, "52.4 MB"],
    [-1500, "-1.50 kB"],
  ])("%d is %s", (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it("signs deltas and percentages, and never rounds a real change to 0%", () => {
    expect([formatByteDelta(0), formatByteDelta(2100), formatByteDelta(-512)]).toEqual(["0 B", "+2.10 kB", "-512 B"]);
    expect([formatPercentChange(1000, 1018), formatPercentChange(1000, 996), formatPercentChange(100_000, 100_001), formatPercentChange(0, 5)]).toEqual([
      "+1.8%",
      "-0.4%",
      "+<0.1%",
      undefined,
    ]);
    expect([formatShare(0), formatShare(0.00001), formatShare(0.48), formatShare(1.12)]).toEqual(["0%", "<0.1%", "48%", "112%"]);
    expect([formatDuration(0.84), formatDuration(62.14), formatDuration(150), formatDuration(1520)]).toEqual(["0.84 ms", "62.1 ms", "150 ms", "1.52 s"]);
  });
});

describe("budgets", () => {
  it("parses every key of the CLI syntax", () => {
    expect(parseBudgetArg("zip=5MB")).toEqual({ label: "zip=5MB", key: "zip", metric: "zip", bytes: 5_000_000, lambda: false });
    expect(parseBudgetArg("unzipped=2MiB")).toEqual({ label: "unzipped=2MiB", key: "unzipped", metric: "unzipped", bytes: 2_097_152, lambda: false });
    expect(parseBudgetArg("init=150ms")).toEqual({ label: "init=150ms", key: "init", metric: "init", init: { kind: "ms", ms: 150 }, lambda: false });
    expect(parseBudgetArg("init=1.5x")).toEqual({ label: "init=1.5x", key: "init", metric: "init", init: { kind: "ratio", ratio: 1.5 }, lambda: false });
    expect(parseBudgetArg("pkg:aws-sdk=0B")).toEqual({ label: "pkg:aws-sdk=0B", key: "pkg:aws-sdk", metric: "package", package: "aws-sdk", bytes: 0, lambda: false });
    expect(parseBudgetArg("pkg:@aws-sdk/*=1MB")).toMatchObject({ metric: "package", package: "@aws-sdk/*", bytes: 1_000_000 });
    expect(parseDurationLimit("1.5s")).toEqual({ kind: "ms", ms: 1500 });
  });

  it("scopes a budget to one function with FUNCTION/KEY", () => {
    expect(parseBudgetArg("thumbnail/zip=10MB")).toEqual({ label: "thumbnail/zip=10MB", key: "zip", function: "thumbnail", metric: "zip", bytes: 10_000_000, lambda: false });
    expect(parseBudgetArg("api/pkg:@aws-sdk/*=0B")).toMatchObject({ key: "pkg:@aws-sdk/*", function: "api", package: "@aws-sdk/*", bytes: 0 });
    // A scoped package name is not a function scope.
    expect(parseBudgetArg("pkg:@aws-sdk/client-s3=1MB")).not.toHaveProperty("function");
  });

  it.each([
    ["zip=5 MBs", 'Budget zip=5 MBs: "5 MBs" has an unknown size unit "MBs"'],
    ["zipped=5MB", 'Budget zipped=5MB: unknown budget "zipped". Budgets are zip, unzipped, init, or pkg:NAME'],
    ["zip", 'Budget "zip" must be KEY=VALUE'],
    ["=5MB", 'Budget "=5MB" must be KEY=VALUE'],
    ["init=fast", 'Budget init=fast: "fast" is not an init-time limit'],
    ["init=0x", "a multiple of a bare node start must be above 0"],
    ["pkg:=1MB", 'Budget pkg:=1MB: "" is not a package name or pattern'],
    ["pkg:a b=1MB", '"a b" is not a package name or pattern'],
    ["/zip=1MB", 'Budget /zip=1MB: name the function before the "/", such as thumbnail/zip=10MB.'],
    ["api/size=1MB", 'Budget api/size=1MB: unknown budget "size"'],
  ])("refuses %j with a message naming it", (text, message) => {
    expect(() => parseBudgetArg(text)).toThrow(ParseError);
    expect(() => parseBudgetArg(text)).toThrow(message);
  });

  it("reads the config form key and value apart", () => {
    expect(parseBudget("zip", "300kB")).toEqual({ label: "zip=300kB", key: "zip", metric: "zip", bytes: 300_000, lambda: false });
  });
});
