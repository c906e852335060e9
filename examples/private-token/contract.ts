// A token whose balances only their owners see (see README.md): init { supply }, handle
// { transfer: { to, amount } }, query { balance: { of? } } or { totalSupply: {} }.
import { type Context, defineContract, fields, type Hex, requireCaller, variant } from "@phala-ts/contracts/kit";

/** Amounts are decimal strings of whole units, up to 2^128 - 1, so they are exact in JSON. */
const MAX_AMOUNT = (1n << 128n) - 1n;

function amount(value: unknown, what: string): bigint {
  if (typeof value !== "string" || !/^[1-9][0-9]{0,38}$/.test(value) || BigInt(value) > MAX_AMOUNT)
    throw new Error(`${what} must be a whole number from 1 to 2^128 - 1, as a decimal string`);
  return BigInt(value);
}

function account(value: unknown, what: string): Hex {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value))
    throw new Error(`${what} must be an account: 0x and 64 hex digits`);
  return value.toLowerCase() as Hex;
}

const balanceOf = (ctx: Context, who: Hex): bigint => BigInt(ctx.storage.get(`balance/${who}`) ?? "0");

function setBalance(ctx: Context, who: Hex, balance: bigint): void {
  if (balance === 0n) ctx.storage.delete(`balance/${who}`);
  else ctx.storage.set(`balance/${who}`, balance.toString());
}

export default defineContract({
  init(input: unknown, ctx: Context) {
    const supply = amount(fields(input, "the init args", ["supply"]).supply, "supply");
    ctx.storage.set("supply", supply.toString());
    setBalance(ctx, requireCaller(ctx), supply);
  },

  handle(input: unknown, ctx: Context) {
    const [, body] = variant(input, "a command", ["transfer"]);
    const transfer = fields(body, "transfer", ["to", "amount"]);
    const to = account(transfer.to, "transfer.to");
    const value = amount(transfer.amount, "transfer.amount");
    const from = requireCaller(ctx);
    const balance = balanceOf(ctx, from);
    if (balance < value) throw new Error("insufficient balance");
    setBalance(ctx, from, balance - value);
    setBalance(ctx, to, balanceOf(ctx, to) + value);
    ctx.emit({ transfer: { from, to, amount: value.toString() } }, { to });
    return { balance: balanceOf(ctx, from).toString() };
  },

  query(input: unknown, ctx: Context) {
    const [kind, body] = variant(input, "a query", ["balance", "totalSupply"]);
    if (kind === "totalSupply") {
      fields(body, "totalSupply", []);
      return { totalSupply: ctx.storage.get("supply") ?? "0" };
    }
    const { of } = fields(body, "balance", ["of"]);
    const caller = requireCaller(ctx);
    if (of !== undefined && account(of, "balance.of") !== caller) throw new Error("only the owner may read a balance");
    return { balance: balanceOf(ctx, caller).toString() };
  },
});
