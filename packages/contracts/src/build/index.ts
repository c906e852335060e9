/** The bundler, apart from the engine so that a pRuntime never loads esbuild. */

export type { ContractBuildErrorCode } from "../contractError.js";
export { ContractBuildError } from "../contractError.js";
export { type BuildOptions, type BuiltContract, buildContract } from "./buildContract.js";
