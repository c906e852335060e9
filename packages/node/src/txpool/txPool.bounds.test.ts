import { describe, expect, it } from "vitest";
import { encodeTx, FakeChain, type FakeTx, hashTx, labels } from "./fakeChain.test-util.js";
import { TxPool, type TxPoolOptions } from "./txPool.js";
import type { TxStatus } from "./types.js";

function setup(options: Partial<TxPoolOptions>) {
  const chain = new FakeChain();
  const pool = new TxPool({ validate: chain.validate, hasher: hashTx, ...options });
  const submit = (tx: FakeTx) => pool.submit(encodeTx(tx), "external");
  return { chain, pool, submit };
}

describe("TxPool bounds", () => {
  it("evicts the lowest-priority ready transaction, the newest among equals, for a better one", async () => {
    const { pool, submit } = setup({ ready: { count: 3 } });
    await submit({ who: "a", nonce: 0, tip: 5 });
    const b = await submit({ who: "b", nonce: 0, tip: 1 });
    const c = await submit({ who: "c", nonce: 0, tip: 1 });
    await expect(submit({ who: "x", nonce: 0, tip: 0 })).rejects.toMatchObject({ code: "TXPOOL_FULL" });
    const seen: TxStatus[] = [];
    pool.watch(c.hash).on((status) => seen.push(status));
    await submit({ who: "d", nonce: 0, tip: 2 });
    expect(pool.has(c.hash)).toBe(false);
    expect(pool.has(b.hash)).toBe(true);
    expect(seen).toEqual([{ type: "ready" }, { type: "dropped" }]);
    expect(labels(pool.ready())).toEqual(["a#0", "d#0", "b#0"]);
  });

  it("rejects the incoming transaction with TXPOOL_FULL when it would be the one evicted, changing nothing", async () => {
    const { pool, submit } = setup({ ready: { count: 2 }, future: { count: 1 } });
    await submit({ who: "a", nonce: 0, tip: 3 });
    await submit({ who: "b", nonce: 0, tip: 3 });
    await submit({ who: "c", nonce: 5, tip: 3 });
    const before = pool.pending();
    // Same priority as the worst: the newcomer is the newest, so it goes.
    await expect(submit({ who: "d", nonce: 0, tip: 3 })).rejects.toMatchObject({ code: "TXPOOL_FULL" });
    await expect(submit({ who: "e", nonce: 0, tip: 1 })).rejects.toMatchObject({ code: "TXPOOL_FULL" });
    await expect(submit({ who: "f", nonce: 7, tip: 3 })).rejects.toMatchObject({ code: "TXPOOL_FULL" });
    expect(pool.pending()).toEqual(before);
    expect(pool.isBanned(hashTx(encodeTx({ who: "d", nonce: 0, tip: 3 })))).toBe(false);
  });

  it("bounds bytes as well as counts", async () => {
    const { pool, submit } = setup({ ready: { bytes: 100 } });
    await submit({ who: "a", nonce: 0, tip: 1, pad: 40 });
    await submit({ who: "b", nonce: 0, tip: 2, pad: 40 });
    await expect(submit({ who: "c", nonce: 0, tip: 3, pad: 200 })).rejects.toMatchObject({ code: "TXPOOL_FULL" });
    await submit({ who: "c", nonce: 0, tip: 3, pad: 40 });
    expect(labels(pool.ready())).toEqual(["c#0", "b#0"]);
    expect(pool.stats().ready.bytes).toBeLessThanOrEqual(100);
  });

  it("evicts future transactions without touching ready ones, worst first", async () => {
    const { pool, submit } = setup({ ready: { count: 10 }, future: { count: 2 } });
    await submit({ who: "a", nonce: 0, tip: 0 });
    await submit({ who: "b", nonce: 3, tip: 2 });
    const c = await submit({ who: "c", nonce: 3, tip: 1 });
    await submit({ who: "d", nonce: 3, tip: 5 });
    expect(pool.has(c.hash)).toBe(false);
    expect(pool.stats()).toMatchObject({ ready: { count: 1 }, future: { count: 2 } });
  });

  it("never evicts the ready ancestors of the incoming transaction", async () => {
    const { pool, submit } = setup({ ready: { count: 2 } });
    const a0 = await submit({ who: "a", nonce: 0, tip: 1 });
    await submit({ who: "b", nonce: 0, tip: 2 });
    // a#0 ranks lowest, but a#1 needs it: b#0 goes instead.
    await submit({ who: "a", nonce: 1, tip: 3 });
    expect(pool.has(a0.hash)).toBe(true);
    expect(labels(pool.ready())).toEqual(["a#0", "a#1"]);
  });

  it("moves the ready dependents of an evicted transaction to future, trimming future to its bound", async () => {
    const { pool, submit } = setup({ ready: { count: 3 }, future: { count: 1 } });
    await submit({ who: "a", nonce: 0, tip: 1 });
    await submit({ who: "a", nonce: 1, tip: 9 });
    await submit({ who: "a", nonce: 2, tip: 9 });
    await submit({ who: "b", nonce: 0, tip: 5 });
    // a#0 was the worst: evicted; a#1 and a#2 lose their base, future keeps the better-ranked a#1.
    expect(labels(pool.ready())).toEqual(["b#0"]);
    expect(pool.stats()).toMatchObject({ ready: { count: 1 }, future: { count: 1 } });
    expect(pool.pending().map((bytes) => new TextDecoder().decode(bytes).split("|")[1])).toEqual(["0", "1"]);
  });

  it("promotes into a full ready set only as room frees, never by evicting", async () => {
    const { chain, pool, submit } = setup({ ready: { count: 2 } });
    const a0 = encodeTx({ who: "a", nonce: 0 });
    await submit({ who: "a", nonce: 1 });
    await submit({ who: "a", nonce: 2 });
    await submit({ who: "a", nonce: 3 });
    await pool.submit(a0, "external");
    expect(labels(pool.ready())).toEqual(["a#0", "a#1"]);
    expect(pool.stats().future.count).toBe(2);
    const block = chain.include([a0]);
    await pool.prune(block.hashes, block.tags);
    expect(labels(pool.ready())).toEqual(["a#1", "a#2"]);
    expect(pool.stats().future.count).toBe(1);
  });

  it("promotes a smaller ripe transaction past a better one that does not fit in the ready bytes", async () => {
    const { chain, pool, submit } = setup({ ready: { bytes: 100 } });
    const a0 = encodeTx({ who: "a", nonce: 0, pad: 50 });
    await pool.submit(a0, "external");
    await submit({ who: "b", nonce: 1, tip: 9, pad: 40 });
    await submit({ who: "c", nonce: 1, tip: 1, pad: 10 });
    const elsewhere = chain.include([encodeTx({ who: "b", nonce: 0 }), encodeTx({ who: "c", nonce: 0 })]);
    await pool.prune(elsewhere.hashes, elsewhere.tags);
    expect(labels(pool.ready())).toEqual(["c#1", "a#0"]);
    const block = chain.include([a0]);
    await pool.prune(block.hashes, block.tags);
    expect(labels(pool.ready())).toEqual(["b#1", "c#1"]);
    expect(pool.stats().future.count).toBe(0);
  });
});
