import { concatBytes } from "../bytes/index.js";
import { blake2_256 } from "../hashing/index.js";
import { type Keypair, multiSign, verifyMultiSignature } from "../keys/index.js";
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

/**
 * Whether the extrinsic's signature is its signer's over the payload rebuilt with `additional` (the
 * verifier's own spec/transaction version, genesis hash and birth-block hash). An unsigned
 * extrinsic has no valid signature. Throws only when `additional` cannot be encoded.
 */
export function verifyExtrinsicSignature(extrinsic: Extrinsic, additional: AdditionalSigned): boolean {
  const { signed, call } = extrinsic;
  if (signed === undefined) return false;
  return verifyMultiSignature(signed.signature, signingPayload(call, signed.extra, additional), signed.signer);
}
