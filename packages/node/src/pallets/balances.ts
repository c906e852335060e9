import type { ExecutionContext } from "../runtime/context.js";
import { DispatchError, PalletErrors } from "../runtime/dispatchError.js";
import { lookupAccount, MultiAddressType } from "../runtime/multiAddress.js";
import { bindStorage, call, definePallet } from "../runtime/pallet.js";
import { AccountId32, type TypeOf, t } from "../runtime/scaleType.js";
import { storageValue } from "../runtime/storageItem.js";
import { DB_READ, DB_WRITE, weight } from "../runtime/weight.js";
import { PALLET_INDEX } from "./palletIndices.js";
import { type AccountInfo, accounts, EMPTY_ACCOUNT, systemStorage } from "./system.js";

/** 12 decimals: 1 PHA = 10^12 units. */
export const PHA = 1_000_000_000_000n;
export const EXISTENTIAL_DEPOSIT = PHA / 100n;

const storage = bindStorage("Balances", {
  TotalIssuance: storageValue(t.u128, { default: 0n, docs: "The total units issued in the system." }),
  InactiveIssuance: storageValue(t.u128, { default: 0n, docs: "The total units of outstanding deactivated balance." }),
});

const errors = new PalletErrors("Balances", PALLET_INDEX.Balances, [
  "VestingBalance",
  "LiquidityRestrictions",
  "InsufficientBalance",
  "ExistentialDeposit",
  "Expendability",
  "ExistingVestingSchedule",
  "DeadAccount",
  "TooManyReserves",
  "TooManyHolds",
  "TooManyFreezes",
  "IssuanceDeactivated",
  "DeltaZero",
]);

const events = t.variant(["pallet_balances", "pallet", "Event"], {
  Endowed: [0, { account: AccountId32, freeBalance: t.u128 }],
  DustLost: [1, { account: AccountId32, amount: t.u128 }],
  Transfer: [2, { from: AccountId32, to: AccountId32, amount: t.u128 }],
  BalanceSet: [3, { who: AccountId32, free: t.u128 }],
  Reserved: [4, { who: AccountId32, amount: t.u128 }],
  Unreserved: [5, { who: AccountId32, amount: t.u128 }],
  Deposit: [7, { who: AccountId32, amount: t.u128 }],
  Withdraw: [8, { who: AccountId32, amount: t.u128 }],
  Slashed: [9, { who: AccountId32, amount: t.u128 }],
});
export type BalancesEvent = TypeOf<typeof events>;

const deposit = (exec: ExecutionContext, event: BalancesEvent) => exec.deposit("Balances", event);

/** An account lives while free + reserved ≥ the existential deposit; it then has one provider. */
function settle(exec: ExecutionContext, who: Uint8Array, before: AccountInfo, free: bigint, reserved: bigint): void {
  const total = free + reserved;
  if (total < EXISTENTIAL_DEPOSIT) {
    // The account dies: what is left is dust, burned.
    if (total > 0n) {
      storage.TotalIssuance.set(exec.state, storage.TotalIssuance.get(exec.state) - total);
      deposit(exec, { type: "DustLost", value: { account: who, amount: total } });
    }
    accounts.put(exec, who, { ...before, providers: 0, data: { ...before.data, free: 0n, reserved: 0n } });
    return;
  }
  const providers = before.providers === 0 ? 1 : before.providers;
  accounts.put(exec, who, { ...before, providers, data: { ...before.data, free, reserved } });
  if (before.providers === 0) deposit(exec, { type: "Endowed", value: { account: who, freeBalance: free } });
}

export type Existence = "AllowDeath" | "KeepAlive";

