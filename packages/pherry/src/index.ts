export type { DryRunOutcome } from "./applyExtrinsicResult.js";
export { describeApplyResult } from "./applyExtrinsicResult.js";
export { BlockSource, MAX_CHANGES_RANGE, type SourceBlock } from "./blockSource.js";
export {
  type MqBatchLimits,
  mqBatchLimits,
  registerWorkerCall,
  SINGLE_MESSAGES,
  syncOffchainMessageCall,
  syncOffchainMessagesCall,
} from "./chainCalls.js";
export { ChainMetadata } from "./chainMetadata.js";
export { chunkEgress, type EgressRound, relayEgress } from "./egressRelay.js";
export { ERA_PERIOD, ExtrinsicSubmitter } from "./extrinsicSubmitter.js";
export { isInvalidTransaction, isPriorityTooLow, isResponseTooBig, NodeRpc } from "./nodeRpc.js";
export { loadOperatorAccount, type OperatorAccountSource } from "./operatorAccount.js";
export { Pherry, type PherryOptions, type RoundReport } from "./pherry.js";
export { isTransient, PherryError, type PherryErrorCode } from "./pherryError.js";
export { PRuntimeClient, type PRuntimeInfo } from "./pruntimeClient.js";
export { ensureRegistered, type RegistrationCheck, workerRecordOf } from "./workerRegistration.js";
