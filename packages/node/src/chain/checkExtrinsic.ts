import type { ExtrinsicSignature } from "@phala-ts/core";
import {
  blake2_256,
  decodeExtrinsic,
  equalBytes,
  eraBirth,
  extrinsicSignatureCheck,
  isEraValidAt,
  verifyMultiSignature,
} from "@phala-ts/core";
import { systemStorage } from "../pallets/system.js";
import type { Runtime, RuntimeCall } from "../runtime/runtime.js";
import type { StorageReader } from "../runtime/storageItem.js";
import type { DispatchInfo } from "../runtime/weight.js";
import type { DecodedExtrinsic, DecodedExtrinsics } from "./decodedExtrinsics.js";
import type { DeferredChecks } from "./deferredChecks.js";
import { TransactionInvalidError } from "./transactionValidity.js";
import type { VerifiedMessages } from "./verifiedMessages.js";
import type { VerifiedSignatures } from "./verifiedSignatures.js";

/** An extrinsic whose format, call and signature have been checked against a chain state. */
export interface CheckedExtrinsic {
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
  readonly signed: ExtrinsicSignature | undefined;
  readonly call: RuntimeCall;
  readonly info: DispatchInfo;
}

export interface ChainContext {
  /** Signatures this node already verified (its own producer's shortcut; absent when importing). */
  readonly verifiedSignatures?: VerifiedSignatures;
  /** Offchain messages whose signature this node verified (the pool's, trusted by its own producer). */
  readonly verifiedMessages?: VerifiedMessages;
  /** Extrinsics already decoded, by hash (the pool's decoding, reused by the producer). */
  readonly decodedExtrinsics?: DecodedExtrinsics;
  /**
   * Where signatures not yet verified go instead of being verified inline, the run going on as if
   * they passed (the pool's run ahead of its verifier threads); absent: verified inline.
   */
  readonly deferredChecks?: DeferredChecks;
  readonly genesisHash: Uint8Array;
  readonly maxExtrinsicSize: number;
}

/**
 * Decodes `bytes` and checks everything that does not depend on ordering: format, size, call,
 * mortality, and the signature over the payload with this chain's genesis hash and spec version.
 * `blockNumber` is the block the extrinsic would be included in.
 */
export function checkExtrinsic(
  runtime: Runtime,
  chain: ChainContext,
  state: StorageReader,
  blockNumber: number,
  bytes: Uint8Array,
): CheckedExtrinsic {
  const { extrinsic, call, info, hash } = decode(runtime, chain, bytes);
  const signed = extrinsic.signed;
  if (signed === undefined) {
    if (runtime.requiredOrigin(call) !== "none") throw new TransactionInvalidError("BadSigner", { why: "unsigned" });
    return { bytes, hash, signed, call, info };
  }
  if (runtime.requiredOrigin(call) === "none") throw new TransactionInvalidError("Call", { why: "inherent signed" });
  const { era } = signed.extra;
  if (!isEraValidAt(era, blockNumber)) throw new TransactionInvalidError("Stale", { why: "era ended" });
  const birth = eraBirth(era, blockNumber);
  const birthHash =
    birth === 0 || era.type === "Immortal" ? chain.genesisHash : systemStorage.BlockHash.get(state, birth);
  if (birth !== 0 && era.type !== "Immortal" && equalBytes(birthHash, ZERO_HASH)) {
    throw new TransactionInvalidError("AncientBirthBlock", { birth });
  }
  const additional = {
    specVersion: runtime.version.specVersion,
    transactionVersion: runtime.version.transactionVersion,
    genesisHash: chain.genesisHash,
    birthHash,
  };
  const cache = chain.verifiedSignatures;
  if (cache === undefined || !cache.has(hash)) {
    // Signed (checked above): there is a signature to check.
    const check = extrinsicSignatureCheck(extrinsic, additional)!;
    if (chain.deferredChecks !== undefined) {
      chain.deferredChecks.defer(check, () => cache?.add(hash));
    } else {
      if (!verifyMultiSignature(check.signature, check.message, check.signer))
        throw new TransactionInvalidError("BadProof");
      cache?.add(hash);
    }
  }
  return { bytes, hash, signed, call, info };
}

const ZERO_HASH = new Uint8Array(32);

/** The extrinsic and its call, decoded, from the chain's cache when it has already seen these bytes. */
function decode(runtime: Runtime, chain: ChainContext, bytes: Uint8Array): DecodedExtrinsic & { hash: Uint8Array } {
  const cache = chain.decodedExtrinsics;
  // Only bytes that pass the size check are hashed first: anything else fails decoding as before.
  const cacheable = cache !== undefined && bytes instanceof Uint8Array && bytes.length <= chain.maxExtrinsicSize;
  const hash = cacheable ? blake2_256(bytes) : undefined;
  const known = hash === undefined ? undefined : cache?.get(hash);
  if (known !== undefined && hash !== undefined) return { ...known, hash };
  const extrinsic = decodeExtrinsic(bytes, { maxSize: chain.maxExtrinsicSize });
  const call = runtime.decodeCall(extrinsic.call);
  const decoded = { extrinsic, call, info: runtime.dispatchInfo(call) };
  if (hash !== undefined) cache?.add(hash, decoded);
  return { ...decoded, hash: hash ?? blake2_256(bytes) };
}
