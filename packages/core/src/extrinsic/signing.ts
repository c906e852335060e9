import { concatBytes } from "../bytes/index.js";
import { blake2_256 } from "../hashing/index.js";
import { type Keypair, type MultiSignature, multiSign, verifyMultiSignature } from "../keys/index.js";
import { type Extrinsic, encodeExtrinsic } from "./extrinsic.js";
import { ExtrinsicError } from "./extrinsicError.js";
import { type AdditionalSigned, AdditionalSignedCodec, type Extra, ExtraCodec } from "./signedExtensions.js";

/** Payloads longer than this are signed as their blake2_256 (sp_runtime `SignedPayload::using_encoded`). */
export const MAX_UNHASHED_PAYLOAD_LENGTH = 256;

/** call ++ extra ++ additional signed, or its blake2_256 when longer than 256 bytes. */
export function signingPayload(call: Uint8Array, extra: Extra, additional: AdditionalSigned): Uint8Array {
  if (!(call instanceof Uint8Array)) throw new ExtrinsicError("EXTRINSIC_MALFORMED", "the call must be bytes");
  const payload = concatBytes(call, ExtraCodec.enc(extra), AdditionalSignedCodec.enc(additional));
  return payload.length > MAX_UNHASHED_PAYLOAD_LENGTH ? blake2_256(payload) : payload;
}

/** The encoded (length-prefixed) extrinsic, signed by `keypair` for its AccountId32. */
export function signExtrinsic(
  keypair: Keypair,
  call: Uint8Array,
  extra: Extra,
  additional: AdditionalSigned,
): Uint8Array {
  const signature = multiSign(keypair, signingPayload(call, extra, additional));
  return encodeExtrinsic({ signed: { signer: keypair.accountId, signature, extra }, call });
}

/** One signature to verify: what `verifyMultiSignature` takes (an Ed25519 message signature is one too). */
export interface SignatureCheck {
  readonly signature: MultiSignature;
  readonly message: Uint8Array;
  readonly signer: Uint8Array;
}

/**
 * What verifying the extrinsic's signature checks: its signature, the payload rebuilt with
 * `additional` (the verifier's own spec/transaction version, genesis hash and birth-block hash)
 * and its signer; undefined for an unsigned extrinsic. Throws only when `additional` cannot be
 * encoded.
 */
export function extrinsicSignatureCheck(
  extrinsic: Extrinsic,
  additional: AdditionalSigned,
): SignatureCheck | undefined {
  const { signed, call } = extrinsic;
  if (signed === undefined) return undefined;
  return {
    signature: signed.signature,
    message: signingPayload(call, signed.extra, additional),
    signer: signed.signer,
  };
}

/**
 * Whether the extrinsic's signature is its signer's over the payload rebuilt with `additional`. An
 * unsigned extrinsic has no valid signature. Throws only when `additional` cannot be encoded.
 */
export function verifyExtrinsicSignature(extrinsic: Extrinsic, additional: AdditionalSigned): boolean {
  const check = extrinsicSignatureCheck(extrinsic, additional);
  return check !== undefined && verifyMultiSignature(check.signature, check.message, check.signer);
}
