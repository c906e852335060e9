import { Bytes, Option, Struct, Tuple, u32, Vector } from "@polkadot-api/substrate-bindings";

/** A block's extrinsics, as stored. */
export const bodyCodec = Vector(Bytes());

/** One storage change with the value it replaced, so old states can be rebuilt backwards. */
export interface StoredChange {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
  readonly previous: Uint8Array | undefined;
}

export const changesCodec = Vector(Struct({ key: Bytes(), value: Option(Bytes()), previous: Option(Bytes()) }));

/** Pointers to the chain's tips. */
export const headPointerCodec = Tuple(Bytes(32), u32);
