import { fileURLToPath } from "node:url";
import { ContractEngine, type JsonValue } from "@phala-ts/contracts";
import { account, ContractHarness, type TestAccount } from "@phala-ts/contracts/testing";
import { beforeAll, describe, expect, it } from "vitest";

const CONTRACT = fileURLToPath(new URL("./contract.ts", import.meta.url));
const [seller, ann, ben, cat, anyone] = [account(1), account(2), account(3), account(4), account(9)];
const refused = (message: string) => ({ ok: false, error: { code: "CONTRACT_THREW", message: `Error: ${message}` } });
const SEALED = refused("the auction is open: bids are sealed");

let engine: ContractEngine;
beforeAll(async () => {
  engine = await ContractEngine.create();
});

/** An auction opened at block 1 that closes at block 10, with a reserve of 50. */
async function auction(args: JsonValue = { item: "a painting", closesAtBlock: 10, reserve: "50" }) {
  const c = await ContractHarness.fromFile(CONTRACT, { engine });
  expect(c.init(args, { caller: seller })).toMatchObject({ ok: true });
  return c;
}

const bid = (c: ContractHarness, bidder: TestAccount, amount: JsonValue) =>
  c.handle({ bid: { amount } }, { caller: bidder });
const closeAt = (c: ContractHarness, number: number) => {
  c.block = { number, timestamp: number * 1000 };
  return c.handle({ close: {} }, { caller: anyone });
};

