import { Bytes, type Codec, createCodec, Struct, u32 } from "@polkadot-api/substrate-bindings";
import { decodeExact } from "../scale/index.js";
import { compactU32, compactU128, isU32, isU128 } from "./canonicalCompact.js";
import { type Era, EraCodec } from "./era.js";
import { ExtrinsicError } from "./extrinsicError.js";

/** What the signed extensions put in the extrinsic itself, in their order. */
export interface Extra {
  /** CheckMortality */
  readonly era: Era;
  /** CheckNonce: the signer's account nonce (u32). */
  readonly nonce: number;
  /** ChargeTransactionPayment: tip (u128) on top of the fee. */
  readonly tip: bigint;
}

/** What the signed extensions add to the signing payload only, in their order. */
export interface AdditionalSigned {
  /** CheckSpecVersion */
  readonly specVersion: number;
  /** CheckTxVersion */
  readonly transactionVersion: number;
  /** CheckGenesis */
  readonly genesisHash: Uint8Array;
  /** CheckMortality: hash of the era's birth block (`eraBirth`); the genesis hash when immortal. */
  readonly birthHash: Uint8Array;
}

export const SIGNED_EXTENSION_IDENTIFIERS = [
  "CheckNonZeroSender",
  "CheckSpecVersion",
  "CheckTxVersion",
  "CheckGenesis",
  "CheckMortality",
  "CheckNonce",
  "CheckWeight",
  "ChargeTransactionPayment",
] as const;

export type SignedExtensionIdentifier = (typeof SIGNED_EXTENSION_IDENTIFIERS)[number];

/** The Rust type of one field, as metadata will name it. */
export type SignedExtensionFieldType = "Era" | "Compact<u32>" | "Compact<u128>" | "u32" | "H256";

export interface SignedExtension {
  readonly identifier: SignedExtensionIdentifier;
  /** Its field in `Extra`, if it has one (metadata's `type`; `()` otherwise). */
  readonly extra?: { readonly field: keyof Extra; readonly type: SignedExtensionFieldType };
  /** Its field in `AdditionalSigned`, if it has one (metadata's `additional_signed`; `()` otherwise). */
  readonly additionalSigned?: { readonly field: keyof AdditionalSigned; readonly type: SignedExtensionFieldType };
}

/** Our fixed signed extensions, in the order their fields are encoded. */
export const SIGNED_EXTENSIONS: readonly SignedExtension[] = [
  { identifier: "CheckNonZeroSender" },
  { identifier: "CheckSpecVersion", additionalSigned: { field: "specVersion", type: "u32" } },
  { identifier: "CheckTxVersion", additionalSigned: { field: "transactionVersion", type: "u32" } },
  { identifier: "CheckGenesis", additionalSigned: { field: "genesisHash", type: "H256" } },
  {
    identifier: "CheckMortality",
    extra: { field: "era", type: "Era" },
    additionalSigned: { field: "birthHash", type: "H256" },
  },
  { identifier: "CheckNonce", extra: { field: "nonce", type: "Compact<u32>" } },
  { identifier: "CheckWeight" },
  { identifier: "ChargeTransactionPayment", extra: { field: "tip", type: "Compact<u128>" } },
];

const extraStruct = Struct({ era: EraCodec, nonce: compactU32, tip: compactU128 });

/** Era ++ Compact<u32> nonce ++ Compact<u128> tip. The era is checked by its own codec. */
export const ExtraCodec: Codec<Extra> = createCodec((extra: Extra) => {
  if (!isU32(extra?.nonce)) {
    throw new ExtrinsicError("EXTRA_INVALID_NONCE", "nonce must be a u32", { nonce: String(extra?.nonce) });
  }
  if (!isU128(extra.tip))
    throw new ExtrinsicError("EXTRA_INVALID_TIP", "tip must be a u128", { tip: String(extra.tip) });
  return extraStruct.enc(extra);
}, extraStruct.dec);

export function encodeExtra(extra: Extra): Uint8Array {
  return ExtraCodec.enc(extra);
}

export function decodeExtra(bytes: Uint8Array): Extra {
  return decodeExact(ExtraCodec.dec, bytes, "Extra");
}

const additionalStruct = Struct({
  specVersion: u32,
  transactionVersion: u32,
  genesisHash: Bytes(32),
  birthHash: Bytes(32),
});

function invalidAdditional(message: string, details: Record<string, unknown>): ExtrinsicError {
  return new ExtrinsicError("ADDITIONAL_SIGNED_INVALID", message, details);
}

/** u32 spec version ++ u32 transaction version ++ genesis hash ++ birth hash. */
export const AdditionalSignedCodec: Codec<AdditionalSigned> = createCodec((additional: AdditionalSigned) => {
  for (const field of ["specVersion", "transactionVersion"] as const) {
    const value: unknown = additional?.[field];
    if (!isU32(value)) throw invalidAdditional(`${field} must be a u32`, { field, value: String(value) });
  }
  for (const field of ["genesisHash", "birthHash"] as const) {
    const value: unknown = additional[field];
    if (!(value instanceof Uint8Array) || value.length !== 32) {
      throw invalidAdditional(`${field} must be 32 bytes`, { field });
    }
  }
  return additionalStruct.enc(additional);
}, additionalStruct.dec);

export function encodeAdditionalSigned(additional: AdditionalSigned): Uint8Array {
  return AdditionalSignedCodec.enc(additional);
}

export function decodeAdditionalSigned(bytes: Uint8Array): AdditionalSigned {
  return decodeExact(AdditionalSignedCodec.dec, bytes, "AdditionalSigned");
}
