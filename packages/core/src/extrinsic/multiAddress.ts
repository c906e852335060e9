import { Bytes, type Codec, createCodec, type Decoder, Variant } from "@polkadot-api/substrate-bindings";
import { decodeExact } from "../scale/index.js";
import { compactU32, isU32 } from "./canonicalCompact.js";
import { ExtrinsicError } from "./extrinsicError.js";

/** sp_runtime `MultiAddress<AccountId32, u32>`, in substrate-bindings' `{ type, value }` enum shape. */
export type MultiAddress =
  | { readonly type: "Id"; readonly value: Uint8Array }
  | { readonly type: "Index"; readonly value: number }
  | { readonly type: "Raw"; readonly value: Uint8Array }
  | { readonly type: "Address32"; readonly value: Uint8Array }
  | { readonly type: "Address20"; readonly value: Uint8Array };

export type MultiAddressType = MultiAddress["type"];

const FIXED_LENGTH: Readonly<Partial<Record<MultiAddressType, number>>> = { Id: 32, Address32: 32, Address20: 20 };

const variants = Variant({
  Id: Bytes(32),
  Index: compactU32,
  Raw: Bytes(),
  Address32: Bytes(32),
  Address20: Bytes(20),
});

function invalid(message: string, details: Record<string, unknown>): ExtrinsicError {
  return new ExtrinsicError("MULTIADDRESS_INVALID", message, details);
}

// scale-ts' fixed Bytes(n) truncates long input and writes short input as is, so lengths are checked here.
function assertEncodable(address: MultiAddress): void {
  const type: unknown = address?.type;
  switch (type) {
    case "Index":
      if (!isU32(address.value)) throw invalid("Index must be a u32", { value: String(address.value) });
      return;
    case "Raw":
      if (!(address.value instanceof Uint8Array)) throw invalid("Raw must be bytes", {});
      return;
    case "Id":
    case "Address32":
    case "Address20": {
      const expected = FIXED_LENGTH[type];
      const value: unknown = address.value;
      if (!(value instanceof Uint8Array) || value.length !== expected) {
        throw invalid(`${type} must be ${expected} bytes`, {
          type,
          expected,
          actual: value instanceof Uint8Array ? value.length : -1,
        });
      }
      return;
    }
    default:
      throw invalid("unknown MultiAddress kind", { type: String(type) });
  }
}

/** Index 0 Id([u8; 32]), 1 Index(Compact<u32>), 2 Raw(Vec<u8>), 3 Address32([u8; 32]), 4 Address20([u8; 20]). */
export const MultiAddressCodec: Codec<MultiAddress> = createCodec(
  (address: MultiAddress) => {
    assertEncodable(address);
    return variants.enc(address);
  },
  variants.dec as Decoder<MultiAddress>,
);

export function encodeMultiAddress(address: MultiAddress): Uint8Array {
  return MultiAddressCodec.enc(address);
}

export function decodeMultiAddress(bytes: Uint8Array): MultiAddress {
  return decodeExact(MultiAddressCodec.dec, bytes, "MultiAddress");
}

export function idAddress(accountId: Uint8Array): MultiAddress {
  return { type: "Id", value: accountId };
}

/**
 * The AccountId32 a signer address stands for. Only `Id`, as Substrate's `AccountIdLookup`:
 * accepting `Address32` too would give one signed transaction two encodings and two hashes;
 * `Index` would need an indices pallet, `Raw` and `Address20` name no AccountId32.
 */
export function signerAccountId(address: MultiAddress): Uint8Array {
  if (address.type === "Id" && address.value.length === 32) return address.value;
  throw new ExtrinsicError("EXTRINSIC_UNSUPPORTED_ADDRESS", `a signer cannot be a ${address.type} address`, {
    type: address.type,
  });
}
