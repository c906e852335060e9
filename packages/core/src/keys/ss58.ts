import { fromBufferToBase58, getSs58AddressInfo, type SS58String } from "@polkadot-api/substrate-bindings";
import { base58 } from "@scure/base";
import { PhalaError } from "../errors/phalaError.js";

export type Ss58ErrorCode = "SS58_INVALID" | "SS58_INVALID_PREFIX" | "SS58_BAD_CHECKSUM" | "SS58_PREFIX_MISMATCH";

export class Ss58Error extends PhalaError<Ss58ErrorCode> {
  override readonly name = "Ss58Error";
}

/** Substrate's generic prefix; Phala's own is {@link PHALA_SS58_PREFIX}. */
export const SUBSTRATE_SS58_PREFIX = 42;
export const PHALA_SS58_PREFIX = 30;

/** AccountId32 and public keys are 32 bytes; ecdsa public keys are 33. */
export type Ss58PayloadLength = 32 | 33;

export interface Ss58DecodeOptions {
  /** Reject an address of any other prefix. */
  readonly prefix?: number;
  /** Payload length to accept (default 32, an AccountId32). */
  readonly length?: Ss58PayloadLength;
}

export interface Ss58Address {
  readonly publicKey: Uint8Array;
  readonly prefix: number;
}

function assertPrefix(prefix: number): void {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 16383) {
    throw new Ss58Error("SS58_INVALID_PREFIX", "SS58 prefix must be an integer in 0..16383", { prefix });
  }
  // Reserved by the SS58 registry; sp_core refuses to decode them (`format_is_allowed`).
  if (prefix === 46 || prefix === 47) {
    throw new Ss58Error("SS58_INVALID_PREFIX", `SS58 prefix ${prefix} is reserved`, { prefix });
  }
}

// One encoder per (prefix, length): substrate-bindings' encoder caches by the key's numeric value,
// which would confuse a 32-byte key with the 33-byte key 0x00 ++ key.
const encoders = new Map<number, (publicKey: Uint8Array) => SS58String>();

function encoderFor(prefix: number, length: number): (publicKey: Uint8Array) => SS58String {
  const id = prefix * 64 + length;
  let encoder = encoders.get(id);
  if (encoder === undefined) {
    encoder = fromBufferToBase58(prefix);
    encoders.set(id, encoder);
  }
  return encoder;
}

export function ss58Encode(publicKeyOrAccountId: Uint8Array, prefix: number = SUBSTRATE_SS58_PREFIX): string {
  assertPrefix(prefix);
  if (
    !(publicKeyOrAccountId instanceof Uint8Array) ||
    (publicKeyOrAccountId.length !== 32 && publicKeyOrAccountId.length !== 33)
  ) {
    throw new Ss58Error("SS58_INVALID", "SS58 payload must be 32 or 33 bytes", {
      length: publicKeyOrAccountId instanceof Uint8Array ? publicKeyOrAccountId.length : -1,
    });
  }
  // A fresh copy: the library's cache key reads `publicKey.buffer` from offset 0, ignoring byteOffset.
  return encoderFor(prefix, publicKeyOrAccountId.length)(publicKeyOrAccountId.slice());
}

/**
 * Decodes and checks an SS58 address (sp_core `from_ss58check_with_version`). `expected` is a prefix
 * the address must carry, or options.
 */
export function ss58Decode(address: string, expected?: number | Ss58DecodeOptions): Ss58Address {
  const options: Ss58DecodeOptions = typeof expected === "number" ? { prefix: expected } : (expected ?? {});
  const length = options.length ?? 32;
  if (options.prefix !== undefined) assertPrefix(options.prefix);
  if (typeof address !== "string" || address.length === 0 || address.length > 128) {
    throw new Ss58Error("SS58_INVALID", "not an SS58 address", { reason: "not a short non-empty string" });
  }
  let raw: Uint8Array;
  try {
    raw = base58.decode(address);
  } catch {
    throw new Ss58Error("SS58_INVALID", "not an SS58 address: invalid base58", { address });
  }
  const first = raw[0];
  if (first === undefined || first > 127) {
    throw new Ss58Error("SS58_INVALID_PREFIX", "SS58 address has an invalid prefix byte", { address });
  }
  const prefixLength = first < 64 ? 1 : 2;
  if (raw.length !== prefixLength + length + 2) {
    throw new Ss58Error("SS58_INVALID", `SS58 address must carry a ${length}-byte payload`, {
      address,
      payloadLength: raw.length - prefixLength - 2,
      expected: length,
    });
  }
  const info = getSs58AddressInfo(address);
  if (!info.isValid) throw new Ss58Error("SS58_BAD_CHECKSUM", "SS58 address checksum mismatch", { address });
  // substrate-bindings 0.21 reads two-byte prefixes as a big-endian u16 of the raw bytes, which is
  // wrong for every prefix ≥ 64; this is the SS58 layout (six low bits in byte 0, the rest in byte 1).
  const second = raw[1]!;
  const prefix = prefixLength === 1 ? first : ((first & 0x3f) << 2) | (second >> 6) | ((second & 0x3f) << 8);
  assertPrefix(prefix);
  if (options.prefix !== undefined && prefix !== options.prefix) {
    throw new Ss58Error("SS58_PREFIX_MISMATCH", `SS58 address has prefix ${prefix}, expected ${options.prefix}`, {
      address,
      prefix,
      expected: options.prefix,
    });
  }
  return { publicKey: info.publicKey, prefix };
}
