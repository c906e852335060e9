import { type MultiAddress, MultiAddressCodec } from "@phala-ts/core";
import { DispatchError } from "./dispatchError.js";
import { AccountId32, t } from "./scaleType.js";

export type { MultiAddress } from "@phala-ts/core";

/** sp-runtime `MultiAddress<AccountId32, ()>`: calls take it wherever they name an account. Core owns the codec. */
export const MultiAddressType = t.withCodec<MultiAddress>(
  MultiAddressCodec,
  t.variant(["sp_runtime", "multiaddress", "MultiAddress"], {
    Id: [0, AccountId32],
    Index: [1, t.compactU32],
    Raw: [2, t.bytes],
    Address32: [3, t.fixed(32)],
    Address20: [4, t.fixed(20)],
  }),
);

/** `MultiAddress::Id(accountId)`. */
export { idAddress as addressOf } from "@phala-ts/core";

/** The account a MultiAddress names; as Substrate's `AccountIdLookup`, only `Id` resolves. */
export function lookupAccount(address: MultiAddress): Uint8Array {
  if (address.type === "Id") return address.value;
  throw new DispatchError({ type: "CannotLookup", value: undefined }, "CannotLookup");
}
