import { type BlockChanges, type InitRequest, type SyncHeaderRequest, Trie } from "@phala-ts/core";
import { applyBlockChanges } from "../dispatch/applyBlockChanges.js";
import { BlockDispatchError } from "../dispatch/blockDispatchError.js";
import type { HashedHeader } from "../lightClient/hashedHeader.js";
import { initLightClient, type LightClientState } from "../lightClient/initLightClient.js";
import { LightClientError } from "../lightClient/lightClientError.js";
import { syncHeaders } from "../lightClient/syncHeaders.js";
import { EMPTY_MESSAGE_LOG, type MessageLog } from "./messageLog.js";

/** Most proven headers that may wait for their storage changes. */
export const MAX_PENDING_HEADERS = 16_384;
/** Most blocks one `dispatch-blocks` call may carry. */
export const MAX_BLOCKS_PER_DISPATCH = 1024;

/**
 * Everything pRuntime knows about the chain, all of it verified: the light client, the headers
 * proven final but not yet dispatched, the last dispatched block and the state after it.
 * Values are never changed in place, so a rejected request leaves the previous mirror intact.
 */
export interface ChainMirror {
  readonly light: LightClientState;
  /** `pending[i].number === dispatched.number + 1 + i`. */
  readonly pending: readonly HashedHeader[];
  readonly dispatched: HashedHeader;
  readonly storage: Trie;
  readonly operator: Uint8Array | undefined;
  readonly messages: MessageLog;
}

export function initChainMirror(request: InitRequest): ChainMirror {
  const storage = Trie.fromEntries(request.genesisStorage, "V1");
  const light = initLightClient(request.genesisHeader, storage, request.authoritySet);
  return {
    light,
    pending: [],
    dispatched: light.finalized,
    storage,
    operator: request.operator,
    messages: EMPTY_MESSAGE_LOG,
  };
}

export function syncHeaderBatch(mirror: ChainMirror, request: SyncHeaderRequest): ChainMirror {
  const { state, headers } = syncHeaders(mirror.light, request.headers, request.justification);
  if (mirror.pending.length + headers.length > MAX_PENDING_HEADERS) {
    throw new LightClientError(
      "LIGHT_CLIENT_TOO_FAR_AHEAD",
      "too many headers wait for dispatch; dispatch blocks first",
      {
        pending: mirror.pending.length,
        limit: MAX_PENDING_HEADERS,
      },
    );
  }
  return { ...mirror, light: state, pending: [...mirror.pending, ...headers] };
}

export interface VerifiedBlock {
  readonly header: HashedHeader;
  /** The state after the block, whose root is the header's state root. */
  readonly storage: Trie;
}

/**
 * Checks every block of a request before any is applied: consecutive from the next undispatched
 * number, proven by the light client, and each change set leading to its header's state root.
 */
export function verifyBlocks(mirror: ChainMirror, blocks: readonly BlockChanges[]): VerifiedBlock[] {
  if (blocks.length === 0) throw new BlockDispatchError("DISPATCH_EMPTY", "no blocks to dispatch");
  if (blocks.length > MAX_BLOCKS_PER_DISPATCH) {
    throw new BlockDispatchError("DISPATCH_TOO_MANY_BLOCKS", `at most ${MAX_BLOCKS_PER_DISPATCH} blocks per call`, {
      blocks: blocks.length,
    });
  }
  const verified: VerifiedBlock[] = [];
  let storage = mirror.storage;
  for (const [i, block] of blocks.entries()) {
    const expected = mirror.dispatched.number + 1 + i;
    if (block.number !== expected) {
      const code = block.number < expected ? "DISPATCH_BLOCK_REPEATED" : "DISPATCH_BLOCK_SKIPPED";
      throw new BlockDispatchError(code, `expected block ${expected}, got ${block.number}`, {
        expected,
        number: block.number,
      });
    }
    const header = mirror.pending[i];
    if (header === undefined) {
      throw new BlockDispatchError("DISPATCH_BLOCK_NOT_SYNCED", "the block's header is not proven final yet", {
        number: block.number,
        syncedHeight: mirror.light.finalized.number,
      });
    }
    storage = applyBlockChanges(storage, header, block);
    verified.push({ header, storage });
  }
  return verified;
}

/** The mirror after `blocks`, which `verifyBlocks` accepted. */
export function advanceMirror(
  mirror: ChainMirror,
  blocks: readonly VerifiedBlock[],
  messages: MessageLog,
): ChainMirror {
  const last = blocks.at(-1);
  if (last === undefined) return mirror;
  return {
    ...mirror,
    pending: mirror.pending.slice(blocks.length),
    dispatched: last.header,
    storage: last.storage,
    messages,
  };
}
