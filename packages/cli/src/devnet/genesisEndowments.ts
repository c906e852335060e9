import { fromHex, ss58Decode, ss58Encode, toHex } from "@phala-ts/core";
import { DevnetError } from "./devnetError.js";

/** An account given a balance in the genesis of a new devnet. */
export interface Endowment {
  /** A 32-byte account id (bytes or 0x hex) or an SS58 address of any network. */
  readonly account: Uint8Array | string;
  /** Its free balance in planck (1 PHA = 10^12). */
  readonly free: bigint;
}

/** A spec's `genesis.balances` in JSON: SS58 address and decimal planck. */
export type BalanceEntry = readonly [address: string, free: string];

const MAX_BALANCE = (1n << 128n) - 1n;
const HEX32 = /^0x[0-9a-fA-F]{64}$/;

const badEndowment = (i: number, why: string, details: Record<string, unknown> = {}) =>
  new DevnetError("DEVNET_BAD_OPTION", `endowments[${i}] ${why}`, { index: i, ...details });

function accountId(account: Uint8Array | string, i: number): Uint8Array {
  if (account instanceof Uint8Array) {
    if (account.length !== 32) throw badEndowment(i, "must be a 32-byte account id", { length: account.length });
    return account;
  }
  if (typeof account !== "string") throw badEndowment(i, "must be an account id or an SS58 address");
  if (HEX32.test(account)) return fromHex(account);
  try {
    return ss58Decode(account).publicKey;
  } catch (cause) {
    throw badEndowment(i, "is neither a 0x account id nor an SS58 address", {
      account,
      reason: (cause as Error).message,
    });
  }
}

/** The endowments as account ids (0x hex) with their balances; `DEVNET_BAD_OPTION` on a bad or repeated one. */
export function checkEndowments(endowments: readonly Endowment[]): ReadonlyMap<string, bigint> {
  const checked = new Map<string, bigint>();
  for (const [i, endowment] of endowments.entries()) {
    const id = toHex(accountId(endowment.account, i));
    const { free } = endowment;
    if (typeof free !== "bigint" || free <= 0n || free > MAX_BALANCE)
      throw badEndowment(i, "free must be a planck amount above 0 that fits in 128 bits", { free: String(free) });
    if (checked.has(id)) throw badEndowment(i, "repeats an account endowed before", { account: id });
    checked.set(id, free);
  }
  return checked;
}

/**
 * `balances` with the endowments in: an account already there gets the endowment's balance
 * instead, the others are appended in order. Addresses use `prefix`, the spec's SS58 format.
 */
export function withEndowments(
  balances: readonly BalanceEntry[],
  endowments: ReadonlyMap<string, bigint>,
  prefix: number,
): BalanceEntry[] {
  const left = new Map(endowments);
  const merged = balances.map(([address, free]): BalanceEntry => {
    const id = toHex(ss58Decode(address).publicKey);
    const endowed = left.get(id);
    if (endowed === undefined) return [address, free];
    left.delete(id);
    return [address, endowed.toString()];
  });
  for (const [id, free] of left) merged.push([ss58Encode(fromHex(id), prefix), free.toString()]);
  return merged;
}
