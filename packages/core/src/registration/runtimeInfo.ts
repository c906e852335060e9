import { Bytes, type Codec, Option, Struct, u32, Vector } from "@polkadot-api/substrate-bindings";
import { concatBytes } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { decodeExact } from "../scale/decodeExact.js";

/**
 * What a pRuntime tells the chain when it registers, bound into its attestation: the chain
 * stores the keys only if `report_data` of the evidence commits to exactly these bytes.
 */
export interface RuntimeInfo {
  /** The pRuntime protocol version. */
  readonly version: number;
  /** An identifier of the machine (hardware id under SGX, a random id in simulation). */
  readonly machineId: Uint8Array;
  /** Ed25519 identity key: signs egress messages and public API responses. */
  readonly identityPublicKey: Uint8Array;
  /** X25519 key that secrets are encrypted to. */
  readonly ecdhPublicKey: Uint8Array;
  /** The genesis the pRuntime was initialised with: the chain refuses another chain's workers. */
  readonly genesisHash: Uint8Array;
  /** `[cpu cores, feature bits]`, as Phala's registration carries them. */
  readonly features: number[];
  /** The account that operates this worker, when one was given at init. */
  readonly operator: Uint8Array | undefined;
}

export const RUNTIME_INFO_VERSION = 1;

export const runtimeInfoCodec: Codec<RuntimeInfo> = Struct({
  version: u32,
  machineId: Bytes(),
  identityPublicKey: Bytes(32),
  ecdhPublicKey: Bytes(32),
  genesisHash: Bytes(32),
  features: Vector(u32),
  operator: Option(Bytes(32)),
});

export function encodeRuntimeInfo(info: RuntimeInfo): Uint8Array {
  return runtimeInfoCodec.enc(info);
}

export function decodeRuntimeInfo(bytes: Uint8Array): RuntimeInfo {
  return decodeExact(runtimeInfoCodec.dec, bytes, "RuntimeInfo");
}

/** The 64 bytes of `report_data` an attestation of `info` carries: blake2-256(SCALE(info)) ++ 32 zero bytes. */
export function runtimeInfoReportData(info: RuntimeInfo | Uint8Array): Uint8Array {
  const encoded = info instanceof Uint8Array ? info : encodeRuntimeInfo(info);
  return concatBytes(blake2_256(encoded), new Uint8Array(32));
}
