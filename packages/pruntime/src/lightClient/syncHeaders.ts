import { decodeJustification, equalBytes, scheduledChangeOf, toHex, verifyJustification } from "@phala-ts/core";
import { type HashedHeader, hashedHeader } from "./hashedHeader.js";
import type { LightClientState } from "./initLightClient.js";
import { LightClientError } from "./lightClientError.js";

/** Most headers one `sync-header` call may carry. */
export const MAX_HEADERS_PER_BATCH = 4096;

/**
 * Proves a batch of headers final: they extend the newest final header one by one, and the
 * justification finalizes the last under the current authority set. A header scheduling a new
 * set must end its batch, since the blocks after it are finalized by the new set.
 * Returns the new state and the headers it proved; `state` itself is never changed.
 */
export function syncHeaders(
  state: LightClientState,
  headers: readonly Uint8Array[],
  justification: Uint8Array | undefined,
): { state: LightClientState; headers: HashedHeader[] } {
  if (headers.length === 0) throw new LightClientError("LIGHT_CLIENT_EMPTY_BATCH", "the batch has no headers");
  if (headers.length > MAX_HEADERS_PER_BATCH) {
    throw new LightClientError("LIGHT_CLIENT_BATCH_TOO_LARGE", `at most ${MAX_HEADERS_PER_BATCH} headers per batch`, {
      headers: headers.length,
    });
  }
  const proven: HashedHeader[] = [];
  let parent = state.finalized;
  let next: LightClientState["authoritySet"]["authorities"] | undefined;
  for (const [i, bytes] of headers.entries()) {
    const current = hashedHeader(bytes);
    if (current.number !== parent.number + 1 || !equalBytes(current.parentHash, parent.hash)) {
      throw new LightClientError("LIGHT_CLIENT_HEADER_NOT_LINKED", "a header does not extend the one before it", {
        number: current.number,
        expectedNumber: parent.number + 1,
        expectedParent: toHex(parent.hash),
      });
    }
    const change = scheduledChangeOf(current.header);
    if (change !== undefined && i !== headers.length - 1) {
      throw new LightClientError(
        "LIGHT_CLIENT_AUTHORITY_CHANGE_INSIDE_BATCH",
        "a header that changes the authority set must be the last of its batch",
        { number: current.number },
      );
    }
    next = change;
    proven.push(current);
    parent = current;
  }
  if (justification === undefined) {
    throw new LightClientError("LIGHT_CLIENT_NO_JUSTIFICATION", "the last header of a batch needs a justification", {
      number: parent.number,
    });
  }
  verifyJustification(decodeJustification(justification), parent.hash, parent.number, state.authoritySet);
  const authoritySet =
    next === undefined ? state.authoritySet : { setId: state.authoritySet.setId + 1n, authorities: next };
  return { state: { ...state, authoritySet, finalized: parent }, headers: proven };
}
