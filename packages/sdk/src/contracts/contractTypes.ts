import type { CommandReplyEvent } from "@phala-ts/core";

/**
 * What a contract defined with the authoring kit (`defineContract` of `@phala-ts/contracts/kit`)
 * looks like from outside: its three entry points. It is matched by shape, so `typeof
 * import("./contract.js").default` types a handle without the SDK depending on the contracts
 * package (and its engine) at all.
 */
export interface ContractDefinitionLike {
  init(args: never, ctx: never): unknown;
  handle(command: never, ctx: never): unknown;
  query(request: never, ctx: never): unknown;
}

/** A contract whose entry points take and return anything: what an untyped handle speaks to. */
export interface AnyContract {
  init(args: unknown, ctx: never): unknown;
  handle(command: unknown, ctx: never): unknown;
  query(request: unknown, ctx: never): unknown;
}

/** The init arguments of a contract definition. */
export type ArgsOf<D> = D extends { init(args: infer A, ctx: never): unknown } ? A : unknown;
/** What its `handle` takes. */
export type CommandOf<D> = D extends { handle(command: infer C, ctx: never): unknown } ? C : unknown;
/** What its `handle` returns (as JSON). */
export type ResultOf<D> = D extends { handle(command: never, ctx: never): infer R } ? R : unknown;
/** What its `query` takes. */
export type RequestOf<D> = D extends { query(request: infer Q, ctx: never): unknown } ? Q : unknown;
/** What its `query` returns (as JSON). */
export type AnswerOf<D> = D extends { query(request: never, ctx: never): infer A } ? A : unknown;

/** A contract's refusal: its own (`CONTRACT_THREW`, `CONTRACT_OUT_OF_GAS`, …) or the worker's (`COMMAND_UNREADABLE`, …). */
export interface ContractFailure {
  readonly code: string;
  readonly message: string;
}

/** What a command's block and reply say about it, whatever its outcome. */
export interface CommandReceipt {
  readonly contract: string;
  /** Its index among the contract's commands (0 is init). */
  readonly index: bigint;
  readonly gasUsed: bigint;
  /** Burned: min(gas used, limit) × GasPrice; the rest of the deposit came back. */
  readonly fee: bigint;
  /** The extrinsic that pushed it. */
  readonly txHash: string;
  readonly pushedIn: { readonly hash: string; readonly number: number };
  readonly repliedIn: { readonly hash: string; readonly number: number };
}

/** A command's outcome as its (decrypted) reply says: the output and the caller's events, or why it failed. */
export type CommandOutcome<Output = unknown> = (
  | { readonly ok: true; readonly output: Output; readonly events: readonly CommandReplyEvent[] }
  | { readonly ok: false; readonly error: ContractFailure }
) &
  CommandReceipt;

/** A query's answer: the contract's output, or its refusal (a thrown `Error` is an answer too). */
export type QueryOutcome<Answer = unknown> =
  | { readonly ok: true; readonly output: Answer }
  | { readonly ok: false; readonly error: ContractFailure };
