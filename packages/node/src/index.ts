export * from "./chain/chainSpec.js";
export { BlockImportError, type BlockImportErrorCode, importBlock } from "./chain/importBlock.js";
export * from "./metadata/index.js";
export { EXISTENTIAL_DEPOSIT, PHA } from "./pallets/balances.js";
export { createPhalaRuntime, PHALA_RUNTIME_VERSION } from "./pallets/phalaRuntime.js";
export { AccountInfoType } from "./pallets/system.js";
export * from "./rpc/server/index.js";
export { addressOf, MultiAddressType } from "./runtime/multiAddress.js";
export { type BlockLimits, BlockProducer, DEFAULT_BLOCK_LIMITS } from "./service/blockProducer.js";
export { ChainService, type ChainServiceOptions, type ProducedBlock } from "./service/chainService.js";
export { createNodePool, type NodePoolOptions, nextMqSequence } from "./service/nodePool.js";
export { registerNodeRpc } from "./service/nodeRpc.js";
export { type NodeOptions, type RunningNode, startNode } from "./service/runNode.js";
export {
  defaultVerifierThreads,
  SignatureVerifier,
  type SignatureVerifierOptions,
} from "./service/signatureVerifier.js";
export * from "./txpool/index.js";
