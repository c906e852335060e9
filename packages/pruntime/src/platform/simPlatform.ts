import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createSimulatedQuote, MEASUREMENT_LENGTH } from "@phala-ts/attestation";
import { readFileIfExists, writeFileAtomic } from "./atomicFile.js";
import { bundleMeasurement, pruntimeBundleDirs } from "./bundleMeasurement.js";
import type { EnclavePlatform } from "./enclavePlatform.js";
import { FileSealedStore } from "./fileSealedStore.js";
import { errnoCode, PlatformError } from "./platformError.js";
import { simSealCodec, simSealingKey } from "./simSealing.js";

export const SIM_SECRET_FILE = "sim-sealing.secret";
export const SIM_SECRET_LENGTH = 32;
export const SIM_SEALED_DIR = "sealed";

export interface SimPlatformOptions {
  /** Holds the sealing secret and `sealed/`; created with mode 0700. */
  readonly dataDir: string;
  /** The simulated MRENCLAVE; by default the hash of the built pRuntime bundle. */
  readonly measurement?: Uint8Array;
  /** The `debug` flag of simulated quotes; false unless given. */
  readonly debug?: boolean;
}

async function readSecret(path: string): Promise<Uint8Array | undefined> {
  const secret = await readFileIfExists(path);
  if (secret === undefined) return undefined;
  if (secret.length !== SIM_SECRET_LENGTH) {
    secret.fill(0);
    throw new PlatformError(
      "PLATFORM_BAD_SECRET",
      `${path} must hold ${SIM_SECRET_LENGTH} bytes: it is damaged (files sealed with it cannot be recovered)`,
      { path },
    );
  }
  return secret;
}

/** The local sealing secret, created (0600, atomically, exclusively) on first start. */
async function loadOrCreateSecret(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, SIM_SECRET_FILE);
  const existing = await readSecret(path);
  if (existing !== undefined) return existing;
  const secret = new Uint8Array(randomBytes(SIM_SECRET_LENGTH));
  try {
    await writeFileAtomic(path, secret, { mode: 0o600, exclusive: true });
    return secret;
  } catch (error) {
    secret.fill(0);
    // Another start created it first: use that one.
    if (errnoCode(error) === "EEXIST") return (await readSecret(path)) as Uint8Array;
    throw error;
  }
}

/**
 * The `sim` platform: no SGX. Sealed files are AES-256-GCM under a key derived from a local
 * secret file (anyone who can read `dataDir` can unseal them), and quotes are simulated quotes
 * signed by the well-known simulated quoting key. For development and tests only.
 */
export async function openSimPlatform(options: SimPlatformOptions): Promise<EnclavePlatform> {
  const { dataDir, debug = false } = options;
  if (typeof dataDir !== "string" || dataDir === "") {
    throw new PlatformError("PLATFORM_BAD_OPTIONS", "the sim platform needs a dataDir");
  }
  if (typeof debug !== "boolean") throw new PlatformError("PLATFORM_BAD_OPTIONS", "debug must be a boolean");
  if (options.measurement !== undefined) {
    const given = options.measurement;
    if (!(given instanceof Uint8Array) || given.length !== MEASUREMENT_LENGTH) {
      throw new PlatformError("PLATFORM_BAD_MEASUREMENT", `measurement must be ${MEASUREMENT_LENGTH} bytes`, {
        length: given instanceof Uint8Array ? given.length : -1,
      });
    }
  }
  const measurement = (options.measurement ?? (await bundleMeasurement(pruntimeBundleDirs()))).slice();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = await loadOrCreateSecret(dataDir);
  const key = simSealingKey(secret);
  secret.fill(0);
  const sealed = await FileSealedStore.open(join(dataDir, SIM_SEALED_DIR), simSealCodec(key));
  const quoted = measurement.slice();
  return {
    kind: "sim",
    measurement,
    sealed,
    quote: async (reportData) => ({
      type: "Simulated",
      value: createSimulatedQuote({ measurement: quoted, reportData, debug }),
    }),
  };
}