/** Moves `amount` of free balance; the sender may die only with `AllowDeath`. */
function transfer(
  exec: ExecutionContext,
  from: Uint8Array,
  to: Uint8Array,
  amount: bigint,
  existence: Existence,
): void {
  const source = accounts.get(exec, from);
  if (amount === 0n || equal(from, to)) {
    deposit(exec, { type: "Transfer", value: { from, to, amount } });
    return;
  }
  const spendable = source.data.free - source.data.frozen;
  if (amount > spendable) throw errors.error("InsufficientBalance");
  const remaining = source.data.free - amount;
  if (existence === "KeepAlive" && remaining + source.data.reserved < EXISTENTIAL_DEPOSIT) {
    throw errors.error("Expendability");
  }
  const target = accounts.get(exec, to);
  if (target.providers === 0 && amount < EXISTENTIAL_DEPOSIT) throw errors.error("ExistentialDeposit");
  settle(exec, to, target, target.data.free + amount, target.data.reserved);
  settle(exec, from, source, remaining, source.data.reserved);
  deposit(exec, { type: "Transfer", value: { from, to, amount } });
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

const TRANSFER_WEIGHT = weight(DB_READ.refTime * 2n + DB_WRITE.refTime * 2n + 20_000_000n);

export const balances = definePallet({
  name: "Balances",
  index: PALLET_INDEX.Balances,
  docs: "PHA balances: transfers, reserves, the existential deposit and dust removal.",
  storage,
  events,
  errors,
  constants: {
    ExistentialDeposit: {
      type: t.u128,
      value: EXISTENTIAL_DEPOSIT,
      docs: "The minimum balance an account must keep to exist.",
    },
  },
  calls: {
    transferAllowDeath: call({
      index: 0,
      args: { dest: MultiAddressType, value: t.compactU128 },
      origin: "signed",
      weight: TRANSFER_WEIGHT,
      docs: "Transfer some liquid free balance to another account; the sender may be reaped.",
      execute({ exec, origin }, { dest, value }) {
        if (origin.kind !== "signed") throw DispatchError.badOrigin();
        transfer(exec, origin.who, lookupAccount(dest), value, "AllowDeath");
      },
    }),
    forceTransfer: call({
      index: 2,
      args: { source: MultiAddressType, dest: MultiAddressType, value: t.compactU128 },
      origin: "root",
      weight: TRANSFER_WEIGHT,
      docs: "Exactly as `transfer_allow_death`, except the origin must be root and the source may be any account.",
      execute({ exec }, { source, dest, value }) {
        transfer(exec, lookupAccount(source), lookupAccount(dest), value, "AllowDeath");
      },
    }),
    transferKeepAlive: call({
      index: 3,
      args: { dest: MultiAddressType, value: t.compactU128 },
      origin: "signed",
      weight: TRANSFER_WEIGHT,
      docs: "Same as `transfer_allow_death`, but fails rather than let the sender's account be reaped.",
      execute({ exec, origin }, { dest, value }) {
        if (origin.kind !== "signed") throw DispatchError.badOrigin();
        transfer(exec, origin.who, lookupAccount(dest), value, "KeepAlive");
      },
    }),
    transferAll: call({
      index: 4,
      args: { dest: MultiAddressType, keepAlive: t.bool },
      origin: "signed",
      weight: TRANSFER_WEIGHT,
      docs: "Transfer the entire transferable balance from the caller account.",
      execute({ exec, origin }, { dest, keepAlive }) {
        if (origin.kind !== "signed") throw DispatchError.badOrigin();
        const { data } = accounts.get(exec, origin.who);
        const keep = keepAlive && data.reserved < EXISTENTIAL_DEPOSIT ? EXISTENTIAL_DEPOSIT - data.reserved : 0n;
        const amount = data.free - data.frozen - keep;
        if (amount > 0n)
          transfer(exec, origin.who, lookupAccount(dest), amount, keepAlive ? "KeepAlive" : "AllowDeath");
      },
    }),
    forceSetBalance: call({
      index: 8,
      args: { who: MultiAddressType, newFree: t.compactU128 },
      origin: "root",
      weight: weight(DB_READ.refTime + DB_WRITE.refTime * 2n),
      docs: "Set the free balance of an account (root only); issuance follows.",
      execute({ exec }, { who, newFree }) {
        const account = lookupAccount(who);
        const before = accounts.get(exec, account);
        const issuance = storage.TotalIssuance.get(exec.state);
        storage.TotalIssuance.set(exec.state, issuance - before.data.free + newFree);
        settle(exec, account, before, newFree, before.data.reserved);
        deposit(exec, { type: "BalanceSet", value: { who: account, free: newFree } });
      },
    }),
  },
  genesis(state, config) {
    const { balances: endowed } = config as BalancesGenesis;
    let issuance = 0n;
    for (const [who, amount] of endowed) {
      if (amount < EXISTENTIAL_DEPOSIT) throw new Error("genesis balance below the existential deposit");
      systemStorage.Account.set(state, who, {
        ...EMPTY_ACCOUNT,
        providers: 1,
        data: { ...EMPTY_ACCOUNT.data, free: amount },
      });
      issuance += amount;
    }
    storage.TotalIssuance.set(state, issuance);
  },
});

export interface BalancesGenesis {
  readonly balances: readonly (readonly [accountId: Uint8Array, free: bigint])[];
}

export const balancesStorage = storage;

/** Balance operations other pallets build on (fees, deposits, rewards). */
export const currency = {
  free(exec: ExecutionContext, who: Uint8Array): bigint {
    return accounts.get(exec, who).data.free;
  },

  /** What `who` may withdraw or reserve: its free balance less what is frozen. */
  spendable(exec: ExecutionContext, who: Uint8Array): bigint {
    const { data } = accounts.get(exec, who);
    return data.free > data.frozen ? data.free - data.frozen : 0n;
  },

  /** Takes `amount` out of circulation (fees): free balance and total issuance both fall. */
  withdraw(exec: ExecutionContext, who: Uint8Array, amount: bigint, existence: Existence): void {
    const before = accounts.get(exec, who);
    if (amount > before.data.free - before.data.frozen) throw errors.error("InsufficientBalance");
    const free = before.data.free - amount;
    if (existence === "KeepAlive" && free + before.data.reserved < EXISTENTIAL_DEPOSIT)
      throw errors.error("Expendability");
    storage.TotalIssuance.set(exec.state, storage.TotalIssuance.get(exec.state) - amount);
    settle(exec, who, before, free, before.data.reserved);
    deposit(exec, { type: "Withdraw", value: { who, amount } });
  },

  /** Mints `amount` into `who`'s free balance (rewards); issuance rises. */
  mint(exec: ExecutionContext, who: Uint8Array, amount: bigint): void {
    const before = accounts.get(exec, who);
    if (before.providers === 0 && amount < EXISTENTIAL_DEPOSIT) throw errors.error("ExistentialDeposit");
    storage.TotalIssuance.set(exec.state, storage.TotalIssuance.get(exec.state) + amount);
    settle(exec, who, before, before.data.free + amount, before.data.reserved);
    deposit(exec, { type: "Deposit", value: { who, amount } });
  },

  reserve(exec: ExecutionContext, who: Uint8Array, amount: bigint): void {
    const before = accounts.get(exec, who);
    if (amount > before.data.free - before.data.frozen) throw errors.error("InsufficientBalance");
    settle(exec, who, before, before.data.free - amount, before.data.reserved + amount);
    deposit(exec, { type: "Reserved", value: { who, amount } });
  },

  /** Returns up to `amount` of reserved balance to free; returns what was actually unreserved. */
  unreserve(exec: ExecutionContext, who: Uint8Array, amount: bigint): bigint {
    const before = accounts.get(exec, who);
    const moved = amount < before.data.reserved ? amount : before.data.reserved;
    if (moved === 0n) return 0n;
    settle(exec, who, before, before.data.free + moved, before.data.reserved - moved);
    deposit(exec, { type: "Unreserved", value: { who, amount: moved } });
    return moved;
  },
};
