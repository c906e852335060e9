import type { Ed25519Keypair } from "@phala-ts/core";
import type { Logger } from "pino";
import type { ChainSpec } from "../chain/chainSpec.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { createRpcServer, type RpcServer } from "../rpc/server/index.js";
import type { TxPool } from "../txpool/index.js";
import { BlockProducer } from "./blockProducer.js";
import { ChainService } from "./chainService.js";
import { createNodePool } from "./nodePool.js";
import { registerNodeRpc } from "./nodeRpc.js";
import { defaultVerifierThreads, SignatureVerifier } from "./signatureVerifier.js";

export interface NodeOptions {
  readonly spec: ChainSpec;
  readonly basePath: string;
  readonly rpcHost: string;
  readonly rpcPort: number;
  /** Produce blocks with this authority key; undefined runs a node that only serves. */
  readonly author: Ed25519Keypair | undefined;
  readonly pruning: number | undefined;
  /** Threads verifying submitted transactions' signatures; 0 verifies on the event loop. Default: `defaultVerifierThreads()`. */
  readonly verifyThreads?: number;
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
  const verifier = new SignatureVerifier({
    threads: options.verifyThreads ?? defaultVerifierThreads(),
    onThreadLost: (error) => logger.error({ err: error }, "A signature verifier thread died; replaced"),
  });
  const pool = createNodePool(chain, { verifier });
  const rpc = await createRpcServer({ host: options.rpcHost, port: options.rpcPort, logger });
  registerNodeRpc(rpc, chain, pool);
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
      await verifier.close();
      await chain.close();
    },
  };
}
