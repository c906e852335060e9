import type { Trie } from "@phala-ts/core";
import type { ChainService } from "../../service/chainService.js";
import { RpcError, SubstrateErrorCode } from "../server/index.js";

/** What every RPC method reads: the chain service. */
export interface RpcContext {
  readonly chain: ChainService;
}

export function unknownBlock(): RpcError {
  return new RpcError(SubstrateErrorCode.ClientError, "Client error: unknown block");
}

/** The state at `hash`, or the best block's; an unknown or pruned block is a client error. */
export async function stateAt(
  ctx: RpcContext,
  hash: Uint8Array | undefined,
): Promise<{ state: Trie; hash: Uint8Array }> {
  if (hash === undefined) return { state: ctx.chain.bestState, hash: ctx.chain.best.hash };
  const state = await ctx.chain.stateAt(hash);
  if (state === undefined) throw unknownBlock();
  return { state, hash };
}
