import type { Attestation } from "@phala-ts/attestation";

export type PlatformKind = "sim" | "gramine";

/**
 * Files only this enclave can read. `sim` encrypts them with a key derived from a local secret;
 * `gramine` writes them under an encrypted mount that Gramine keys to the enclave's measurement.
 * Writes are atomic: a reader sees the old content or the new, never a mix.
 */
export interface SealedStore {
  write(name: string, data: Uint8Array): Promise<void>;
  /** The unsealed content, or undefined when no such file exists; a file that fails to unseal throws. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Names of sealed files starting with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  remove(name: string): Promise<void>;
}

/** What pRuntime needs from the enclave it runs in. */
export interface EnclavePlatform {
  readonly kind: PlatformKind;
  /** The code identity: MRENCLAVE under SGX; in simulation the hash of the built pRuntime bundle. */
  readonly measurement: Uint8Array;
  readonly sealed: SealedStore;
  /** Evidence that this enclave produced `reportData` (exactly 64 bytes). */
  quote(reportData: Uint8Array): Promise<Attestation>;
}
