import { describe, expect, it } from "vitest";
import { encodeTx, FakeChain, type FakeTx, hashTx } from "./fakeChain.test-util.js";
import { TxPool } from "./txPool.js";
import type { TxWatcher } from "./txWatcher.js";
import type { TxStatus } from "./types.js";

function setup() {
  const chain = new FakeChain();
  const pool = new TxPool({ validate: chain.validate, hasher: hashTx });
  const submitAndWatch = (tx: FakeTx) => pool.submitAndWatch(encodeTx(tx), "external");
  return { chain, pool, submitAndWatch };
}

async function collect(watcher: TxWatcher): Promise<TxStatus[]> {
  const statuses: TxStatus[] = [];
  for await (const status of watcher) statuses.push(status);
  return statuses;
}

const BLOCK = new Uint8Array(32).fill(7);

describe("TxPool watchers", () => {
  it("reports future, ready, inBlock and finalized, then ends", async () => {
    const { chain, pool, submitAndWatch } = setup();
    const { watcher, status } = await submitAndWatch({ who: "a", nonce: 1 });
    expect(status).toBe("future");
    const statuses = collect(watcher);
    await pool.submit(encodeTx({ who: "a", nonce: 0 }), "external");
    const block = chain.include([encodeTx({ who: "a", nonce: 0 }), encodeTx({ who: "a", nonce: 1 })]);
    await pool.prune(block.hashes, block.tags);
    pool.notifyInBlock(BLOCK, block.hashes);
    pool.notifyFinalized(BLOCK, block.hashes);
    expect(await statuses).toEqual([
      { type: "future" },
      { type: "ready" },
      { type: "inBlock", blockHash: BLOCK },
      { type: "finalized", blockHash: BLOCK },
    ]);
    expect(watcher.closed).toBe(true);
  });

  it("reports usurped with the replacing transaction's hash", async () => {
    const { submitAndWatch } = setup();
    const old = await submitAndWatch({ who: "a", nonce: 0, tip: 1 });
    const replacement = await submitAndWatch({ who: "a", nonce: 0, tip: 2 });
    expect(await collect(old.watcher)).toEqual([{ type: "ready" }, { type: "usurped", by: replacement.hash }]);
    expect(replacement.watcher.closed).toBe(false);
  });

  it("reports dropped on remove, to every watcher of the transaction", async () => {
    const { pool, submitAndWatch } = setup();
    const { hash, watcher } = await submitAndWatch({ who: "a", nonce: 0 });
    const second: TxStatus[] = [];
    pool.watch(hash).on((status) => second.push(status));
    pool.remove([hash]);
    expect(await collect(watcher)).toEqual([{ type: "ready" }, { type: "dropped" }]);
    expect(second).toEqual([{ type: "ready" }, { type: "dropped" }]);
  });

  it("reports invalid when revalidation fails", async () => {
    const { chain, pool, submitAndWatch } = setup();
    const { watcher } = await submitAndWatch({ who: "a", nonce: 0 });
    chain.invalid.set("a", "Payment");
    await pool.prune([], []);
    expect(await collect(watcher)).toEqual([{ type: "ready" }, { type: "invalid" }]);
  });

  it("stops after close, and hears nothing more after a terminal status", async () => {
    const { pool, submitAndWatch } = setup();
    const a = await submitAndWatch({ who: "a", nonce: 0 });
    const b = await submitAndWatch({ who: "b", nonce: 0 });
    const seenA: string[] = [];
    a.watcher.on((status) => seenA.push(status.type));
    a.watcher.close();
    pool.remove([a.hash]);
    expect(seenA).toEqual(["ready"]);
    expect(await collect(a.watcher)).toEqual([{ type: "ready" }]);

    pool.notifyFinalized(BLOCK, [b.hash]);
    pool.notifyInBlock(BLOCK, [b.hash]);
    expect(await collect(b.watcher)).toEqual([{ type: "ready" }, { type: "finalized", blockHash: BLOCK }]);
  });

  it("refuses to watch a transaction that is not in the pool", () => {
    const { pool } = setup();
    expect(() => pool.watch(new Uint8Array(32))).toThrow(
      expect.objectContaining({ code: "TXPOOL_UNKNOWN_TRANSACTION" }),
    );
  });

  it("wakes a waiting reader when a status arrives", async () => {
    const { pool, submitAndWatch } = setup();
    const { hash, watcher } = await submitAndWatch({ who: "a", nonce: 0 });
    const iterator = watcher[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: { type: "ready" } });
    const pending = iterator.next();
    setTimeout(() => pool.notifyInBlock(BLOCK, [hash]), 1);
    expect(await pending).toEqual({ done: false, value: { type: "inBlock", blockHash: BLOCK } });
    await iterator.return(undefined);
    expect(watcher.closed).toBe(true);
  });
});
