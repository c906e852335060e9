import type { ExecutionContext } from "../runtime/context.js";
import { bindStorage, definePallet } from "../runtime/pallet.js";
import { AccountId32, type TypeOf, t } from "../runtime/scaleType.js";
import { type StorageReader, storageValue } from "../runtime/storageItem.js";
import type { DispatchInfo } from "../runtime/weight.js";
import { PALLET_INDEX } from "./palletIndices.js";

/** FRAME's default `ExtrinsicBaseWeight` order of magnitude: 125 µs of execution. */
export const EXTRINSIC_BASE_WEIGHT = 125_000_000n;
/** Fee per byte of encoded extrinsic: 1 µPHA. */
export const TRANSACTION_BYTE_FEE = 1_000_000n;
/** Fee per unit of ref-time weight, as a divisor: 1 unit of balance per 1,000 ps. */
export const WEIGHT_TO_FEE_DIVISOR = 1_000n;
const FIXED_ONE = 1_000_000_000_000_000_000n;

const storage = bindStorage("TransactionPayment", {
  NextFeeMultiplier: storageValue(t.u128, { default: FIXED_ONE, docs: "FixedU128 multiplier of the weight fee." }),
});

const events = t.variant(["pallet_transaction_payment", "pallet", "Event"], {
  TransactionFeePaid: [0, { who: AccountId32, actualFee: t.u128, tip: t.u128 }],
});
export type TransactionPaymentEvent = TypeOf<typeof events>;

export const transactionPayment = definePallet({
  name: "TransactionPayment",
  index: PALLET_INDEX.TransactionPayment,
  docs: "Fees: a base fee, a length fee and a weight fee, plus an optional tip; fees are burned.",
  storage,
  events,
  constants: {
    OperationalFeeMultiplier: { type: t.u8, value: 5, docs: "Priority boost of operational transactions." },
  },
});

export const weightToFee = (refTime: bigint): bigint => refTime / WEIGHT_TO_FEE_DIVISOR;

export interface FeeDetails {
  readonly baseFee: bigint;
  readonly lenFee: bigint;
  readonly adjustedWeightFee: bigint;
  readonly tip: bigint;
}

/** pallet-transaction-payment's `compute_fee_details`, with the multiplier read from state. */
export function computeFee(state: StorageReader, length: number, info: DispatchInfo, tip: bigint): FeeDetails {
  if (info.paysFee.type === "No") return { baseFee: 0n, lenFee: 0n, adjustedWeightFee: 0n, tip };
  const multiplier = storage.NextFeeMultiplier.get(state);
  return {
    baseFee: weightToFee(EXTRINSIC_BASE_WEIGHT),
    lenFee: BigInt(length) * TRANSACTION_BYTE_FEE,
    adjustedWeightFee: (weightToFee(info.weight.refTime) * multiplier) / FIXED_ONE,
    tip,
  };
}

export const totalFee = (fee: FeeDetails): bigint => fee.baseFee + fee.lenFee + fee.adjustedWeightFee + fee.tip;

export function depositFeePaid(exec: ExecutionContext, who: Uint8Array, actualFee: bigint, tip: bigint): void {
  exec.deposit("TransactionPayment", { type: "TransactionFeePaid", value: { who, actualFee, tip } });
}
