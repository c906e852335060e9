import { blake2_256, type MessageOrigin } from "@phala-ts/core";
import { TransactionInvalidError } from "../chain/transactionValidity.js";
import { isMqTag, mqTag, validateTransaction } from "../chain/validateTransaction.js";
import { expectedSequence } from "../pallets/mq.js";
import { TxPool } from "../txpool/index.js";
import type { ChainService } from "./chainService.js";

/** The node's transaction pool: transactions validated against the best block of `chain`. */
export function createNodePool(chain: ChainService): TxPool {
  const pool: TxPool = new TxPool({
    validate: (bytes, source) => {
      const best = { number: chain.best.number, hash: chain.best.hash, state: chain.bestState };
      const validity = validateTransaction(chain.runtime, chain.chain, best, bytes);
      // A message-queue message may wait for its predecessor only if that one is already pending:
      // a skipped sequence is refused outright rather than parked.
      const gap = validity.requires.find((tag) => isMqTag(tag) && !pool.isProvided(tag));
      if (source === "external" && gap !== undefined)
        throw new TransactionInvalidError("Future", { mq: "sequence gap" });
      return validity;
    },
    hasher: blake2_256,
  });
  return pool;
}

/** The next sequence the chain expects from `sender`, counting the messages its pool already holds (`pha_getMqNextSequence`). */
export function nextMqSequence(chain: ChainService, pool: TxPool, sender: MessageOrigin): bigint {
  let next = expectedSequence(chain.bestState, sender);
  while (pool.isProvided(mqTag(sender, next))) next++;
  return next;
}
