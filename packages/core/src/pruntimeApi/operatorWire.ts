import { Bytes, type Codec, Option, Struct, Tuple, u32, u64, Vector } from "@polkadot-api/substrate-bindings";
import { decodeExact } from "../scale/decodeExact.js";

/**
 * The SCALE bodies of pRuntime's operator endpoints, shared by pRuntime and whoever feeds it
 * (pherry, tests). Headers and justifications travel as their exact SCALE bytes, so the hash the
 * enclave computes is over what the node produced, never over a re-encoding.
 */

const authoritySetCodec = Struct({
  setId: u64,
  authorities: Vector(Tuple(Bytes(32), u64)),
});

export interface InitRequest {
  readonly genesisHeader: Uint8Array;
  /** Every key and value of the genesis state, checked against the header's state root. */
  readonly genesisStorage: [key: Uint8Array, value: Uint8Array][];
  /** The genesis authority set, checked against `Session.Authorities` and `Session.CurrentSetId`. */
  readonly authoritySet: { setId: bigint; authorities: [id: Uint8Array, weight: bigint][] };
  readonly operator: Uint8Array | undefined;
}

export const initRequestCodec: Codec<InitRequest> = Struct({
  genesisHeader: Bytes(),
  genesisStorage: Vector(Tuple(Bytes(), Bytes())),
  authoritySet: authoritySetCodec,
  operator: Option(Bytes(32)),
});

export interface SyncHeaderRequest {
  /** Consecutive headers following the last synced one, each as its SCALE bytes. */
  readonly headers: Uint8Array[];
  /** The justification of the last header, as SCALE bytes. */
  readonly justification: Uint8Array | undefined;
}

export const syncHeaderRequestCodec: Codec<SyncHeaderRequest> = Struct({
  headers: Vector(Bytes()),
  justification: Option(Bytes()),
});

export interface BlockChanges {
  readonly number: number;
  /** The block's storage changes in key order: a value to set, or undefined to delete. */
  readonly changes: [key: Uint8Array, value: Uint8Array | undefined][];
}

export const dispatchBlocksRequestCodec: Codec<{ blocks: BlockChanges[] }> = Struct({
  blocks: Vector(Struct({ number: u32, changes: Vector(Tuple(Bytes(), Option(Bytes()))) })),
});

/** The answer of `sync-header`, `dispatch-blocks` and `checkpoint`: where the enclave stands now. */
export interface SyncStatus {
  readonly syncedHeight: number;
  readonly dispatchedHeight: number;
}

export const syncStatusCodec: Codec<SyncStatus> = Struct({ syncedHeight: u32, dispatchedHeight: u32 });

/** The answer of `init` and `runtime-info`: the SCALE `RuntimeInfo` and the SCALE `Attestation` over it. */
export interface RuntimeInfoResponse {
  readonly info: Uint8Array;
  readonly attestation: Uint8Array;
}

export const runtimeInfoResponseCodec: Codec<RuntimeInfoResponse> = Struct({ info: Bytes(), attestation: Bytes() });

export function decodeOperatorBody<T>(codec: Codec<T>, bytes: Uint8Array, what: string): T {
  return decodeExact(codec.dec, bytes, what);
}
