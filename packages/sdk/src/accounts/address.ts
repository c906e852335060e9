import { fromHex, PHALA_SS58_PREFIX, ss58Decode, ss58Encode, toHex } from "@phala-ts/core";
import { SdkError } from "../sdkError.js";

/** An account as callers may name it: an SS58 address (any prefix), a 0x-hex AccountId32, its 32 bytes, or a keypair. */
export type AddressLike = string | Uint8Array | { readonly accountId: Uint8Array };

/** The chain's SS58 prefix (Phala's, 30), what addresses are written in unless a client reads another from metadata. */
export const DEFAULT_SS58_PREFIX = PHALA_SS58_PREFIX;

/** The 32-byte AccountId32 of an address, hex id, byte array or keypair. Throws `ADDRESS_INVALID`. */
export function accountIdOf(who: AddressLike): Uint8Array {
  if (who instanceof Uint8Array) {
    if (who.length === 32) return who;
    throw new SdkError("ADDRESS_INVALID", "an AccountId32 is 32 bytes", { length: who.length });
  }
  if (typeof who === "object" && who !== null && who.accountId instanceof Uint8Array) return accountIdOf(who.accountId);
  if (typeof who !== "string") throw new SdkError("ADDRESS_INVALID", "not an address", { got: typeof who });
  if (who.startsWith("0x")) {
    let bytes: Uint8Array;
    try {
      bytes = fromHex(who);
    } catch {
      throw new SdkError("ADDRESS_INVALID", "not an address: bad hex", { address: who });
    }
    return accountIdOf(bytes);
  }
  try {
    return ss58Decode(who).publicKey;
  } catch (cause) {
    throw new SdkError("ADDRESS_INVALID", `not an SS58 address: ${who}`, { address: who }, { cause });
  }
}

/** The SS58 address of an account (Phala's prefix 30 unless told otherwise). */
export function toAddress(who: AddressLike, prefix: number = DEFAULT_SS58_PREFIX): string {
  return ss58Encode(accountIdOf(who), prefix);
}

/** The 0x-hex AccountId32 of an account. */
export function toAccountHex(who: AddressLike): string {
  return toHex(accountIdOf(who));
}

/** Whether two names of accounts are the same account (whatever their prefix or form). */
export function sameAccount(a: AddressLike, b: AddressLike): boolean {
  return toAccountHex(a) === toAccountHex(b);
}
