import { PhalaError } from "@phala-ts/core";

/** Why a contract call failed; the same call fails the same way on every worker. */
export type ContractOutcomeCode =
  | "CONTRACT_OUT_OF_GAS"
  | "CONTRACT_OUT_OF_MEMORY"
  | "CONTRACT_STACK_OVERFLOW"
  | "CONTRACT_THREW"
  | "CONTRACT_READ_ONLY"
  | "CONTRACT_BAD_INPUT"
  | "CONTRACT_BAD_RESULT"
  | "CONTRACT_NO_ENTRY"
  | "CONTRACT_BAD_CODE";

export type ContractErrorCode =
  | ContractOutcomeCode
  /** The host passed a malformed call (wrong id length, limits out of range): a host bug, thrown. */
  | "CONTRACT_BAD_CALL"
  /**
   * The call outran the engine's wall-clock limit: a safety net for built-ins (array fills, string
   * searches) that do more work than gas sees. Not deterministic, so thrown, not an outcome.
   */
  | "CONTRACT_TIMEOUT"
  /** The sandbox itself broke (an exception escaped WebAssembly); the engine reloads it. Thrown. */
  | "CONTRACT_ENGINE_FAULT"
  /** The engine is reloading after a fault; `await engine.ready()`. Thrown. */
  | "CONTRACT_ENGINE_UNAVAILABLE";

export class ContractError extends PhalaError<ContractErrorCode> {
  override readonly name = "ContractError";
}

export type ContractBuildErrorCode = "CONTRACT_BUILD_FAILED" | "CONTRACT_BUILD_NODE_BUILTIN";

/** A contract that does not bundle; `details.errors` holds esbuild's messages. */
export class ContractBuildError extends PhalaError<ContractBuildErrorCode> {
  override readonly name = "ContractBuildError";
}
