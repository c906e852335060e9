import { compact } from "@polkadot-api/substrate-bindings";
import type { TrieLayout } from "./layout.js";
import { Trie } from "./trie.js";

/**
 * Root of the ordered trie (key = SCALE `Compact(u32)` index, value = item), as Substrate computes
 * a block's extrinsics root: LayoutV0 for runtimes with `system_version` 0 or 1.
 */
export function orderedTrieRoot(items: readonly Uint8Array[], layout: TrieLayout = "V0"): Uint8Array {
  return Trie.fromEntries(
    items.map((item, index) => [compact.enc(index), item] as const),
    layout,
  ).root();
}
