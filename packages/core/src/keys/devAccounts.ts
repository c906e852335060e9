import type { KeypairOf, KeypairType } from "./keypair.js";
import { keypairFromUri } from "./keyring.js";

/** Substrate's well-known development accounts, `//Alice` ... `//Ferdie` of the dev phrase. */
export const DEV_ACCOUNT_NAMES = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"] as const;

export type DevAccountName = (typeof DEV_ACCOUNT_NAMES)[number];

export type DevAccounts<T extends KeypairType> = Readonly<Record<DevAccountName, KeypairOf<T>>>;

const cache = new Map<KeypairType, DevAccounts<KeypairType>>();

export function devAccount<T extends KeypairType = "sr25519">(name: DevAccountName, type?: T): KeypairOf<T> {
  return devAccounts(type ?? ("sr25519" as T))[name];
}

/** Derived once per scheme and shared: the keypairs are immutable. */
export function devAccounts<T extends KeypairType = "sr25519">(type?: T): DevAccounts<T> {
  const scheme: KeypairType = type ?? "sr25519";
  let accounts = cache.get(scheme);
  if (accounts === undefined) {
    const entries = DEV_ACCOUNT_NAMES.map((name) => [name, keypairFromUri(`//${name}`, scheme)] as const);
    accounts = Object.freeze(Object.fromEntries(entries) as Record<DevAccountName, KeypairOf<KeypairType>>);
    cache.set(scheme, accounts);
  }
  return accounts as DevAccounts<T>;
}
