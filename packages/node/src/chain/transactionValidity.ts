import { PhalaError } from "@phala-ts/core";

/** sp-runtime's `InvalidTransaction` reasons that this chain uses. */
export type InvalidReason =
  | "Call"
  | "Payment"
  | "Future"
  | "Stale"
  | "BadProof"
  | "AncientBirthBlock"
  | "ExhaustsResources"
  | "BadMandatory"
  | "MandatoryValidation"
  | "BadSigner";

const MESSAGES: Record<InvalidReason, string> = {
  Call: "the call is not valid here",
  Payment: "inability to pay some fees (e.g. account balance too low)",
  Future: "transaction will be valid in the future",
  Stale: "transaction is outdated",
  BadProof: "invalid transaction proof (bad signature, wrong genesis hash or spec version)",
  AncientBirthBlock: "the transaction's birth block is ancient",
  ExhaustsResources: "the transaction would exhaust the resources of the current block",
  BadMandatory: "a mandatory dispatch failed",
  MandatoryValidation: "a mandatory transaction was submitted from outside the block",
  BadSigner: "the signer is not acceptable",
};

/** A transaction that may not be included (now or ever): nothing it would do happens. */
export class TransactionInvalidError extends PhalaError<"TX_INVALID"> {
  override readonly name = "TransactionInvalidError";

  constructor(
    readonly reason: InvalidReason,
    details: Record<string, unknown> = {},
  ) {
    super("TX_INVALID", `invalid transaction: ${MESSAGES[reason]}`, { reason, ...details });
  }
}
