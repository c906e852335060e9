import {
  _void,
  Bytes,
  type Codec,
  Option,
  Struct,
  u8,
  u32,
  u64,
  Variant,
  Vector,
} from "@polkadot-api/substrate-bindings";
import { decodeExact } from "../scale/decodeExact.js";
import { storageKey } from "../storage/index.js";

/** The kind of evidence a worker registered with. */
export type AttestationProvider =
  | { readonly type: "Simulated"; readonly value: undefined }
  | { readonly type: "SgxDcap"; readonly value: undefined }
  | { readonly type: "SgxIas"; readonly value: undefined };

/**
 * A registered worker as the chain stores it (`PhalaRegistry.Workers`, by identity key): what
 * pherry reads to decide whether to re-register and what clients compare with a worker's `/info`.
 */
export interface WorkerRecord {
  readonly pubkey: Uint8Array;
  readonly ecdhPubkey: Uint8Array;
  readonly runtimeVersion: number;
  readonly machineId: Uint8Array;
  readonly features: number[];
  readonly operator: Uint8Array | undefined;
  readonly attestationProvider: AttestationProvider;
  /** MRENCLAVE, or the simulated bundle hash. */
  readonly measurement: Uint8Array;
  /** 1 (up to date) to 5 (out of date, or simulated). */
  readonly confidenceLevel: number;
  /** When the worker last registered: the block's `Timestamp.Now`, in milliseconds. */
  readonly lastUpdated: bigint;
}

export const attestationProviderCodec = Variant(
  { Simulated: _void, SgxDcap: _void, SgxIas: _void },
  [0, 1, 2],
) as unknown as Codec<AttestationProvider>;

export const workerRecordCodec: Codec<WorkerRecord> = Struct({
  pubkey: Bytes(32),
  ecdhPubkey: Bytes(32),
  runtimeVersion: u32,
  machineId: Bytes(),
  features: Vector(u32),
  operator: Option(Bytes(32)),
  attestationProvider: attestationProviderCodec,
  measurement: Bytes(32),
  confidenceLevel: u8,
  lastUpdated: u64,
});

export function decodeWorkerRecord(bytes: Uint8Array): WorkerRecord {
  return decodeExact(workerRecordCodec.dec, bytes, "WorkerRecord");
}

/** The storage key of a worker's record: `PhalaRegistry.Workers`, Twox64Concat of its identity key. */
export function workerRecordKey(identityPublicKey: Uint8Array): Uint8Array {
  return storageKey("PhalaRegistry", "Workers", ["Twox64Concat", identityPublicKey]);
}
