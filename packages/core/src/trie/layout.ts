/**
 * Substrate's trie layouts. V0 never hashes values; V1 stores values of 33 bytes or more as a
 * separate value node referenced by its blake2-256 (`TRIE_VALUE_NODE_THRESHOLD`).
 */
export type TrieLayout = "V0" | "V1";

export const VALUE_NODE_THRESHOLD = 33;

export function hashesValue(layout: TrieLayout, value: Uint8Array): boolean {
  return layout === "V1" && value.length >= VALUE_NODE_THRESHOLD;
}
