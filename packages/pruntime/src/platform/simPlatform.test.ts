import { copyFileSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { simQuotingPublicKey, verifySimulatedQuote } from "@phala-ts/attestation";
import { utf8 } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../../core/src/testing/tempDirs.test-util.js";
import { bundleMeasurement, pruntimeBundleDirs } from "./bundleMeasurement.js";
import type { EnclavePlatform } from "./enclavePlatform.js";
import { openPlatform } from "./openPlatform.js";
import { PlatformError, SealError, type SealErrorCode } from "./platformError.js";
import { openSimPlatform, SIM_SECRET_FILE } from "./simPlatform.js";

const tempDir = useTempDirs("phala-sim-");

const measurement = new Uint8Array(32).fill(0x3c);
const canary = utf8("CANARY-plaintext-that-must-never-hit-the-disk-0123456789");
const open = (dataDir: string) => openSimPlatform({ dataDir, measurement });
const sealedPath = (dataDir: string, name: string) => join(dataDir, "sealed", `${name}.sealed`);

async function sealError(run: () => Promise<unknown>, code: SealErrorCode): Promise<SealError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(SealError);
    expect((error as SealError).code).toBe(code);
    return error as SealError;
  }
  return expect.unreachable(`expected ${code}`);
}

describe("sim platform", () => {
  it("seals and unseals across a reopen", async () => {
    const dataDir = join(tempDir(), "nested", "data");
    let platform: EnclavePlatform = await open(dataDir);
    expect(platform.kind).toBe("sim");
    expect(platform.measurement).toEqual(measurement);
    await platform.sealed.write("identity", canary);
    await platform.sealed.write("checkpoint-0002", Uint8Array.of(2));
    await platform.sealed.write("checkpoint-0001", new Uint8Array(0));
    expect(await platform.sealed.read("identity")).toEqual(canary);

    platform = await open(dataDir);
    expect(await platform.sealed.read("identity")).toEqual(canary);
    expect(await platform.sealed.read("checkpoint-0001")).toEqual(new Uint8Array(0));
    expect(await platform.sealed.read("missing")).toBeUndefined();
    expect(await platform.sealed.list("checkpoint-")).toEqual(["checkpoint-0001", "checkpoint-0002"]);
    expect(await platform.sealed.list("")).toEqual(["checkpoint-0001", "checkpoint-0002", "identity"]);
    await platform.sealed.remove("checkpoint-0001");
    await platform.sealed.remove("checkpoint-0001");
    expect(await platform.sealed.list("checkpoint-")).toEqual(["checkpoint-0002"]);
    await platform.sealed.write("identity", Uint8Array.of(7));
    expect(await (await open(dataDir)).sealed.read("identity")).toEqual(Uint8Array.of(7));
  });

  it("keeps the secret 0600 and the directories 0700", async () => {
    const dataDir = join(tempDir(), "data");
    const platform = await open(dataDir);
    await platform.sealed.write("x", canary);
    expect(statSync(join(dataDir, SIM_SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, SIM_SECRET_FILE)).size).toBe(32);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, "sealed")).mode & 0o777).toBe(0o700);
    expect(statSync(sealedPath(dataDir, "x")).mode & 0o777).toBe(0o600);
  });

  it("never writes the plaintext: the sealed file holds magic, IV, ciphertext and tag", async () => {
    const dataDir = tempDir();
    const platform = await open(dataDir);
    await platform.sealed.write("secret", canary);
    const file = readFileSync(sealedPath(dataDir, "secret"));
    expect(file.length).toBe(8 + 12 + canary.length + 16);
    expect(file.subarray(0, 8).toString("latin1")).toBe("PHSEAL1\0");
    expect(file.indexOf(Buffer.from(canary))).toBe(-1);
    expect(file.indexOf(Buffer.from("CANARY"))).toBe(-1);
    // A fresh IV each time: sealing the same data twice gives different files.
    await platform.sealed.write("again", canary);
    expect(readFileSync(sealedPath(dataDir, "again")).equals(file)).toBe(false);
  });

  it("refuses files sealed with another secret", async () => {
    const first = tempDir();
    const second = tempDir();
    await (await open(first)).sealed.write("identity", canary);
    const other = await open(second);
    copyFileSync(sealedPath(first, "identity"), sealedPath(second, "identity"));
    const error = await sealError(() => other.sealed.read("identity"), "SEAL_CORRUPT");
    expect(error.message).toContain("sealed by another enclave or secret");
  });

  it("refuses a sealed file moved to another name", async () => {
    const dataDir = tempDir();
    const platform = await open(dataDir);
    await platform.sealed.write("worker-key", canary);
    renameSync(sealedPath(dataDir, "worker-key"), sealedPath(dataDir, "gatekeeper-key"));
    await sealError(() => platform.sealed.read("gatekeeper-key"), "SEAL_CORRUPT");
  });

  it("refuses every tampered byte and truncated files", async () => {
    const dataDir = tempDir();
    const platform = await open(dataDir);
    await platform.sealed.write("state", canary);
    const path = sealedPath(dataDir, "state");
    const original = readFileSync(path);
    for (let index = 0; index < original.length; index++) {
      const tampered = Buffer.from(original);
      tampered[index] = (tampered[index] as number) ^ 0x01;
      writeFileSync(path, tampered);
      await sealError(() => platform.sealed.read("state"), "SEAL_CORRUPT");
    }
    for (const length of [0, 8, 20, 35, original.length - 1]) {
      writeFileSync(path, original.subarray(0, length));
      await sealError(() => platform.sealed.read("state"), "SEAL_CORRUPT");
    }
    writeFileSync(path, original);
    expect(await platform.sealed.read("state")).toEqual(canary);
  });

  it("writes atomically: no temporary files remain, and a crash's leftovers are removed on open", async () => {
    const dataDir = tempDir();
    const platform = await open(dataDir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => platform.sealed.write(`f${i % 4}`, Uint8Array.of(i))));
    expect(readdirSync(join(dataDir, "sealed")).sort()).toEqual(["f0.sealed", "f1.sealed", "f2.sealed", "f3.sealed"]);
    writeFileSync(join(dataDir, "sealed", "f0.sealed.tmp-0123abcd"), "half-written");
    expect(await platform.sealed.list("")).toEqual(["f0", "f1", "f2", "f3"]);
    await open(dataDir);
    expect(readdirSync(join(dataDir, "sealed")).sort()).toEqual(["f0.sealed", "f1.sealed", "f2.sealed", "f3.sealed"]);
    expect(readdirSync(dataDir).sort()).toEqual(["sealed", SIM_SECRET_FILE]);
  });

  it("restricts names to [A-Za-z0-9._-]", async () => {
    const platform = await open(tempDir());
    for (const name of ["", ".", "..", "../escape", "a/b", "a\\b", "naïve", "x y", "x".repeat(129), "a\0b"]) {
      await sealError(() => platform.sealed.write(name, canary), "SEAL_BAD_NAME");
      await sealError(() => platform.sealed.read(name), "SEAL_BAD_NAME");
      await sealError(() => platform.sealed.remove(name), "SEAL_BAD_NAME");
    }
    await platform.sealed.write("A-z_0.9", canary);
    await platform.sealed.write("x".repeat(128), canary);
    await sealError(() => platform.sealed.write("data", "text" as unknown as Uint8Array), "SEAL_BAD_DATA");
  });

  it("creates one secret when two starts race", async () => {
    const dataDir = join(tempDir(), "data");
    const [a, b] = await Promise.all([open(dataDir), open(dataDir)]);
    await a.sealed.write("shared", canary);
    expect(await b.sealed.read("shared")).toEqual(canary);
    expect(readdirSync(dataDir).sort()).toEqual(["sealed", SIM_SECRET_FILE]);
  });

  it("refuses a damaged secret and a measurement that is not 32 bytes", async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, SIM_SECRET_FILE), new Uint8Array(31));
    await expect(open(dataDir)).rejects.toMatchObject({ name: "PlatformError", code: "PLATFORM_BAD_SECRET" });
    await expect(openSimPlatform({ dataDir: tempDir(), measurement: new Uint8Array(31) })).rejects.toBeInstanceOf(
      PlatformError,
    );
  });

  it("quotes with a simulated quote of its measurement", async () => {
    const reportData = new Uint8Array(64).map((_, i) => 255 - i);
    for (const debug of [false, true]) {
      const platform = await openSimPlatform({ dataDir: tempDir(), measurement, debug });
      const attestation = await platform.quote(reportData);
      expect(attestation.type).toBe("Simulated");
      if (attestation.type !== "Simulated") return;
      expect(verifySimulatedQuote(attestation.value, [simQuotingPublicKey()])).toEqual({
        kind: "simulated",
        measurement,
        reportData,
        debug,
      });
      await expect(platform.quote(new Uint8Array(63))).rejects.toMatchObject({ code: "ATTESTATION_INVALID_ARGUMENT" });
    }
  });

  it("measures the built pRuntime bundle by default", async () => {
    const platform = await openSimPlatform({ dataDir: tempDir() });
    expect(platform.measurement).toEqual(await bundleMeasurement(pruntimeBundleDirs()));
  });

  it("is what openPlatform opens for kind sim", async () => {
    const platform = await openPlatform("sim", { dataDir: tempDir(), measurement });
    expect(platform.kind).toBe("sim");
    await expect(openPlatform("sgx" as "sim", { dataDir: tempDir() })).rejects.toMatchObject({
      code: "PLATFORM_UNKNOWN_KIND",
    });
    const kind = "sim" as "sim" | "gramine";
    await expect(openPlatform(kind, {})).rejects.toMatchObject({ code: "PLATFORM_BAD_OPTIONS" });
  });
});
