import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../../core/src/testing/tempDirs.test-util.js";
import { bundleMeasurement, pruntimeBundleDirs } from "./bundleMeasurement.js";
import { PlatformError } from "./platformError.js";

const tempDir = useTempDirs("phala-bundle-");

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A built package: `<root>/<name>/dist/...`. */
function makePackage(root: string, name: string): string {
  const dir = join(root, name);
  write(join(dir, "package.json"), JSON.stringify({ name: `@test/${name}` }));
  write(join(dir, "dist", "index.js"), `export * from "./lib/util.js";\n`);
  write(join(dir, "dist", "lib", "util.js"), "export const answer = 42;\n");
  write(join(dir, "dist", "lib", "z.mjs"), "export default 1;\n");
  write(join(dir, "dist", "index.d.ts"), "export {};\n");
  write(join(dir, "dist", "index.js.map"), "{}");
  write(join(dir, "dist", "index.d.ts.map"), "{}");
  write(join(dir, "src", "index.ts"), "export {};\n");
  write(join(dir, "tsconfig.tsbuildinfo"), "{}");
  return dir;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("bundleMeasurement", () => {
  it("is stable and does not depend on where the packages are", async () => {
    const a = makePackage(tempDir(), "alpha");
    const b = makePackage(tempDir(), "beta");
    const first = await bundleMeasurement([a, b]);
    expect(first.length).toBe(32);
    expect(hex(await bundleMeasurement([a, b]))).toBe(hex(first));
    const elsewhere = makePackage(tempDir(), "alpha");
    expect(hex(await bundleMeasurement([elsewhere, b]))).toBe(hex(first));
    expect(hex(await bundleMeasurement([b, a]))).not.toBe(hex(first));
    expect(hex(await bundleMeasurement([a]))).not.toBe(hex(first));
  });

  it("changes when any built JavaScript file changes, appears, disappears or moves", async () => {
    const a = makePackage(tempDir(), "alpha");
    const before = hex(await bundleMeasurement([a]));
    const util = join(a, "dist", "lib", "util.js");
    writeFileSync(util, "export const answer = 43;\n");
    const edited = hex(await bundleMeasurement([a]));
    expect(edited).not.toBe(before);
    writeFileSync(util, "export const answer = 42;\n");
    expect(hex(await bundleMeasurement([a]))).toBe(before);

    write(join(a, "dist", "extra.js"), "");
    expect(hex(await bundleMeasurement([a]))).not.toBe(before);
    rmSync(join(a, "dist", "extra.js"));
    renameSync(util, join(a, "dist", "lib", "util2.js"));
    expect(hex(await bundleMeasurement([a]))).not.toBe(before);
    renameSync(join(a, "dist", "lib", "util2.js"), util);
    rmSync(join(a, "dist", "lib", "z.mjs"));
    expect(hex(await bundleMeasurement([a]))).not.toBe(before);
  });

  it("ignores declarations, source maps, sources and build info", async () => {
    const a = makePackage(tempDir(), "alpha");
    const before = hex(await bundleMeasurement([a]));
    writeFileSync(join(a, "dist", "index.d.ts"), "export declare const x: number;\n");
    writeFileSync(join(a, "dist", "index.js.map"), '{"version":3}');
    writeFileSync(join(a, "dist", "index.d.ts.map"), '{"version":3}');
    write(join(a, "dist", "new.d.ts"), "export {};\n");
    write(join(a, "dist", "tsconfig.tsbuildinfo"), "{}");
    writeFileSync(join(a, "src", "index.ts"), "export const changed = true;\n");
    writeFileSync(join(a, "package.json"), JSON.stringify({ name: "@test/alpha", version: "9.9.9" }));
    expect(hex(await bundleMeasurement([a]))).toBe(before);
  });

  it("tells to build when dist/ is missing or empty", async () => {
    const root = tempDir();
    const unbuilt = join(root, "unbuilt");
    mkdirSync(unbuilt);
    await expect(bundleMeasurement([unbuilt])).rejects.toMatchObject({
      name: "PlatformError",
      code: "PLATFORM_BUNDLE_NOT_BUILT",
      message: expect.stringContaining("npm run build"),
    });
    mkdirSync(join(unbuilt, "dist"));
    await expect(bundleMeasurement([unbuilt])).rejects.toBeInstanceOf(PlatformError);
  });

  it("finds pruntime, attestation, contracts and core", async () => {
    const found = pruntimeBundleDirs();
    const names = found.map(
      (dir) => (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string }).name,
    );
    expect(names).toEqual(["@phala-ts/pruntime", "@phala-ts/attestation", "@phala-ts/contracts", "@phala-ts/core"]);
    expect(found.map((dir) => basename(dir))).toEqual(["pruntime", "attestation", "contracts", "core"]);
    expect((await bundleMeasurement(found)).length).toBe(32);
  });
});
