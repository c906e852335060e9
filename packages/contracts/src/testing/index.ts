/** Runs a contract in the engine for its tests, with its storage and events in memory. */

export {
  account,
  type Block,
  type CallOptions,
  ContractHarness,
  type HarnessEvent,
  type HarnessOptions,
  type TestAccount,
} from "./contractHarness.js";
