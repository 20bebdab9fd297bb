/** Native code detection by name and by magic bytes, on real binaries and real packages. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../src/options.js";
import { ShipRegistry, matchesExternal } from "../src/ship/externals.js";
import { binaryFormat, isNativeFile, isNativeName, needsMagicCheck } from "../src/ship/native.js";
import { REPO } from "./helpers/paths.js";
import { tempDir } from "./helpers/tmp.js";
import { SHARP_LINUX_X64 } from "./helpers/host.js";

const nm = (p: string) => path.join(REPO, "node_modules", p);

function peHeader(): Uint8Array {
  const b = new Uint8Array(0x100);
  b[0] = 0x4d; b[1] = 0x5a; // MZ
  b[0x3c] = 0x80;
  b.set([0x50, 0x45, 0, 0], 0x80); // PE\0\0
  return b;
}

describe("binary formats", () => {
  it.skipIf(!SHARP_LINUX_X64)("reads ELF from sharp's real addon and libvips", () => {
    const addon = fs.readFileSync(nm("@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node"));
    expect(binaryFormat(addon)).toBe("elf");
    expect(binaryFormat(fs.readFileSync(nm("@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7")).subarray(0, 64))).toBe("elf");
  });

  it("reads Mach-O (both byte orders, fat) and PE headers, and nothing from text", () => {
    expect(binaryFormat(Uint8Array.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]))).toBe("mach-o");
    expect(binaryFormat(Uint8Array.from([0xfe, 0xed, 0xfa, 0xce, 0, 0, 0, 7]))).toBe("mach-o");
    expect(binaryFormat(Uint8Array.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]))).toBe("mach-o");
    expect(binaryFormat(peHeader())).toBe("pe");
    expect(binaryFormat(new TextEncoder().encode("MZ is a fine start for a text file, long enough to have an offset at 0x3c..."))).toBeUndefined();
    expect(binaryFormat(new TextEncoder().encode("module.exports = 1;"))).toBeUndefined();
    expect(binaryFormat(new Uint8Array([0x7f]))).toBeUndefined();
  });

  it("recognises native names, versioned shared libraries included", () => {
    expect(["a.node", "lib/libvips-cpp.so.8.18.7", "libx.so", "x.dylib", "x.dll", "x.exe"].map(isNativeName)).toEqual([true, true, true, true, true, true]);
    expect(["index.js", "so.js", "x.so.js", "README.md", "node.json"].map(isNativeName)).toEqual([false, false, false, false, false]);
    expect(["bin/tool", "lib/x.bin", "lib/index.js", "data.json", "fonts/Standard.flf"].map(needsMagicCheck)).toEqual([true, true, false, false, false]);
  });

  it.skipIf(!SHARP_LINUX_X64)("finds a binary without a telling name by its bytes", () => {
    const dir = tempDir();
    fs.copyFileSync(nm("@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node"), path.join(dir, "engine"));
    fs.writeFileSync(path.join(dir, "engine.js"), "x");
    expect(isNativeFile("engine", path.join(dir, "engine"))).toBe(true);
    expect(isNativeFile("engine.js", path.join(dir, "engine.js"))).toBe(false);
  });
});

describe("which imports are shipped", () => {
  it("matches external patterns as esbuild does", () => {
    expect(matchesExternal("sharp", "sharp")).toBe(true);
    expect(matchesExternal("sharp", "sharp/lib/utility")).toBe(true);
    expect(matchesExternal("sharp", "sharpen")).toBe(false);
    expect(matchesExternal("@aws-sdk/*", "@aws-sdk/client-s3")).toBe(true);
    expect(matchesExternal("@aws-sdk/*", "@smithy/types")).toBe(false);
  });

  it.skipIf(!SHARP_LINUX_X64)("ships sharp automatically (its binary lives in another package), bundles zod, leaves runtime externals alone", () => {
    const registry = new ShipRegistry(resolveOptions({ external: ["figlet"] }, REPO), (s) => matchesExternal("@aws-sdk/*", s));
    const from = path.join(REPO, "src");
    expect(registry.decide("sharp", from)).toEqual({ kind: "ship", name: "sharp", why: "native" });
    expect(registry.decide("zod", from)).toEqual({ kind: "bundle" });
    expect(registry.decide("figlet", from)).toEqual({ kind: "ship", name: "figlet", why: "external" });
    expect(registry.decide("@aws-sdk/client-s3", from)).toEqual({ kind: "runtime" });
    expect(registry.decide("node:fs", from)).toEqual({ kind: "bundle" });
    expect(registry.decide("./local.js", from)).toEqual({ kind: "bundle" });
    expect(registry.diagnostics).toEqual([
      {
        code: "NATIVE_AUTO_EXTERNAL",
        severity: "info",
        message:
          '"sharp" is shipped unbundled in node_modules because its dependency closure holds native code (@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7). Add it to slimfn\'s "external" to make this explicit.',
      },
    ]);
    expect(registry.rootsFor([{ specifier: "sharp" }, { specifier: "zod" }, { specifier: "figlet" }])).toEqual([
      { name: "sharp", fromDir: from, why: "native" },
      { name: "figlet", fromDir: from, why: "external" },
    ]);
  });
});
