import { Bytes, type Codec, createCodec, Variant } from "@polkadot-api/substrate-bindings";
import { equalBytes } from "../bytes/bytes.js";
import { PhalaError } from "../errors/phalaError.js";
import { blake2_256 } from "../hashing/hashes.js";
import { decodeExact } from "../scale/decodeExact.js";
import { secp256k1EcdsaRecoverCompressed } from "./ecdsa.js";
import { ed25519Verify } from "./ed25519.js";
import type { Keypair } from "./keypair.js";
import { sr25519Verify } from "./sr25519.js";

/** sp_runtime `MultiSignature`, in substrate-bindings' `{ type, value }` enum shape. */
export type MultiSignature =
  | { readonly type: "Ed25519"; readonly value: Uint8Array }
  | { readonly type: "Sr25519"; readonly value: Uint8Array }
  | { readonly type: "Ecdsa"; readonly value: Uint8Array };

export type MultiSignatureType = MultiSignature["type"];

const SIGNATURE_LENGTH: Readonly<Record<MultiSignatureType, number>> = { Ed25519: 64, Sr25519: 64, Ecdsa: 65 };

export class MultiSignatureError extends PhalaError<"MULTISIGNATURE_INVALID"> {
  override readonly name = "MultiSignatureError";
}

const variants = Variant({ Ed25519: Bytes(64), Sr25519: Bytes(64), Ecdsa: Bytes(65) });

function assertEncodable(signature: MultiSignature): void {
  const type: unknown = signature?.type;
  const expected =
    typeof type === "string" && Object.hasOwn(SIGNATURE_LENGTH, type) ? SIGNATURE_LENGTH[signature.type] : undefined;
  if (expected === undefined) {
    throw new MultiSignatureError("MULTISIGNATURE_INVALID", "unknown MultiSignature variant", {
      type: String(type),
    });
  }
  if (!(signature.value instanceof Uint8Array) || signature.value.length !== expected) {
    throw new MultiSignatureError("MULTISIGNATURE_INVALID", `${signature.type} signature must be ${expected} bytes`, {
      type: signature.type,
      expected,
      actual: signature.value instanceof Uint8Array ? signature.value.length : -1,
    });
  }
}

/**
 * Index 0 Ed25519([u8; 64]), 1 Sr25519([u8; 64]), 2 Ecdsa([u8; 65]). The encoder checks lengths first
 * because scale-ts' fixed `Bytes(n)` silently truncates long input and writes short input as is.
 */
export const MultiSignatureCodec: Codec<MultiSignature> = createCodec((signature: MultiSignature) => {
  assertEncodable(signature);
  return variants.enc(signature);
}, variants.dec);

export function encodeMultiSignature(signature: MultiSignature): Uint8Array {
  return MultiSignatureCodec.enc(signature);
}

/** Exactly one MultiSignature; anything else is a `ScaleDecodeError`. */
export function decodeMultiSignature(bytes: Uint8Array): MultiSignature {
  return decodeExact(MultiSignatureCodec.dec, bytes, "MultiSignature");
}

const VARIANT_OF: Readonly<Record<Keypair["type"], MultiSignatureType>> = {
  ed25519: "Ed25519",
  sr25519: "Sr25519",
  ecdsa: "Ecdsa",
};

export function multiSign(keypair: Keypair, message: Uint8Array): MultiSignature {
  return { type: VARIANT_OF[keypair.type], value: keypair.sign(message) } as MultiSignature;
}

/**
 * sp_runtime `MultiSignature::verify(message, signer)`: ed25519 and sr25519 take the AccountId32 as
 * the public key; ecdsa recovers the key from blake2_256(message) and compares its blake2_256 with
 * the AccountId32 (accepting v as 0..3 or 27..30, as sp_io does). Never throws: malformed input is
 * simply not a valid signature.
 */
export function verifyMultiSignature(signature: MultiSignature, message: Uint8Array, signer: Uint8Array): boolean {
  if (!(signer instanceof Uint8Array) || signer.length !== 32 || !(message instanceof Uint8Array)) return false;
  if (signature === null || typeof signature !== "object" || !(signature.value instanceof Uint8Array)) return false;
  switch (signature.type) {
    case "Ed25519":
      return ed25519Verify(signature.value, message, signer);
    case "Sr25519":
      return sr25519Verify(signature.value, message, signer);
    case "Ecdsa": {
      const publicKey = secp256k1EcdsaRecoverCompressed(signature.value, blake2_256(message));
      return publicKey !== undefined && equalBytes(blake2_256(publicKey), signer);
    }
    default:
      return false;
  }
}
