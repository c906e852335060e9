import { type BlockChanges, compareBytes, equalBytes, type Trie, type TrieChange, toHex } from "@phala-ts/core";
import type { HashedHeader } from "../lightClient/hashedHeader.js";
import { BlockDispatchError } from "./blockDispatchError.js";

/**
 * The state after `block`: its changes applied to `parent`, accepted only if the new root is the
 * state root of the header the light client proved. Keys must be strictly ascending, so a change
 * set has exactly one form and a repeated key cannot hide a second value.
 */
export function applyBlockChanges(parent: Trie, header: HashedHeader, block: BlockChanges): Trie {
  const changes: TrieChange[] = new Array(block.changes.length);
  let previous: Uint8Array | undefined;
  for (const [i, [key, value]] of block.changes.entries()) {
    if (previous !== undefined && compareBytes(previous, key) >= 0) {
      throw new BlockDispatchError(
        "DISPATCH_CHANGES_UNSORTED",
        "storage changes must be in strictly ascending key order",
        {
          number: block.number,
          index: i,
        },
      );
    }
    changes[i] = [key, value ?? null];
    previous = key;
  }
  const next = parent.update(changes);
  if (!equalBytes(next.root(), header.stateRoot)) {
    throw new BlockDispatchError(
      "DISPATCH_STATE_ROOT_MISMATCH",
      "the storage changes do not lead to the block's state root",
      {
        number: block.number,
        expected: toHex(header.stateRoot),
        actual: toHex(next.root()),
      },
    );
  }
  return next;
}
