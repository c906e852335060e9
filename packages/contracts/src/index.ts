export type { ContractBuildErrorCode, ContractErrorCode, ContractOutcomeCode } from "./contractError.js";
export { ContractBuildError, ContractError } from "./contractError.js";
export type {
  CallContext,
  ContractCall,
  ContractEntry,
  ContractEvent,
  ContractFailure,
  ContractLimits,
  ContractOutcome,
  ContractSuccess,
  StorageView,
} from "./engine/contractCall.js";
export { ContractEngine, type ContractEngineOptions, type QuickJSModule } from "./engine/contractEngine.js";
export * from "./engine/limits.js";
export type { JsonValue } from "./kit/json.js";
