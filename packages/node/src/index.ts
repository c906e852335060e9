export * from "./chain/chainSpec.js";
export * from "./extrinsic/index.js";
export * from "./metadata/index.js";
export { createPhalaRuntime, PHALA_RUNTIME_VERSION } from "./pallets/phalaRuntime.js";
export * from "./rpc/server/index.js";
export { createLogger, type LogFormat } from "./service/logger.js";
export { type NodeOptions, type RunningNode, startNode } from "./service/runNode.js";
export * from "./txpool/index.js";
