import { blake2_256, equalBytes, type MessageOrigin } from "@phala-ts/core";
import { DeferredChecks } from "../chain/deferredChecks.js";
import { TransactionInvalidError } from "../chain/transactionValidity.js";
import { isMqTag, mqTag, validateTransaction } from "../chain/validateTransaction.js";
import { expectedSequence } from "../pallets/mq.js";
import { TxPool } from "../txpool/index.js";
import type { ValidTransaction } from "../txpool/types.js";
import type { ChainService } from "./chainService.js";
import type { SignatureVerifier } from "./signatureVerifier.js";

export interface NodePoolOptions {
  /** Verifies the signatures of what is submitted off the event loop; absent: inline. */
  readonly verifier?: SignatureVerifier;
}

/** The node's transaction pool: transactions validated against the best block of `chain`. */
export function createNodePool(chain: ChainService, options: NodePoolOptions = {}): TxPool {
  const { verifier } = options;
  const pool: TxPool = new TxPool({
    validate: async (bytes, source) => {
      const validity =
        verifier === undefined ? validateAtBest(chain, bytes) : await validateOffThread(chain, verifier, bytes);
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

function validateAtBest(chain: ChainService, bytes: Uint8Array, context = chain.chain): ValidTransaction {
  const best = { number: chain.best.number, hash: chain.best.hash, state: chain.bestState };
  return validateTransaction(chain.runtime, context, best, bytes);
}

/**
 * `validateTransaction`, its signatures verified on the verifier's threads. A first run sets
 * aside every signature the node has not verified yet (the extrinsic's, and those of the
 * messages it carries, next in line or not) and decides as if they were valid; the verifier
 * checks them, and what passes is remembered (so the block that includes the transaction does
 * no crypto). When all passed on an unchanged best block, the first run's answer stands;
 * otherwise a second run, inline, decides: it finds the valid ones remembered and refuses an
 * invalid one exactly as `validateTransaction` alone would.
 */
async function validateOffThread(
  chain: ChainService,
  verifier: SignatureVerifier,
  bytes: Uint8Array,
): Promise<ValidTransaction> {
  const deferred = new DeferredChecks();
  const ahead = {
    ...chain.chain,
    deferredChecks: deferred,
    verifiedMessages: chain.chain.verifiedMessages?.deferringTo(deferred),
  };
  const bestHash = chain.best.hash;
  let validity: ValidTransaction | undefined;
  let failure: unknown;
  try {
    validity = validateAtBest(chain, bytes, ahead);
  } catch (error) {
    failure = error;
  }
  // Messages the pRuntimes owe the chain go first: a flood of user transactions must not hold
  // back the relays (a pherry feeds its pRuntime the next blocks only after its egress is taken).
  const urgent = validity?.provides.some(isMqTag) === true;
  const allValid = deferred.size === 0 || deferred.settle(await verifier.verify(deferred.checks, { urgent }));
  if (!allValid || !equalBytes(chain.best.hash, bestHash)) return validateAtBest(chain, bytes);
  if (validity === undefined) throw failure;
  return validity;
}

/** The next sequence the chain expects from `sender`, counting the messages its pool already holds (`pha_getMqNextSequence`). */
export function nextMqSequence(chain: ChainService, pool: TxPool, sender: MessageOrigin): bigint {
  let next = expectedSequence(chain.bestState, sender);
  while (pool.isProvided(mqTag(sender, next))) next++;
  return next;
}
