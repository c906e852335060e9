import { blake2_256 } from "@phala-ts/core";
import type { ExecutionContext } from "../runtime/context.js";
import { DispatchErrorType, PalletErrors } from "../runtime/dispatchError.js";
import { bindStorage, call, definePallet } from "../runtime/pallet.js";
import { AccountId32, H256, type TypeOf, t } from "../runtime/scaleType.js";
import { storageMap, storageValue } from "../runtime/storageItem.js";
import { DB_WRITE, DispatchInfoType, weight } from "../runtime/weight.js";
import { PALLET_INDEX } from "./palletIndices.js";

export const AccountDataType = t.struct(["pallet_balances", "types", "AccountData"], {
  free: t.u128,
  reserved: t.u128,
  frozen: t.u128,
  flags: t.u128,
});

export const AccountInfoType = t.struct(["frame_system", "AccountInfo"], {
  nonce: t.u32,
  consumers: t.u32,
  providers: t.u32,
  sufficients: t.u32,
  data: AccountDataType,
});
export type AccountInfo = TypeOf<typeof AccountInfoType>;

/** FRAME's `ExtraFlags` with only the "new logic" bit set, as every account written by pallet_balances ≥ 4.0. */
export const NEW_LOGIC_FLAG = 1n << 127n;

export const EMPTY_ACCOUNT: AccountInfo = {
  nonce: 0,
  consumers: 0,
  providers: 0,
  sufficients: 0,
  data: { free: 0n, reserved: 0n, frozen: 0n, flags: NEW_LOGIC_FLAG },
};

const ZERO_HASH = new Uint8Array(32);

/** How many recent block hashes are kept: transactions must be born within this many blocks. */
export const BLOCK_HASH_COUNT = 2400;

const storage = bindStorage("System", {
  Account: storageMap("Blake2_128Concat", AccountId32, AccountInfoType, {
    default: EMPTY_ACCOUNT,
    docs: "The full account information for a particular account ID.",
  }),
  Number: storageValue(t.u32, { default: 0, docs: "The current block number being processed." }),
  ParentHash: storageValue(H256, { default: ZERO_HASH, docs: "Hash of the previous block." }),
  BlockHash: storageMap("Twox64Concat", t.u32, H256, {
    default: ZERO_HASH,
    docs: "Map of block numbers to block hashes.",
  }),
  ExtrinsicCount: storageValue(t.u32, { docs: "Total extrinsics count for the current block." }),
  EventCount: storageValue(t.u32, { default: 0, docs: "The number of events in the `Events<T>` list." }),
});

const errors = new PalletErrors("System", PALLET_INDEX.System, [
  "InvalidSpecName",
  "SpecVersionNeedsToIncrease",
  "FailedToExtractRuntimeVersion",
  "NonDefaultComposite",
  "NonZeroRefCount",
  "CallFiltered",
]);

const events = t.variant(["frame_system", "pallet", "Event"], {
  ExtrinsicSuccess: [0, { dispatchInfo: DispatchInfoType }],
  ExtrinsicFailed: [1, { dispatchError: DispatchErrorType, dispatchInfo: DispatchInfoType }],
  CodeUpdated: [2],
  NewAccount: [3, { account: AccountId32 }],
  KilledAccount: [4, { account: AccountId32 }],
  Remarked: [5, { sender: AccountId32, hash: H256 }],
});
export type SystemEvent = TypeOf<typeof events>;

const deposit = (exec: ExecutionContext, event: SystemEvent) => exec.deposit("System", event);

const remarkWeight = (args: { remark: Uint8Array }) => weight(1_000_000n + BigInt(args.remark.length) * 1_000n);

export const system = definePallet({
  name: "System",
  index: PALLET_INDEX.System,
  docs: "Accounts, block number and hashes, events.",
  storage,
  events,
  errors,
  constants: {
    SS58Prefix: { type: t.u16, value: 30, docs: "The SS58 prefix of this chain (Phala's)." },
    BlockHashCount: {
      type: t.u32,
      value: BLOCK_HASH_COUNT,
      docs: "Maximum number of block number to block hash mappings to keep.",
    },
  },
  calls: {
    remark: call({
      index: 0,
      args: { remark: t.bytes },
      origin: "signed",
      weight: remarkWeight,
      docs: "Make some on-chain remark.",
      execute() {},
    }),
    remarkWithEvent: call({
      index: 7,
      args: { remark: t.bytes },
      origin: "signed",
      weight: (args) => ({ ...remarkWeight(args), refTime: remarkWeight(args).refTime + DB_WRITE.refTime }),
      docs: "Make some on-chain remark and emit an event.",
      execute({ exec, origin }, { remark }) {
        if (origin.kind !== "signed") return;
        deposit(exec, { type: "Remarked", value: { sender: origin.who, hash: blake2_256(remark) } });
      },
    }),
  },
  hooks: {
    onInitialize(exec) {
      const { number, parentHash } = exec.block;
      storage.Number.set(exec.state, number);
      storage.ParentHash.set(exec.state, parentHash);
      if (number > 0) storage.BlockHash.set(exec.state, number - 1, parentHash);
      // Block 0's hash is kept for good, as Substrate keeps it: registrations check it.
      const stale = number - 1 - BLOCK_HASH_COUNT;
      if (stale > 0) storage.BlockHash.remove(exec.state, stale);
      storage.EventCount.remove(exec.state);
      storage.ExtrinsicCount.remove(exec.state);
    },
  },
});

export const systemStorage = storage;

/** Account bookkeeping shared with balances: providers, nonce, NewAccount/KilledAccount. */
export const accounts = {
  get(exec: ExecutionContext, who: Uint8Array): AccountInfo {
    return storage.Account.get(exec.state, who);
  },

  /** Writes the account; an account that no longer exists (no providers, no sufficients) is removed. */
  put(exec: ExecutionContext, who: Uint8Array, info: AccountInfo): void {
    const existed = storage.Account.contains(exec.state, who);
    const alive = info.providers > 0 || info.sufficients > 0;
    if (alive) {
      storage.Account.set(exec.state, who, info);
      if (!existed) deposit(exec, { type: "NewAccount", value: { account: who } });
    } else if (existed) {
      storage.Account.remove(exec.state, who);
      deposit(exec, { type: "KilledAccount", value: { account: who } });
    }
  },

  incNonce(exec: ExecutionContext, who: Uint8Array): void {
    const info = storage.Account.get(exec.state, who);
    storage.Account.set(exec.state, who, { ...info, nonce: info.nonce + 1 });
  },

  depositEvent: deposit,
};
