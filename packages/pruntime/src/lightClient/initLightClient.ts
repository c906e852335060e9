import { type AuthoritySet, byteKey, equalBytes, type Trie, toHex } from "@phala-ts/core";
import { sessionAuthorities, sessionSetId } from "../chain/chainStorage.js";
import { type HashedHeader, hashedHeader } from "./hashedHeader.js";
import { LightClientError } from "./lightClientError.js";

/** What the light client trusts: the genesis it was given, and every header proven final since. */
export interface LightClientState {
  readonly genesisHash: Uint8Array;
  /** The set whose justifications finalize the block after `finalized`. */
  readonly authoritySet: AuthoritySet;
  /** The newest header proven final. */
  readonly finalized: HashedHeader;
}

/**
 * Trusts a genesis: its storage must hash to the header's state root, and the authority set
 * given must be the one that storage names.
 */
export function initLightClient(genesisHeader: Uint8Array, genesisState: Trie, authoritySet: AuthoritySet) {
  const genesis = hashedHeader(genesisHeader);
  if (genesis.number !== 0) {
    throw new LightClientError("LIGHT_CLIENT_GENESIS_NOT_ZERO", "the genesis header is not block 0", {
      number: genesis.number,
    });
  }
  if (!equalBytes(genesisState.root(), genesis.stateRoot)) {
    throw new LightClientError("LIGHT_CLIENT_GENESIS_ROOT_MISMATCH", "the genesis storage does not match its root", {
      expected: toHex(genesis.stateRoot),
      actual: toHex(genesisState.root()),
    });
  }
  const stored = { setId: sessionSetId(genesisState), authorities: sessionAuthorities(genesisState) };
  if (!sameAuthoritySet(stored, authoritySet)) {
    throw new LightClientError(
      "LIGHT_CLIENT_AUTHORITY_SET_MISMATCH",
      "the authority set is not the one in the genesis storage",
      { setId: authoritySet.setId.toString(), storedSetId: stored.setId.toString() },
    );
  }
  return { genesisHash: genesis.hash, authoritySet: stored, finalized: genesis } satisfies LightClientState;
}

export function sameAuthoritySet(a: AuthoritySet, b: AuthoritySet): boolean {
  if (a.setId !== b.setId || a.authorities.length !== b.authorities.length) return false;
  return a.authorities.every(([id, weight], i) => {
    const other = b.authorities[i];
    return other !== undefined && other[1] === weight && byteKey(id) === byteKey(other[0]);
  });
}
