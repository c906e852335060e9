import { PhalaError } from "@phala-ts/core";
import { type TypeOf, t } from "./scaleType.js";

const tokenError = t.variant(["sp_runtime", "TokenError"], {
  FundsUnavailable: [0],
  OnlyProvider: [1],
  BelowMinimum: [2],
  CannotCreate: [3],
  UnknownAsset: [4],
  Frozen: [5],
  Unsupported: [6],
  CannotCreateHold: [7],
  NotExpendable: [8],
  Blocked: [9],
});

const arithmeticError = t.variant(["sp_arithmetic", "ArithmeticError"], {
  Underflow: [0],
  Overflow: [1],
  DivisionByZero: [2],
});

const transactionalError = t.variant(["sp_runtime", "TransactionalError"], { LimitReached: [0], NoLayer: [1] });

const moduleError = t.struct(["sp_runtime", "ModuleError"], { index: t.u8, error: t.fixed(4) });

/** sp-runtime's `DispatchError`, with the same variant indices, so explorers decode our events. */
export const DispatchErrorType = t.variant(["sp_runtime", "DispatchError"], {
  Other: [0],
  CannotLookup: [1],
  BadOrigin: [2],
  Module: [3, moduleError],
  ConsumerRemaining: [4],
  NoProviders: [5],
  TooManyConsumers: [6],
  Token: [7, tokenError],
  Arithmetic: [8, arithmeticError],
  Transactional: [9, transactionalError],
  Exhausted: [10],
  Corruption: [11],
  Unavailable: [12],
  RootNotAllowed: [13],
});

export type DispatchErrorValue = TypeOf<typeof DispatchErrorType>;
export type TokenErrorName = TypeOf<typeof tokenError>["type"];
export type ArithmeticErrorName = TypeOf<typeof arithmeticError>["type"];

/**
 * A call failed: its storage changes and events are rolled back, its fee is still charged, and
 * `System.ExtrinsicFailed` carries `error`. `name` is the pallet error's name for Module errors.
 * `details` may say more than the on-chain error can (e.g. the attestation verifier's error code);
 * they are for logs and callers of the runtime, never part of the chain's state.
 */
export class DispatchError extends PhalaError<"DISPATCH_FAILED"> {
  override readonly name = "DispatchError";

  constructor(
    readonly error: DispatchErrorValue,
    readonly label: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super("DISPATCH_FAILED", `dispatch failed: ${label}`, { ...details, error: label }, options);
  }

  static badOrigin(): DispatchError {
    return new DispatchError({ type: "BadOrigin", value: undefined }, "BadOrigin");
  }

  static token(name: TokenErrorName): DispatchError {
    return new DispatchError({ type: "Token", value: { type: name, value: undefined } }, `Token.${name}`);
  }

  static arithmetic(name: ArithmeticErrorName): DispatchError {
    return new DispatchError({ type: "Arithmetic", value: { type: name, value: undefined } }, `Arithmetic.${name}`);
  }

  static other(label: string): DispatchError {
    return new DispatchError({ type: "Other", value: undefined }, label);
  }
}

/** A pallet's error list; errors are indexed by position as FRAME's `#[pallet::error]` enum. */
export class PalletErrors<N extends string> {
  constructor(
    readonly palletName: string,
    readonly palletIndex: number,
    readonly names: readonly N[],
  ) {}

  /** The error `name`; `details` and `cause` travel with the thrown error only (see DispatchError). */
  error(name: N, details: Record<string, unknown> = {}, cause?: unknown): DispatchError {
    const index = this.names.indexOf(name);
    const error = Uint8Array.of(index, 0, 0, 0);
    return new DispatchError(
      { type: "Module", value: { index: this.palletIndex, error } },
      `${this.palletName}.${name}`,
      details,
      cause === undefined ? undefined : { cause },
    );
  }
}
