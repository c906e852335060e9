import { type TypeOf, t } from "./scaleType.js";

/** sp-weights `Weight` (v2): execution time in picoseconds and proof size in bytes. */
export const WeightType = t.struct(["sp_weights", "weight_v2", "Weight"], {
  refTime: t.compactU64,
  proofSize: t.compactU64,
});
export type Weight = TypeOf<typeof WeightType>;

export const weight = (refTime: bigint, proofSize = 0n): Weight => ({ refTime, proofSize });
export const ZERO_WEIGHT: Weight = weight(0n);

export const addWeight = (a: Weight, b: Weight): Weight => weight(a.refTime + b.refTime, a.proofSize + b.proofSize);

/** One database read or write, as FRAME's `RocksDbWeight` counts them (25 µs and 100 µs). */
export const DB_READ = weight(25_000_000n);
export const DB_WRITE = weight(100_000_000n);

export const DispatchClassType = t.variant(["frame_support", "dispatch", "DispatchClass"], {
  Normal: [0],
  Operational: [1],
  Mandatory: [2],
});
export type DispatchClass = TypeOf<typeof DispatchClassType>["type"];

export const PaysType = t.variant(["frame_support", "dispatch", "Pays"], { Yes: [0], No: [1] });

export const DispatchInfoType = t.struct(["frame_support", "dispatch", "DispatchInfo"], {
  weight: WeightType,
  class: DispatchClassType,
  paysFee: PaysType,
});
export type DispatchInfo = TypeOf<typeof DispatchInfoType>;
