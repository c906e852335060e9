import { EraCodec, MultiSignatureCodec, SIGNED_EXTENSIONS, type SignedExtensionFieldType } from "@phala-ts/core";
import { Bytes } from "@polkadot-api/substrate-bindings";
import { MultiAddressType } from "../runtime/multiAddress.js";
import type { Runtime } from "../runtime/runtime.js";
import { type AnyScaleType, H256, t } from "../runtime/scaleType.js";
import type { MetaScaleType } from "./metaType.js";
import { snakeCase } from "./snakeCase.js";

/** sp_runtime `generic::Era` as scale-info derives it: `Immortal`, then `MortalN(u8)` at index N for N in 1..=255. */
export const EraType: MetaScaleType = {
  codec: EraCodec,
  path: ["sp_runtime", "generic", "era", "Era"],
  def: {
    kind: "variant",
    variants: Array.from({ length: 256 }, (_, index) =>
      index === 0
        ? { name: "Immortal", index, fields: [], unnamed: false }
        : { name: `Mortal${index}`, index, fields: [{ name: "", type: t.u8 }], unnamed: true },
    ),
  },
};

const signature = (scheme: string, length: number) => t.named(["sp_core", scheme, "Signature"], t.fixed(length));

/** sp_runtime `MultiSignature`, the signature type of our extrinsics. */
export const MultiSignatureType: MetaScaleType = {
  codec: MultiSignatureCodec,
  path: ["sp_runtime", "MultiSignature"],
  def: {
    kind: "variant",
    variants: [
      { name: "Ed25519", index: 0, fields: [{ name: "", type: signature("ed25519", 64) }], unnamed: true },
      { name: "Sr25519", index: 1, fields: [{ name: "", type: signature("sr25519", 64) }], unnamed: true },
      { name: "Ecdsa", index: 2, fields: [{ name: "", type: signature("ecdsa", 65) }], unnamed: true },
    ],
  },
};

const FIELD_TYPES: Readonly<Record<SignedExtensionFieldType, AnyScaleType>> = {
  Era: EraType,
  "Compact<u32>": t.compactU32,
  "Compact<u128>": t.compactU128,
  u32: t.u32,
  H256,
};

/** Where FRAME defines each extension; the type of an extension is its struct. */
function extensionPath(identifier: string): string[] {
  if (identifier === "ChargeTransactionPayment") return ["pallet_transaction_payment", identifier];
  return ["frame_system", "extensions", snakeCase(identifier), identifier];
}

export interface SignedExtensionTypes {
  readonly identifier: string;
  /** The extension's struct: what it adds to the extrinsic. */
  readonly type: AnyScaleType;
  /** What it adds to the signing payload only. */
  readonly additionalSigned: AnyScaleType;
}

export const SIGNED_EXTENSION_TYPES: readonly SignedExtensionTypes[] = SIGNED_EXTENSIONS.map((extension) => ({
  identifier: extension.identifier,
  type: {
    codec: extension.extra === undefined ? t.unit.codec : FIELD_TYPES[extension.extra.type].codec,
    path: extensionPath(extension.identifier),
    def: {
      kind: "composite",
      fields: extension.extra === undefined ? [] : [{ name: "", type: FIELD_TYPES[extension.extra.type] }],
    },
  },
  additionalSigned: extension.additionalSigned === undefined ? t.unit : FIELD_TYPES[extension.additionalSigned.type],
}));

/**
 * sp_runtime `UncheckedExtrinsic<Address, Call, Signature, Extra>`: opaque bytes whose parameters
 * tell tools (polkadot.js) the address, call, signature and signed-extension types.
 */
export function uncheckedExtrinsicType(runtime: Runtime): MetaScaleType {
  const extra = t.tuple(...SIGNED_EXTENSION_TYPES.map((e) => e.type));
  return {
    codec: Bytes(),
    path: ["sp_runtime", "generic", "unchecked_extrinsic", "UncheckedExtrinsic"],
    params: [
      { name: "Address", type: MultiAddressType },
      { name: "Call", type: runtime.callType },
      { name: "Signature", type: MultiSignatureType },
      { name: "Extra", type: extra },
    ],
    def: { kind: "composite", fields: [{ name: "", type: t.bytes }] },
  };
}
