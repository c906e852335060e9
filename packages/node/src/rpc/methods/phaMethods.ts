import { decodeMessageOrigin, headerToRpc, type MessageOrigin, toHex } from "@phala-ts/core";
import type { MethodRegistry, RpcError } from "../server/index.js";
import { type RpcContext, unknownBlock } from "./context.js";

import { bytesParam, invalidParams, optionalHash } from "./params.js";

/** Most blocks one `pha_getStorageChanges` call covers: pherry pages through longer ranges. */
export const MAX_CHANGES_RANGE = 256;

/**
 * Phala's own methods, for pherry: each block's storage changes, and the next mq sequence of a
 * sender counting the messages already in the pool, so a relayer resubmits only what the chain has
 * not taken.
 */
export function registerPhaMethods(
  methods: MethodRegistry,
  ctx: RpcContext,
  nextMqSequence: (sender: MessageOrigin) => bigint,
): void {
  const { chain } = ctx;
  methods.register(
    "pha_getStorageChanges",
    async ([from, to]) => {
      const fromHeader = await chain.headerOf(bytesParam(from, "from block hash", 32));
      const toHeader = await chain.headerOf(bytesParam(to, "to block hash", 32));
      if (fromHeader === undefined || toHeader === undefined) throw unknownBlock();
      if (toHeader.number < fromHeader.number) throw invalidParams("`to` is before `from`");
      if (toHeader.number - fromHeader.number + 1 > MAX_CHANGES_RANGE) {
        throw invalidParams(`at most ${MAX_CHANGES_RANGE} blocks per call`);
      }
      const result = [];
      for (let n = fromHeader.number; n <= toHeader.number; n++) {
        const hash = await chain.hashAt(n);
        const header = hash && (await chain.headerOf(hash));
        const changes = hash && (await chain.changesOf(hash));
        if (hash === undefined || header === undefined || changes === undefined) throw prunedRange(n);
        result.push({
          blockHash: toHex(hash),
          header: headerToRpc(header),
          changes: changes.map((c) => [toHex(c.key), c.value === undefined ? null : toHex(c.value)]),
        });
      }
      return result;
    },
    { params: 2 },
  );

  methods.register(
    "pha_getMqNextSequence",
    ([sender, at]) => {
      let origin: MessageOrigin;
      try {
        origin = decodeMessageOrigin(bytesParam(sender, "sender (SCALE MessageOrigin)"));
      } catch (error) {
        if ((error as RpcError).name === "RpcError") throw error;
        throw invalidParams("sender must be a SCALE-encoded MessageOrigin");
      }
      if (optionalHash(at) !== undefined) throw invalidParams("only the best block is supported");
      return Number(nextMqSequence(origin));
    },
    { params: { min: 1, max: 2 } },
  );
}

function prunedRange(number: number) {
  return invalidParams(`the changes of block ${number} are not available (pruned)`);
}
