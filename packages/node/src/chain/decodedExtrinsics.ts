import { byteKey, type Extrinsic } from "@phala-ts/core";
import type { RuntimeCall } from "../runtime/runtime.js";
import type { DispatchInfo } from "../runtime/weight.js";

/** What decoding an extrinsic's bytes gives, whatever the chain state. */
export interface DecodedExtrinsic {
  readonly extrinsic: Extrinsic;
  readonly call: RuntimeCall;
  readonly info: DispatchInfo;
}

/**
 * Extrinsics this node already decoded, by hash (so by content): the pool decodes a transaction
 * when it takes it and on each revalidation, and the block producer once more when it includes
 * it. Bounded; the oldest entries go first. Values are shared: nothing may change them.
 */
export class DecodedExtrinsics {
  readonly #byHash = new Map<string, DecodedExtrinsic>();

  constructor(readonly capacity = 16_384) {}

  get(hash: Uint8Array): DecodedExtrinsic | undefined {
    return this.#byHash.get(byteKey(hash));
  }

  add(hash: Uint8Array, decoded: DecodedExtrinsic): void {
    const key = byteKey(hash);
    if (this.#byHash.has(key)) return;
    this.#byHash.set(key, decoded);
    if (this.#byHash.size > this.capacity) this.#byHash.delete(this.#byHash.keys().next().value!);
  }
}
