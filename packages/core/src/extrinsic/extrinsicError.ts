import { PhalaError } from "../errors/index.js";

/**
 * Rules of the extrinsic format that SCALE itself cannot express. Bytes that are not valid SCALE
 * for the expected shape (truncated, trailing, unknown enum index, non-canonical or out-of-range
 * compact) stay `ScaleDecodeError` from core, never wrapped: both are `PhalaError`s, and a
 * caller that only needs "undecodable" can test `isPhalaError`.
 */
export type ExtrinsicErrorCode =
  /** The version byte is neither 0x84 (signed v4) nor 0x04 (unsigned v4). */
  | "EXTRINSIC_BAD_VERSION"
  /** The encoded extrinsic is longer than the allowed maximum; nothing was decoded. */
  | "EXTRINSIC_TOO_LARGE"
  /** Options that make no sense (a negative maximum size). */
  | "EXTRINSIC_INVALID_OPTIONS"
  /** Structurally decodable but not an extrinsic (an empty call), or a value that cannot be encoded. */
  | "EXTRINSIC_MALFORMED"
  /** A signer given as a MultiAddress kind other than Id or Address32. */
  | "EXTRINSIC_UNSUPPORTED_ADDRESS"
  /** A MultiAddress value that cannot be encoded (unknown kind, wrong length, index out of range). */
  | "MULTIADDRESS_INVALID"
  /** An era that sp-runtime would not decode, or arguments no era can be built from. */
  | "EXTRA_INVALID_ERA"
  /** A nonce that is not a u32. */
  | "EXTRA_INVALID_NONCE"
  /** A tip that is not a u128. */
  | "EXTRA_INVALID_TIP"
  /** A spec or transaction version that is not a u32, or a hash that is not 32 bytes. */
  | "ADDITIONAL_SIGNED_INVALID";

export class ExtrinsicError extends PhalaError<ExtrinsicErrorCode> {
  override readonly name = "ExtrinsicError";
}