describe("sealed-bid-auction", () => {
  it("takes one bid per account until the close block, then sells to the highest bid over the reserve", async () => {
    const c = await auction();
    expect(bid(c, ann, "100")).toMatchObject({ ok: true, output: { myBid: "100" } });
    expect(bid(c, ben, "120")).toMatchObject({ ok: true, output: { myBid: "120" } });
    expect(bid(c, cat, "120")).toMatchObject({ ok: true });
    c.block = { number: 9, timestamp: 9000 };
    expect(bid(c, ann, "90")).toMatchObject({ ok: true, output: { myBid: "90" } });
    expect(c.query({ myBid: {} }, { caller: ann })).toMatchObject({ ok: true, output: { amount: "90" } });

    expect(closeAt(c, 10)).toMatchObject({ ok: true, output: { winner: ben.hex, price: "120" } });
    expect(c.events).toEqual([{ data: { closed: { winner: ben.hex, price: "120" } } }]);
    expect(c.query({ result: {} })).toMatchObject({ ok: true, output: { winner: ben.hex, price: "120" } });
    expect(c.query({ info: {} })).toMatchObject({
      output: { item: "a painting", closesAtBlock: 10, closed: true },
    });
    expect(c.query({ myBid: {} }, { caller: cat })).toMatchObject({ ok: true, output: { amount: "120" } });
  });

  it("breaks ties by the earliest bid, where a replaced bid counts from when it was replaced", async () => {
    const c = await auction();
    bid(c, ann, "200");
    bid(c, ben, "200");
    bid(c, ann, "200");
    expect(closeAt(c, 12)).toMatchObject({ ok: true, output: { winner: ben.hex, price: "200" } });
  });

  it("sells to nobody when no bid reaches the reserve, or nobody bid", async () => {
    const low = await auction();
    bid(low, ann, "49");
    expect(closeAt(low, 10)).toMatchObject({ ok: true, output: { winner: null, price: null } });
    expect(low.events).toEqual([{ data: { closed: { winner: null } } }]);
    expect(low.query({ result: {} })).toMatchObject({ output: { winner: null, price: null } });

    const empty = await auction({ item: "a chair", closesAtBlock: 2 });
    expect(closeAt(empty, 2)).toMatchObject({ ok: true, output: { winner: null, price: null } });
    const free = await auction({ item: "a chair", closesAtBlock: 2 });
    bid(free, ann, "1");
    expect(closeAt(free, 2)).toMatchObject({ output: { winner: ann.hex, price: "1" } });
  });

  it("refuses bids at or after the close block, early closes, second closes and the seller's bids", async () => {
    const c = await auction();
    bid(c, ann, "100");
    expect(bid(c, seller, "500")).toMatchObject(refused("the seller cannot bid"));
    expect(closeAt(c, 9)).toMatchObject(refused("the auction closes at block 10"));
    c.block = { number: 10, timestamp: 10_000 };
    expect(bid(c, ben, "500")).toMatchObject(refused("bidding closed at block 10"));
    expect(closeAt(c, 10)).toMatchObject({ ok: true });
    const after = new Map(c.storage);
    expect(closeAt(c, 11)).toMatchObject(refused("the auction is already closed"));
    expect(closeAt(c, 11)).toMatchObject(refused("the auction is already closed"));
    expect(bid(c, ben, "500")).toMatchObject(refused("bidding closed at block 10"));
    expect(c.storage).toEqual(after);
    expect(c.events).toHaveLength(1);
  });

  it("refuses malformed amounts, commands, queries and init args", async () => {
    const c = await auction();
    const badAmount = refused("bid.amount must be a whole number from 1 to 2^128 - 1, as a decimal string");
    for (const amount of ["0", "-1", "1.0", "01", "", 5, null, (2n ** 128n).toString()])
      expect(bid(c, ann, amount)).toMatchObject(badAmount);
    expect(c.handle({ bid: {} }, { caller: ann })).toMatchObject(badAmount);
    expect(c.handle({ bid: { amount: "5", max: "9" } }, { caller: ann })).toMatchObject(
      refused('bid has no field "max"'),
    );
    expect(c.handle({ close: { now: true } }, { caller: ann })).toMatchObject(refused('close has no field "now"'));
    expect(c.handle({ withdraw: {} }, { caller: ann })).toMatchObject(refused('a command has no field "withdraw"'));
    expect(c.handle([], { caller: ann })).toMatchObject(refused("a command must be an object"));
    expect(c.query({ bids: {} })).toMatchObject(refused('a query has no field "bids"'));
    expect(c.query({ myBid: {} })).toMatchObject(refused("this call needs a caller"));
    expect(c.storage.has(`bid/${ann.hex}`)).toBe(false);

    const fresh = await ContractHarness.fromFile(CONTRACT, { engine });
    const init = (args: JsonValue) => fresh.init(args, { caller: seller });
    expect(init({ item: "", closesAtBlock: 10 })).toMatchObject(
      refused("item must be a string of 1 to 200 characters"),
    );
    expect(init({ item: "x".repeat(201), closesAtBlock: 10 })).toMatchObject({ ok: false });
    const badClose = refused("closesAtBlock must be a block number after the current one (1)");
    for (const closesAtBlock of [1, 0, 2.5, "10", null])
      expect(init({ item: "x", closesAtBlock })).toMatchObject(badClose);
    expect(init({ item: "x", closesAtBlock: 10, reserve: "-1" })).toMatchObject(
      refused("reserve must be a whole number from 0 to 2^128 - 1, as a decimal string"),
    );
    expect(init({ item: "x", closesAtBlock: 10, seller: ann.hex })).toMatchObject(
      refused('the init args has no field "seller"'),
    );
    expect(fresh.storage.size).toBe(0);
  });

  it("reveals nothing of the bids before the close, and never a losing bid", async () => {
    const c = await auction();
    const info = c.query({ info: {} }, { caller: ann });
    expect(info).toMatchObject({ ok: true, output: { item: "a painting", closesAtBlock: 10, closed: false } });
    expect(c.query({ result: {} }, { caller: ann })).toMatchObject(SEALED);
    bid(c, ann, "100");
    bid(c, ben, "777");
    c.block = { number: 50, timestamp: 50_000 };
    expect(c.query({ result: {} }, { caller: seller })).toMatchObject(SEALED);
    expect(c.query({ info: {} }, { caller: ann })).toEqual(info);
    expect(c.query({ myBid: {} }, { caller: cat })).toMatchObject({ ok: true, output: { amount: null } });
    expect(c.query({ myBid: {} }, { caller: seller })).toMatchObject({ output: { amount: null } });
    expect(c.events).toEqual([]);

    closeAt(c, 50);
    const published = JSON.stringify([c.events, c.query({ result: {} }), c.query({ info: {} })]);
    expect(published).toContain("777");
    expect(published).not.toContain("100");
    expect(published).not.toContain(ann.hex);
  });

  it("is deterministic: the same calls on two fresh instances leave the same storage", async () => {
    const run = async () => {
      const c = await auction();
      bid(c, ann, "60");
      bid(c, ben, "70");
      bid(c, ann, "80");
      closeAt(c, 10);
      return { storage: c.storage, events: c.events };
    };
    expect(await run()).toEqual(await run());
  });
});
