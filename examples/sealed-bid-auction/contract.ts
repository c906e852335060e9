// A sealed-bid, first-price auction (see README.md): init { item, closesAtBlock, reserve? },
// handle { bid: { amount } } or { close: {} }, query { result: {} }, { myBid: {} } or { info: {} }.
import {
  type Context,
  defineContract,
  fields,
  getJson,
  type Hex,
  requireCaller,
  setJson,
  variant,
} from "@phala-ts/contracts/kit";

/** A bid and its place in the order bids came in (ties go to the earliest). */
type Bid = { amount: string; seq: number };
type Result = { winner: Hex | null; price: string | null };

/** Amounts are decimal strings of whole units, up to 2^128 - 1, so they are exact in JSON. */
const MAX_AMOUNT = (1n << 128n) - 1n;

function amount(value: unknown, what: string, min: bigint): bigint {
  if (
    typeof value !== "string" ||
    !/^(0|[1-9][0-9]{0,38})$/.test(value) ||
    BigInt(value) < min ||
    BigInt(value) > MAX_AMOUNT
  )
    throw new Error(`${what} must be a whole number from ${min} to 2^128 - 1, as a decimal string`);
  return BigInt(value);
}

const closesAt = (ctx: Context): number => getJson<number>(ctx.storage, "closesAtBlock", 0);

function bid(body: unknown, ctx: Context): { myBid: string } {
  const value = amount(fields(body, "bid", ["amount"]).amount, "bid.amount", 1n);
  const bidder = requireCaller(ctx);
  if (bidder === ctx.storage.get("seller")) throw new Error("the seller cannot bid");
  if (ctx.block.number >= closesAt(ctx)) throw new Error(`bidding closed at block ${closesAt(ctx)}`);
  const seq = getJson<number>(ctx.storage, "seq", 0) + 1;
  setJson(ctx.storage, "seq", seq);
  // A new bid replaces the account's old one, and takes its place in the order from now.
  setJson(ctx.storage, `bid/${bidder}`, { amount: value.toString(), seq });
  return { myBid: value.toString() };
}

function close(body: unknown, ctx: Context): Result {
  fields(body, "close", []);
  if (ctx.storage.get("result") !== undefined) throw new Error("the auction is already closed");
  if (ctx.block.number < closesAt(ctx)) throw new Error(`the auction closes at block ${closesAt(ctx)}`);
  let best: { bidder: Hex; amount: bigint; seq: number } | undefined;
  for (const [key, text] of ctx.storage.entries("bid/")) {
    const { amount, seq } = JSON.parse(text) as Bid;
    const candidate = { bidder: key.slice("bid/".length) as Hex, amount: BigInt(amount), seq };
    if (best === undefined || candidate.amount > best.amount || (candidate.amount === best.amount && seq < best.seq))
      best = candidate;
  }
  const reserve = BigInt(ctx.storage.get("reserve") ?? "0");
  const result: Result =
    best !== undefined && best.amount >= reserve
      ? { winner: best.bidder, price: best.amount.toString() }
      : { winner: null, price: null };
  setJson(ctx.storage, "result", result);
  ctx.emit({ closed: result.winner === null ? { winner: null } : result });
  return result;
}

export default defineContract({
  init(input: unknown, ctx: Context) {
    const args = fields(input, "the init args", ["item", "closesAtBlock", "reserve"]);
    if (typeof args.item !== "string" || args.item.length === 0 || args.item.length > 200)
      throw new Error("item must be a string of 1 to 200 characters");
    const { closesAtBlock } = args;
    if (typeof closesAtBlock !== "number" || !Number.isSafeInteger(closesAtBlock) || closesAtBlock <= ctx.block.number)
      throw new Error(`closesAtBlock must be a block number after the current one (${ctx.block.number})`);
    const reserve = args.reserve === undefined ? 0n : amount(args.reserve, "reserve", 0n);
    ctx.storage.set("seller", requireCaller(ctx));
    ctx.storage.set("item", args.item);
    setJson(ctx.storage, "closesAtBlock", closesAtBlock);
    ctx.storage.set("reserve", reserve.toString());
  },

  handle(input: unknown, ctx: Context) {
    const [kind, body] = variant(input, "a command", ["bid", "close"]);
    return kind === "bid" ? bid(body, ctx) : close(body, ctx);
  },

  query(input: unknown, ctx: Context) {
    const [kind, body] = variant(input, "a query", ["result", "myBid", "info"]);
    fields(body, kind, []);
    if (kind === "myBid") return { amount: getJson<Bid>(ctx.storage, `bid/${requireCaller(ctx)}`)?.amount ?? null };
    const result = getJson<Result>(ctx.storage, "result");
    if (kind === "info")
      return { item: ctx.storage.get("item") ?? "", closesAtBlock: closesAt(ctx), closed: result !== undefined };
    if (result === undefined) throw new Error("the auction is open: bids are sealed");
    return result;
  },
});
