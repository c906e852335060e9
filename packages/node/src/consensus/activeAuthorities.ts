import type { AuthoritySet, Trie } from "@phala-ts/core";
import { sessionStorage } from "../pallets/session.js";

/**
 * The authority set that seals and finalizes the child of a block with state `parentState`: a
 * change scheduled in the parent takes effect in the child, under the next set id.
 */
export function activeAuthorities(parentState: Trie): AuthoritySet {
  const pending = sessionStorage.PendingChange.get(parentState);
  const setId = sessionStorage.CurrentSetId.get(parentState);
  return pending === undefined
    ? { setId, authorities: sessionStorage.Authorities.get(parentState) }
    : { setId: setId + 1n, authorities: pending };
}
