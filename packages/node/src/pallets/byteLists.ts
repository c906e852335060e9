import { equalBytes } from "@phala-ts/core";
import type { PalletErrors } from "../runtime/dispatchError.js";

/** Lists of keys and ids in storage (allowlists, gatekeepers, cluster workers), kept free of duplicates. */

export function includesBytes(list: readonly Uint8Array[], item: Uint8Array): boolean {
  return list.some((entry) => equalBytes(entry, item));
}

/** `list` with `item` appended; the pallet error `duplicate` when it is already there. */
export function withAdded<N extends string>(
  list: readonly Uint8Array[],
  item: Uint8Array,
  errors: PalletErrors<N>,
  duplicate: N,
): Uint8Array[] {
  if (includesBytes(list, item)) throw errors.error(duplicate);
  return [...list, item];
}

/** `list` without `item`; the pallet error `missing` when it is not there. */
export function withRemoved<N extends string>(
  list: readonly Uint8Array[],
  item: Uint8Array,
  errors: PalletErrors<N>,
  missing: N,
): Uint8Array[] {
  const kept = list.filter((entry) => !equalBytes(entry, item));
  if (kept.length === list.length) throw errors.error(missing);
  return kept;
}
