import { Bytes, createDecoder, type Decoder, u8 } from "@polkadot-api/substrate-bindings";
import { concatBytes } from "../bytes/index.js";
import { blake2_256 } from "../hashing/index.js";
import { type MultiSignature, MultiSignatureCodec } from "../keys/index.js";
import { decodeExact, ScaleDecodeError } from "../scale/index.js";
import { compactU32 } from "./canonicalCompact.js";
import { ExtrinsicError } from "./extrinsicError.js";
import { idAddress, MultiAddressCodec, signerAccountId } from "./multiAddress.js";
import { type Extra, ExtraCodec } from "./signedExtensions.js";

export interface ExtrinsicSignature {
  /** The signer's AccountId32, encoded as `MultiAddress::Id`. */
  readonly signer: Uint8Array;
  readonly signature: MultiSignature;
  readonly extra: Extra;
}

/** A v4 extrinsic; the call stays opaque bytes for the runtime to decode. */
export interface Extrinsic {
  readonly signed?: ExtrinsicSignature;
  readonly call: Uint8Array;
}

export const EXTRINSIC_FORMAT_VERSION = 4;
export const SIGNED_EXTRINSIC_VERSION = 0x84;
export const UNSIGNED_EXTRINSIC_VERSION = 0x04;

/** frame_system's default maximum block length, which no single extrinsic can exceed. */
export const DEFAULT_MAX_EXTRINSIC_SIZE = 5 * 1024 * 1024;

export interface DecodeExtrinsicOptions {
  /** Longest accepted encoding in bytes, length prefix included; `DEFAULT_MAX_EXTRINSIC_SIZE` if absent. */
  readonly maxSize?: number;
}

type Positioned = Uint8Array & { i: number };

function malformed(message: string, details: Record<string, unknown> = {}): ExtrinsicError {
  return new ExtrinsicError("EXTRINSIC_MALFORMED", message, details);
}

function assertCall(call: Uint8Array): void {
  if (!(call instanceof Uint8Array)) throw malformed("the call must be bytes");
  if (call.length === 0) throw malformed("the call is empty");
}

/** version byte ++ [Id(signer) ++ MultiSignature ++ Extra] ++ call, without the length prefix. */
function encodeBody(extrinsic: Extrinsic): Uint8Array {
  assertCall(extrinsic?.call);
  const { signed, call } = extrinsic;
  if (signed === undefined) return concatBytes(u8.enc(UNSIGNED_EXTRINSIC_VERSION), call);
  const signer: unknown = signed.signer;
  if (!(signer instanceof Uint8Array) || signer.length !== 32) throw malformed("the signer must be 32 bytes");
  return concatBytes(
    u8.enc(SIGNED_EXTRINSIC_VERSION),
    MultiAddressCodec.enc(idAddress(signer)),
    MultiSignatureCodec.enc(signed.signature),
    ExtraCodec.enc(signed.extra),
    call,
  );
}

/** `Compact<u32>(body length) ++ body`: the opaque form found in block bodies and `author_submitExtrinsic`. */
export function encodeExtrinsic(extrinsic: Extrinsic): Uint8Array {
  return Bytes().enc(encodeBody(extrinsic));
}

const lengthPrefixed: Decoder<Uint8Array> = createDecoder((input) => Bytes(compactU32.dec(input)).dec(input));

const restOfInput = Bytes(Number.POSITIVE_INFINITY).dec;

const bodyDecoder: Decoder<Extrinsic> = createDecoder((input) => {
  const version = u8.dec(input);
  if (version !== SIGNED_EXTRINSIC_VERSION && version !== UNSIGNED_EXTRINSIC_VERSION) {
    throw new ExtrinsicError("EXTRINSIC_BAD_VERSION", "not a v4 extrinsic", { version });
  }
  let signed: ExtrinsicSignature | undefined;
  if (version === SIGNED_EXTRINSIC_VERSION) {
    const address = MultiAddressCodec.dec(input);
    const signature = MultiSignatureCodec.dec(input);
    const extra = ExtraCodec.dec(input);
    signed = { signer: signerAccountId(address), signature, extra };
  }
  // A fixed-length read past the end does not throw in scale-ts; it only moves the position.
  if ((input as Positioned).i > input.length) {
    throw new ScaleDecodeError("SCALE_TRUNCATED", "Extrinsic: input ends early", { what: "Extrinsic" });
  }
  const call = restOfInput(input);
  if (call.length === 0) throw malformed("the call is empty");
  return signed === undefined ? { call } : { signed, call };
});

/**
 * Decodes one length-prefixed extrinsic. Input longer than `maxSize` is refused before anything is
 * decoded (`EXTRINSIC_TOO_LARGE`); other rule violations are `ExtrinsicError`s; bytes that are not
 * SCALE for this shape (truncated, trailing, unknown variant, non-canonical compact) are
 * `ScaleDecodeError`s. A signer given as `Address32` decodes to the same value as `Id`.
 */
export function decodeExtrinsic(bytes: Uint8Array, options: DecodeExtrinsicOptions = {}): Extrinsic {
  const maxSize = options.maxSize ?? DEFAULT_MAX_EXTRINSIC_SIZE;
  if (!Number.isSafeInteger(maxSize) || maxSize < 0) {
    throw new ExtrinsicError("EXTRINSIC_INVALID_OPTIONS", "maxSize must be a non-negative safe integer", {
      maxSize: String(maxSize),
    });
  }
  if (bytes instanceof Uint8Array && bytes.length > maxSize) {
    throw new ExtrinsicError("EXTRINSIC_TOO_LARGE", `extrinsic of ${bytes.length} bytes exceeds ${maxSize}`, {
      length: bytes.length,
      maxSize,
    });
  }
  const body = decodeExact(lengthPrefixed, bytes, "Extrinsic");
  return decodeExact(bodyDecoder, body, "Extrinsic");
}

/** blake2_256 of the full length-prefixed encoding, as Substrate hashes extrinsics. */
export function extrinsicHash(encoded: Uint8Array): Uint8Array {
  return blake2_256(encoded);
}
