import { Variant } from "@polkadot-api/substrate-bindings";
import { DispatchErrorType } from "../runtime/dispatchError.js";
import { t } from "../runtime/scaleType.js";
import type { ApplyOutcome } from "./applyExtrinsic.js";
import { type InvalidReason, TransactionInvalidError } from "./transactionValidity.js";

/** sp-runtime `InvalidTransaction`, by its variant indices (Custom(u8) is 7, unused here). */
const INVALID_INDEX: Record<InvalidReason, number> = {
  Call: 0,
  Payment: 1,
  Future: 2,
  Stale: 3,
  BadProof: 4,
  AncientBirthBlock: 5,
  ExhaustsResources: 6,
  BadMandatory: 8,
  MandatoryValidation: 9,
  BadSigner: 10,
};

const dispatchResult = Variant({ Ok: t.unit.codec, Err: DispatchErrorType.codec }, [0, 1]);
const applyResult = Variant(
  {
    Ok: dispatchResult,
    Err: Variant({ Invalid: t.u8.codec }, [0]),
  },
  [0, 1],
);

/**
 * SCALE `ApplyExtrinsicResult` = `Result<Result<(), DispatchError>, TransactionValidityError>`, as
 * Substrate's `system_dryRun` answers: Ok(Ok) applied, Ok(Err) included but failed (fee charged),
 * Err(Invalid) never includable.
 */
export function encodeApplyExtrinsicResult(result: ApplyOutcome | TransactionInvalidError): Uint8Array {
  if (result instanceof TransactionInvalidError) {
    return applyResult.enc({ type: "Err", value: { type: "Invalid", value: INVALID_INDEX[result.reason] } });
  }
  const inner =
    result.dispatchError === undefined
      ? ({ type: "Ok", value: undefined } as const)
      : ({ type: "Err", value: result.dispatchError } as const);
  return applyResult.enc({ type: "Ok", value: inner as never });
}
