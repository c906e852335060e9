/** Pallet indices of the Phala-TS runtime: the first byte of every call and event. */
export const PALLET_INDEX = {
  System: 0,
  Timestamp: 1,
  Balances: 2,
  TransactionPayment: 3,
  Sudo: 4,
  Session: 5,
  PhalaMq: 6,
  PhalaRegistry: 7,
  PhalaComputation: 8,
  PhalaPhatContracts: 9,
} as const;
