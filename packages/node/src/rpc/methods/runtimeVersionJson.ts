import type { RuntimeVersion } from "../../runtime/runtime.js";

/** Runtime APIs this node answers through `state_call`, with Substrate's ids (blake2-64 of the trait name). */
export const RUNTIME_APIS: readonly (readonly [id: string, version: number])[] = [
  ["0xdf6acb689907609b", 4], // Core
  ["0x37e397fc7c91f5e4", 1], // Metadata
  ["0xbc9d89904f5b923f", 1], // AccountNonceApi
  ["0x37c8bb1350a9a2a8", 4], // TransactionPaymentApi
  ["0xed99c5acb25eedf5", 3], // GrandpaApi
];

export function runtimeVersionJson(version: RuntimeVersion) {
  return {
    specName: version.specName,
    implName: version.implName,
    authoringVersion: version.authoringVersion,
    specVersion: version.specVersion,
    implVersion: version.implVersion,
    apis: RUNTIME_APIS,
    transactionVersion: version.transactionVersion,
    stateVersion: version.stateVersion,
  };
}
