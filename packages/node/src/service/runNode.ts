import { blake2_256, decodeExtrinsic, type Ed25519Keypair, equalBytes } from "@phala-ts/core";
import type { Logger } from "pino";
import type { ChainSpec } from "../chain/chainSpec.js";
import { TransactionInvalidError } from "../chain/transactionValidity.js";
import { isMqTag, mqTag, validateTransaction } from "../chain/validateTransaction.js";
import { expectedSequence } from "../pallets/mq.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { systemStorage } from "../pallets/system.js";
import { registerAuthorMethods } from "../rpc/methods/authorMethods.js";
import { registerChainMethods } from "../rpc/methods/chainMethods.js";
import { registerPaymentMethods } from "../rpc/methods/paymentMethods.js";
import { registerPhaMethods } from "../rpc/methods/phaMethods.js";
import { registerStateCall } from "../rpc/methods/stateCall.js";
import { registerStateMethods } from "../rpc/methods/stateMethods.js";
import { registerSystemMethods } from "../rpc/methods/systemMethods.js";
import { createRpcServer, type RpcServer } from "../rpc/server/index.js";
import { TxPool } from "../txpool/index.js";
import { BlockProducer } from "./blockProducer.js";
import { ChainService } from "./chainService.js";

export interface NodeOptions {
  readonly spec: ChainSpec;
  readonly basePath: string;
  readonly rpcHost: string;
  readonly rpcPort: number;
  /** Produce blocks with this authority key; undefined runs a node that only serves. */
  readonly author: Ed25519Keypair | undefined;
  readonly pruning: number | undefined;
  readonly logger: Logger;
}

export interface RunningNode {
  readonly chain: ChainService;
  readonly pool: TxPool;
  readonly rpc: RpcServer;
  stop(): Promise<void>;
}

/** Opens the chain, starts the RPC server, and produces blocks when it holds an authority key. */
export async function startNode(options: NodeOptions): Promise<RunningNode> {
  const { logger, spec } = options;
  const runtime = createPhalaRuntime();
  const chain = await ChainService.open({ runtime, spec, basePath: options.basePath, pruning: options.pruning });
  logger.info(
    { chain: spec.name, genesis: `0x${Buffer.from(chain.genesis.hash).toString("hex")}`, best: chain.best.number },
    `Chain "${spec.name}" at #${chain.best.number}, finalized #${chain.finalized.number}`,
  );
  const pool = new TxPool({
    validate: (bytes, source) => {
      const best = { number: chain.best.number, hash: chain.best.hash, state: chain.bestState };
      const validity = validateTransaction(runtime, chain.chain, best, bytes);
      // A message-queue message may wait for its predecessor only if that one is already pending:
      // a skipped sequence is refused outright rather than parked.
      const gap = validity.requires.find((tag) => isMqTag(tag) && !pool.isProvided(tag));
      if (source === "external" && gap !== undefined)
        throw new TransactionInvalidError("Future", { mq: "sequence gap" });
      return validity;
    },
    hasher: blake2_256,
  });
  const rpc = await createRpcServer({ host: options.rpcHost, port: options.rpcPort, logger });
  const ctx = { chain };
  registerChainMethods(rpc.methods, rpc.subscriptions, ctx);
  registerStateMethods(rpc.methods, rpc.subscriptions, ctx);
  registerStateCall(rpc.methods, ctx);
  registerSystemMethods(rpc.methods, ctx, (who) =>
    pendingNonce(pool, who, systemStorage.Account.get(chain.bestState, who).nonce),
  );
  registerPaymentMethods(rpc.methods, ctx);
  registerPhaMethods(rpc.methods, ctx, (sender) => {
    let next = expectedSequence(chain.bestState, sender);
    while (pool.isProvided(mqTag(sender, next))) next++;
    return next;
  });
  registerAuthorMethods(rpc.methods, rpc.subscriptions, pool);
  logger.info({ url: rpc.wsUrl }, `RPC listening on ${rpc.wsUrl} (WebSocket) and ${rpc.url} (HTTP)`);

  let producer: BlockProducer | undefined;
  if (options.author !== undefined) {
    producer = new BlockProducer(chain, pool, options.author, spec.blockTimeMs, logger);
    producer.start();
    logger.info({ blockTimeMs: spec.blockTimeMs }, `Producing blocks every ${spec.blockTimeMs} ms`);
  }
  return {
    chain,
    pool,
    rpc,
    async stop() {
      await producer?.stop();
      await rpc.close();
      await chain.close();
    },
  };
}

const signerNonces = new WeakMap<Uint8Array, { signer: Uint8Array; nonce: number } | null>();

function signerNonce(bytes: Uint8Array): { signer: Uint8Array; nonce: number } | null {
  let known = signerNonces.get(bytes);
  if (known === undefined) {
    const { signed } = decodeExtrinsic(bytes);
    known = signed === undefined ? null : { signer: signed.signer, nonce: signed.extra.nonce };
    signerNonces.set(bytes, known);
  }
  return known;
}

/** The next nonce counting the signer's transactions already in the pool (system_accountNextIndex). */
function pendingNonce(pool: TxPool, who: Uint8Array, onChain: number): number {
  const pending = new Set<number>();
  for (const bytes of pool.pending()) {
    const known = signerNonce(bytes);
    if (known !== null && equalBytes(known.signer, who)) pending.add(known.nonce);
  }
  let next = onChain;
  while (pending.has(next)) next++;
  return next;
}
