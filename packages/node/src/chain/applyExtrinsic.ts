import { currency } from "../pallets/balances.js";
import { accounts } from "../pallets/system.js";
import { computeFee, depositFeePaid, totalFee } from "../pallets/transactionPayment.js";
import type { ExecutionContext } from "../runtime/context.js";
import { DispatchError, type DispatchErrorValue } from "../runtime/dispatchError.js";
import { NONE, signedOrigin } from "../runtime/origin.js";
import type { Runtime } from "../runtime/runtime.js";
import type { CheckedExtrinsic } from "./checkExtrinsic.js";
import { TransactionInvalidError } from "./transactionValidity.js";

export interface ApplyOutcome {
  /** undefined when the call succeeded; its storage changes were rolled back otherwise. */
  readonly dispatchError: DispatchErrorValue | undefined;
  readonly fee: bigint;
}

/**
 * frame-executive's `apply_extrinsic`: nonce and fee checks (which, failing, leave no trace and
 * make the extrinsic invalid), then the fee is burned, the nonce bumped and the call dispatched
 * (a failed call is rolled back but keeps its fee and nonce, and is reported in ExtrinsicFailed).
 */
export function applyExtrinsic(
  runtime: Runtime,
  exec: ExecutionContext,
  index: number,
  xt: CheckedExtrinsic,
): ApplyOutcome {
  exec.phase = { type: "ApplyExtrinsic", value: index };
  const { info } = xt;
  let fee = 0n;
  if (xt.signed === undefined) {
    try {
      runtime.dispatch(exec, NONE, xt.call);
    } catch (error) {
      if (error instanceof DispatchError) throw new TransactionInvalidError("BadMandatory", { error: error.label });
      throw error;
    }
    exec.deposit("System", { type: "ExtrinsicSuccess", value: { dispatchInfo: info } });
    return { dispatchError: undefined, fee };
  }

  const { signer, extra } = xt.signed;
  exec.transactional(() => {
    const account = accounts.get(exec, signer);
    if (extra.nonce < account.nonce)
      throw new TransactionInvalidError("Stale", { nonce: extra.nonce, expected: account.nonce });
    if (extra.nonce > account.nonce)
      throw new TransactionInvalidError("Future", { nonce: extra.nonce, expected: account.nonce });
    fee = totalFee(computeFee(exec.state, xt.bytes.length, info, extra.tip));
    if (fee > 0n) {
      try {
        currency.withdraw(exec, signer, fee, "KeepAlive");
      } catch (error) {
        if (error instanceof DispatchError) throw new TransactionInvalidError("Payment", { fee: fee.toString() });
        throw error;
      }
    }
    accounts.incNonce(exec, signer);
  });

  let dispatchError: DispatchErrorValue | undefined;
  try {
    runtime.dispatch(exec, signedOrigin(signer), xt.call);
  } catch (error) {
    if (!(error instanceof DispatchError)) throw error;
    dispatchError = error.error;
  }
  depositFeePaid(exec, signer, fee, extra.tip);
  exec.deposit(
    "System",
    dispatchError === undefined
      ? { type: "ExtrinsicSuccess", value: { dispatchInfo: info } }
      : { type: "ExtrinsicFailed", value: { dispatchError, dispatchInfo: info } },
  );
  return { dispatchError, fee };
}
