import { isPhalaError, toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { TransactionInvalidError } from "../chain/transactionValidity.js";
import { encodeTx, FakeChain, hashTx, labels } from "./fakeChain.test-util.js";
import { TxPool, type TxPoolOptions } from "./txPool.js";

function setup(options: Partial<TxPoolOptions> = {}) {
  const chain = new FakeChain();
  const pool = new TxPool({ validate: chain.validate, hasher: hashTx, ...options });
  return { chain, pool };
}

describe("TxPool submit", () => {
  it("puts in-order transactions in ready, in nonce order", async () => {
    const { pool } = setup();
    for (let nonce = 0; nonce < 3; nonce++) {
      expect((await pool.submit(encodeTx({ who: "alice", nonce }), "external")).status).toBe("ready");
    }
    expect(labels(pool.ready())).toEqual(["alice#0", "alice#1", "alice#2"]);
    expect(pool.stats()).toMatchObject({ ready: { count: 3 }, future: { count: 0, bytes: 0 } });
  });

  it("keeps a transaction whose predecessor is missing in future, and promotes it when the gap fills", async () => {
    const { pool } = setup();
    expect((await pool.submit(encodeTx({ who: "alice", nonce: 2 }), "external")).status).toBe("future");
    expect((await pool.submit(encodeTx({ who: "alice", nonce: 1 }), "external")).status).toBe("future");
    expect(labels(pool.ready())).toEqual([]);
    expect(pool.stats()).toMatchObject({ ready: { count: 0 }, future: { count: 2 } });
    const result = await pool.submit(encodeTx({ who: "alice", nonce: 0 }), "local");
    expect(result).toEqual({ hash: hashTx(encodeTx({ who: "alice", nonce: 0 })), status: "ready" });
    expect(labels(pool.ready())).toEqual(["alice#0", "alice#1", "alice#2"]);
    expect(pool.stats()).toMatchObject({ ready: { count: 3 }, future: { count: 0, bytes: 0 } });
  });

  it("orders ready by dependencies, then priority, then arrival", async () => {
    const { pool } = setup();
    const txs = [
      { who: "bob", nonce: 1, tip: 50 },
      { who: "alice", nonce: 0, tip: 1 },
      { who: "bob", nonce: 0, tip: 1 },
      { who: "carol", nonce: 0, tip: 10 },
      { who: "alice", nonce: 1, tip: 100 },
      { who: "dave", nonce: 0, tip: 10 },
    ];
    for (const tx of txs) await pool.submit(encodeTx(tx), "external");
    // carol and dave tie at 10: carol arrived first. Then alice#0 and bob#0 tie at 1: alice arrived
    // first; alice#1 (100) beats bob#0 once alice#0 is out.
    expect(labels(pool.ready())).toEqual(["carol#0", "dave#0", "alice#0", "alice#1", "bob#0", "bob#1"]);
    expect(labels(pool.ready())).toEqual(labels(pool.ready()));
  });

  it("skips the dependents of a transaction reported invalid while building a block", async () => {
    const { pool } = setup();
    for (const tx of [
      { who: "alice", nonce: 0, tip: 5 },
      { who: "alice", nonce: 1, tip: 5 },
      { who: "bob", nonce: 0 },
    ]) {
      await pool.submit(encodeTx(tx), "external");
    }
    const ready = pool.ready();
    const yielded: string[] = [];
    for (const tx of ready) {
      yielded.push(...labels([tx]));
      if (yielded.length === 1) ready.reportInvalid(tx);
    }
    expect(yielded).toEqual(["alice#0", "bob#0"]);
  });

  it("refuses a duplicate, before validation when it can hash", async () => {
    const { chain, pool } = setup();
    const bytes = encodeTx({ who: "alice", nonce: 0 });
    await pool.submit(bytes, "external");
    const validations = chain.validations;
    await expect(pool.submit(bytes, "external")).rejects.toMatchObject({ code: "TXPOOL_ALREADY_IMPORTED" });
    expect(chain.validations).toBe(validations);

    const unhashed = new TxPool({ validate: chain.validate });
    await unhashed.submit(bytes, "external");
    await expect(unhashed.submit(bytes, "external")).rejects.toMatchObject({ code: "TXPOOL_ALREADY_IMPORTED" });
  });

  it("replaces a transaction providing the same tag only for a strictly higher priority", async () => {
    const { pool } = setup();
    const first = await pool.submit(encodeTx({ who: "alice", nonce: 0, tip: 10 }), "external");
    await pool.submit(encodeTx({ who: "alice", nonce: 1, tip: 10 }), "external");
    await expect(
      pool.submit(encodeTx({ who: "alice", nonce: 0, tip: 10, salt: "b" }), "external"),
    ).rejects.toMatchObject({ code: "TXPOOL_PRIORITY_TOO_LOW" });
    await expect(pool.submit(encodeTx({ who: "alice", nonce: 0, tip: 9 }), "external")).rejects.toMatchObject({
      code: "TXPOOL_PRIORITY_TOO_LOW",
    });
    const better = await pool.submit(encodeTx({ who: "alice", nonce: 0, tip: 11 }), "external");
    expect(better.status).toBe("ready");
    expect(pool.has(first.hash)).toBe(false);
    expect(pool.ready().next().value?.hash).toEqual(better.hash);
    // The dependent stays ready behind the replacement.
    expect(labels(pool.ready())).toEqual(["alice#0", "alice#1"]);
    expect(pool.stats().ready.count).toBe(2);
  });

  it("replaces a future transaction too", async () => {
    const { pool } = setup();
    const old = await pool.submit(encodeTx({ who: "alice", nonce: 3, tip: 1 }), "external");
    const replacement = await pool.submit(encodeTx({ who: "alice", nonce: 3, tip: 2 }), "external");
    expect(replacement.status).toBe("future");
    expect(pool.has(old.hash)).toBe(false);
    expect(pool.stats().future.count).toBe(1);
  });

  it("rethrows the validation error unchanged and bans the hash for a while", async () => {
    let now = 1_000;
    const { chain, pool } = setup({ now: () => now, banTimeMs: 30_000 });
    chain.invalid.set("mallory", "BadProof");
    const bytes = encodeTx({ who: "mallory", nonce: 0 });
    const error = await pool.submit(bytes, "external").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionInvalidError);
    expect(error).toMatchObject({ code: "TX_INVALID", reason: "BadProof" });
    chain.invalid.delete("mallory");
    const validations = chain.validations;
    await expect(pool.submit(bytes, "external")).rejects.toMatchObject({ code: "TXPOOL_TEMPORARILY_BANNED" });
    expect(chain.validations).toBe(validations);
    expect(pool.isBanned(hashTx(bytes))).toBe(true);
    now += 30_001;
    expect(pool.isBanned(hashTx(bytes))).toBe(false);
    expect((await pool.submit(bytes, "external")).status).toBe("ready");
  });

  it("passes other errors through without banning", async () => {
    const pool = new TxPool({
      validate: () => {
        throw new RangeError("decoder exploded");
      },
      hasher: hashTx,
    });
    await expect(pool.submit(encodeTx({ who: "a", nonce: 0 }), "external")).rejects.toThrow(RangeError);
    expect(pool.stats().banned).toBe(0);
  });

  it("validates again when a block was imported while validating", async () => {
    const chain = new FakeChain();
    let release: () => void = () => {};
    let first = true;
    const pool = new TxPool({
      validate: async (bytes, source) => {
        const result = chain.validate(bytes, source);
        if (first) {
          first = false;
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        return result;
      },
    });
    const pending = pool.submit(encodeTx({ who: "alice", nonce: 0 }), "external");
    const block = chain.include([encodeTx({ who: "alice", nonce: 0, salt: "other" })]);
    await pool.prune(block.hashes, block.tags);
    release();
    const error = await pending.catch((e: unknown) => e);
    expect(isPhalaError(error, "TX_INVALID")).toBe(true);
    expect(pool.stats().ready.count).toBe(0);
  });

  it("refuses a transaction providing a tag the latest block provided", async () => {
    const chain = new FakeChain();
    const stale = chain.validate(encodeTx({ who: "alice", nonce: 0 }), "external");
    const pool = new TxPool({ validate: () => stale });
    const block = chain.include([encodeTx({ who: "alice", nonce: 0, salt: "other" })]);
    await pool.prune(block.hashes, block.tags);
    await expect(pool.submit(encodeTx({ who: "alice", nonce: 0 }), "external")).rejects.toMatchObject({
      code: "TXPOOL_OUTDATED",
    });
  });

  it("lists pending transactions (ready in block order, then future) and removes on request", async () => {
    const { pool } = setup();
    const a0 = encodeTx({ who: "alice", nonce: 0 });
    const a1 = encodeTx({ who: "alice", nonce: 1 });
    const a2 = encodeTx({ who: "alice", nonce: 2 });
    const b5 = encodeTx({ who: "bob", nonce: 5 });
    for (const bytes of [b5, a2, a1, a0]) await pool.submit(bytes, "external");
    expect(pool.pending().map(toHex)).toEqual([a0, a1, a2, b5].map(toHex));

    const removed = pool.remove([hashTx(a1), hashTx(encodeTx({ who: "nobody", nonce: 0 }))]);
    expect(removed).toEqual([hashTx(a1)]);
    // alice#2 lost its predecessor: back to future until alice#1 comes again.
    expect(labels(pool.ready())).toEqual(["alice#0"]);
    expect(pool.stats()).toMatchObject({ ready: { count: 1 }, future: { count: 2 } });
    expect((await pool.submit(a1, "external")).status).toBe("ready");
    expect(labels(pool.ready())).toEqual(["alice#0", "alice#1", "alice#2"]);
  });

  it("rejects nonsensical options", () => {
    const chain = new FakeChain();
    expect(() => new TxPool({ validate: chain.validate, ready: { count: -1 } })).toThrow(
      expect.objectContaining({ code: "TXPOOL_INVALID_OPTIONS" }),
    );
  });

  it("submits 10,000 transactions from 100 accounts quickly, half of them out of order", async () => {
    const { pool } = setup({ ready: { count: 20_000 }, future: { count: 20_000 } });
    const txs: Uint8Array[] = [];
    for (let nonce = 0; nonce < 100; nonce++) {
      for (let account = 0; account < 100; account++) txs.push(encodeTx({ who: `acc${account}`, nonce, tip: nonce }));
    }
    // Odd accounts arrive in reverse nonce order: everything waits in future until nonce 0.
    const ordered = txs.filter((_, i) => i % 2 === 0);
    const reversed = txs.filter((_, i) => i % 2 === 1).reverse();
    const start = performance.now();
    for (const bytes of [...ordered, ...reversed]) await pool.submit(bytes, "external");
    const submitted = performance.now() - start;
    const readyStart = performance.now();
    const order = labels(pool.ready());
    const iterated = performance.now() - readyStart;
    expect(order).toHaveLength(10_000);
    expect(pool.stats().future.count).toBe(0);
    expect(submitted).toBeLessThan(1500);
    expect(iterated).toBeLessThan(300);
  });
});
