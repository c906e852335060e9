import { Bytes, Tuple, u32 } from "@polkadot-api/substrate-bindings";
import { t } from "../runtime/scaleType.js";

// Declared with the runtime's types for their in-place encoders: the same bytes as Vector(Bytes())
// and Vector(Struct(…)) of substrate-bindings (scaleWriter.test.ts).

/** A block's extrinsics, as stored. */
export const bodyCodec = t.vec(t.bytes).codec;

/** One storage change with the value it replaced, so old states can be rebuilt backwards. */
export interface StoredChange {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
  readonly previous: Uint8Array | undefined;
}

export const changesCodec = t.vec(
  t.struct([], { key: t.bytes, value: t.option(t.bytes), previous: t.option(t.bytes) }),
).codec;

/** Pointers to the chain's tips. */
export const headPointerCodec = Tuple(Bytes(32), u32);
