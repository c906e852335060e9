// The contract authoring kit: what a contract imports. It is bundled into the contract, so it
// imports nothing at run time (no Node, no engine).
export type { Context, Hex, Storage } from "./context.js";
export { type ContractDefinition, defineContract } from "./defineContract.js";
export { fields, variant } from "./input.js";
export type { JsonValue } from "./json.js";
export { getJson, requireCaller, setJson } from "./storageJson.js";
