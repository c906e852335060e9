import { describe, expect, it } from "vitest";
import { encodeTx, FakeChain, type FakeTx, hashTx, labels } from "./fakeChain.test-util.js";
import { TxPool, type TxPoolOptions } from "./txPool.js";
import type { TxStatus } from "./types.js";

function setup(options: Partial<TxPoolOptions> = {}) {
  const chain = new FakeChain();
  const pool = new TxPool({ validate: chain.validate, hasher: hashTx, ...options });
  const submit = (tx: FakeTx) => pool.submit(encodeTx(tx), "external");
  const importBlock = (txs: FakeTx[]) => {
    const block = chain.include(txs.map(encodeTx));
    return pool.prune(block.hashes, block.tags);
  };
  const watchAll = (hash: Uint8Array) => {
    const seen: TxStatus["type"][] = [];
    pool.watch(hash).on((status) => seen.push(status.type));
    return seen;
  };
  return { chain, pool, submit, importBlock, watchAll };
}

describe("TxPool prune", () => {
  it("removes included transactions, keeps their dependents ready and bans the included hashes", async () => {
    const { pool, submit, importBlock } = setup();
    const a0 = await submit({ who: "a", nonce: 0 });
    await submit({ who: "a", nonce: 1 });
    await submit({ who: "b", nonce: 0 });
    const report = await importBlock([{ who: "a", nonce: 0 }]);
    expect(report).toMatchObject({ included: 1, expired: 0, invalid: 0 });
    expect(labels(pool.ready())).toEqual(["a#1", "b#0"]);
    expect(pool.has(a0.hash)).toBe(false);
    await expect(submit({ who: "a", nonce: 0 })).rejects.toMatchObject({ code: "TXPOOL_TEMPORARILY_BANNED" });
  });

  it("promotes future transactions whose requirement a block provided", async () => {
    const { pool, submit, importBlock } = setup();
    await submit({ who: "a", nonce: 1 });
    await submit({ who: "a", nonce: 2 });
    expect(pool.stats().future.count).toBe(2);
    // a#0 came from elsewhere: the block provides its tag.
    await importBlock([{ who: "a", nonce: 0, salt: "elsewhere" }]);
    expect(labels(pool.ready())).toEqual(["a#1", "a#2"]);
    expect(pool.stats().future.count).toBe(0);
  });

  it("drops, as usurped, a pool transaction providing a tag the block provided", async () => {
    const { pool, submit, importBlock, watchAll } = setup();
    const mine = await submit({ who: "a", nonce: 0, tip: 1 });
    const seen = watchAll(mine.hash);
    await importBlock([{ who: "a", nonce: 0, salt: "elsewhere" }]);
    expect(pool.has(mine.hash)).toBe(false);
    expect(seen).toEqual(["ready", "usurped"]);
  });

  it("revalidates the rest: stale ones and invalid ones leave (banned), the others are renewed", async () => {
    const { chain, pool, submit, watchAll } = setup();
    const stale = await submit({ who: "a", nonce: 0 });
    const poor = await submit({ who: "b", nonce: 0 });
    const fine = await submit({ who: "c", nonce: 0 });
    const staleSeen = watchAll(stale.hash);
    // Chain state moved without telling the pool which tags: a's nonce was used, b went broke.
    chain.nonces.set("a", 1);
    chain.invalid.set("b", "Payment");
    chain.sources.length = 0;
    const report = await pool.prune([], []);
    expect(report).toMatchObject({ revalidated: 3, invalid: 2 });
    expect(new Set(chain.sources)).toEqual(new Set(["inBlock"]));
    expect(pool.has(stale.hash)).toBe(false);
    expect(pool.has(poor.hash)).toBe(false);
    expect(pool.has(fine.hash)).toBe(true);
    expect(pool.isBanned(poor.hash)).toBe(true);
    expect(pool.isBanned(stale.hash)).toBe(true);
    expect(staleSeen).toEqual(["ready", "invalid"]);
  });

  it("moves the ready dependents of a transaction found invalid back to future", async () => {
    const { chain, pool, submit, watchAll } = setup();
    const bad = await submit({ who: "a", nonce: 0, salt: "bad" });
    const next = await submit({ who: "a", nonce: 1 });
    const seen = watchAll(next.hash);
    chain.invalidSalts.set("bad", "BadProof");
    expect(await pool.prune([], [])).toMatchObject({ invalid: 1 });
    expect(pool.isBanned(bad.hash)).toBe(true);
    expect(pool.stats()).toMatchObject({ ready: { count: 0 }, future: { count: 1 } });
    expect(seen).toEqual(["ready", "future"]);
    await submit({ who: "a", nonce: 0, salt: "good" });
    expect(labels(pool.ready())).toEqual(["a#0", "a#1"]);
    expect(seen).toEqual(["ready", "future", "ready"]);
  });

  it("promotes futures when revalidation finds their requirement satisfied by the chain state", async () => {
    const { chain, pool, submit } = setup({ recentTagBlocks: 0 });
    await submit({ who: "a", nonce: 3 });
    chain.nonces.set("a", 3);
    await pool.prune([], []);
    expect(labels(pool.ready())).toEqual(["a#3"]);
  });

  it("revalidates at most revalidationBatch transactions per block, round-robin", async () => {
    const { chain, pool, submit } = setup({ revalidationBatch: 2 });
    for (const who of ["a", "b", "c", "d", "e"]) await submit({ who, nonce: 0 });
    for (const who of ["a", "b", "c", "d", "e"]) chain.invalid.set(who, "Payment");
    expect(await pool.prune([], [])).toMatchObject({ revalidated: 2, invalid: 2 });
    expect(labels(pool.ready())).toEqual(["c#0", "d#0", "e#0"]);
    expect(await pool.prune([], [])).toMatchObject({ revalidated: 2, invalid: 2 });
    expect(await pool.prune([], [])).toMatchObject({ revalidated: 1, invalid: 1 });
    expect(pool.stats().ready.count).toBe(0);
  });

  it("removes transactions past their longevity as invalid", async () => {
    const { chain, pool, submit, watchAll } = setup({ revalidationBatch: 0 });
    chain.longevity = 2;
    const short = await submit({ who: "a", nonce: 0 });
    chain.longevity = 64;
    await submit({ who: "b", nonce: 0 });
    const seen = watchAll(short.hash);
    expect(await pool.prune([], [])).toMatchObject({ expired: 0 });
    expect(pool.has(short.hash)).toBe(true);
    expect(await pool.prune([], [])).toMatchObject({ expired: 1 });
    expect(pool.has(short.hash)).toBe(false);
    expect(seen).toEqual(["ready", "invalid"]);
    expect(labels(pool.ready())).toEqual(["b#0"]);
  });

  it("renews longevity on revalidation", async () => {
    const { chain, pool, submit } = setup({ revalidationBatch: 10 });
    chain.longevity = 2;
    const tx = await submit({ who: "a", nonce: 0 });
    for (let block = 0; block < 5; block++) await pool.prune([], []);
    expect(pool.has(tx.hash)).toBe(true);
  });

  it("applies the block at once, before revalidation settles", async () => {
    const chain = new FakeChain();
    const pool = new TxPool({
      validate: async (bytes, source) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return chain.validate(bytes, source);
      },
    });
    const a0 = encodeTx({ who: "a", nonce: 0 });
    await pool.submit(a0, "external");
    await pool.submit(encodeTx({ who: "a", nonce: 1 }), "external");
    const block = chain.include([a0]);
    const pruned = pool.prune(block.hashes, block.tags);
    expect(labels(pool.ready())).toEqual(["a#1"]);
    await pruned;
    expect(labels(pool.ready())).toEqual(["a#1"]);
  });
});
