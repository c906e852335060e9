import { DispatchError } from "./dispatchError.js";
import { AccountId32, type TypeOf, t } from "./scaleType.js";

/** sp-runtime `MultiAddress<AccountId32, ()>`: calls take it wherever they name an account. */
export const MultiAddressType = t.variant(["sp_runtime", "multiaddress", "MultiAddress"], {
  Id: [0, AccountId32],
  Index: [1, t.compactU32],
  Raw: [2, t.bytes],
  Address32: [3, t.fixed(32)],
  Address20: [4, t.fixed(20)],
});
export type MultiAddress = TypeOf<typeof MultiAddressType>;

export const addressOf = (accountId: Uint8Array): MultiAddress => ({ type: "Id", value: accountId });

/** The account a MultiAddress names; as Substrate's `AccountIdLookup`, only `Id` resolves. */
export function lookupAccount(address: MultiAddress): Uint8Array {
  if (address.type === "Id") return address.value;
  throw new DispatchError({ type: "CannotLookup", value: undefined }, "CannotLookup");
}
