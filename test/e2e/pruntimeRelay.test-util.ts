import {
  decodeOperatorBody,
  dispatchBlocksRequestCodec,
  initRequestCodec,
  type SyncStatus,
  scheduledChangeOf,
  syncHeaderRequestCodec,
  syncStatusCodec,
} from "@phala-ts/core";
import { BlockSource, NodeRpc, PRuntimeClient } from "../../packages/pherry/src/index.js";

export { BlockSource, PRuntimeClient };

/** pherry's view of a node, for tests that drive a pRuntime step by step. */
export const blockSourceOf = (nodeUrl: string) => new BlockSource(new NodeRpc(nodeUrl));

/** `[HTTP status, pRuntime's error code]` of a refused request, or undefined when it was taken. */
export async function refusalOf(request: () => Promise<unknown>): Promise<[number, string] | undefined> {
  try {
    await request();
    return undefined;
  } catch (error) {
    const { code, details } = error as { code?: string; details?: { status: number; code: string } };
    if (code !== "PHERRY_PRUNTIME_REFUSED" || details === undefined) throw error;
    return [details.status, details.code];
  }
}

/** Initializes pRuntime from the node's genesis: header, full storage, and the authority set in it. */
export async function initFromGenesis(source: BlockSource, pruntime: PRuntimeClient): Promise<void> {
  await pruntime.post("init", initRequestCodec.enc(await source.initRequest(undefined)));
}

/**
 * Relays finalized blocks `from..to` into pRuntime in batches that end at `batch` blocks or at
 * an authority-set change, as pherry does, but one step at a time so that `onBatch` can act
 * (kill the process) between batches.
 */
export async function relay(
  source: BlockSource,
  pruntime: PRuntimeClient,
  from: number,
  to: number,
  options: { batch?: number; onBatch?: (status: SyncStatus, last: { number: number; stateRoot: string }) => void } = {},
): Promise<SyncStatus> {
  let status: SyncStatus = { syncedHeight: from - 1, dispatchedHeight: from - 1 };
  for (let start = from; start <= to; ) {
    const blocks = await source.blocks(start, Math.min(to, start + (options.batch ?? 100) - 1));
    const cut = blocks.findIndex((b) => scheduledChangeOf(b.header) !== undefined);
    const batch = cut >= 0 ? blocks.slice(0, cut + 1) : blocks;
    const last = batch.at(-1)!;
    await pruntime.post(
      "sync-header",
      syncHeaderRequestCodec.enc({
        headers: batch.map((b) => b.bytes),
        justification: await source.justification(last.number),
      }),
    );
    const reply = await pruntime.post(
      "dispatch-blocks",
      dispatchBlocksRequestCodec.enc({ blocks: batch.map(({ number, changes }) => ({ number, changes })) }),
    );
    status = decodeOperatorBody(syncStatusCodec, reply, "status");
    options.onBatch?.(status, { number: last.number, stateRoot: last.header.stateRoot });
    start = last.number + 1;
  }
  return status;
}
