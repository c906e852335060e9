import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeTx, encodeTx, FakeChain, type FakeTx, hashTx, labels } from "./fakeChain.test-util.js";
import { TxPool } from "./txPool.js";

/** Nonce chains for a few accounts, each transaction with a small random tip (ties are common). */
const chainsArb = fc
  .array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 })
  .map((chains) => chains.flatMap((tips, account) => tips.map((tip, nonce) => ({ who: `acc${account}`, nonce, tip }))));

const submitOrderArb = chainsArb.chain((txs) => fc.shuffledSubarray(txs, { minLength: txs.length }));

/** The expected block order: repeatedly the best next transaction of any account. */
function greedyOrder(submitted: readonly FakeTx[]): string[] {
  const arrival = new Map(submitted.map((tx, index) => [`${tx.who}#${tx.nonce}`, index]));
  const byAccount = new Map<string, FakeTx[]>();
  for (const tx of submitted) byAccount.set(tx.who, [...(byAccount.get(tx.who) ?? []), tx]);
  for (const txs of byAccount.values()) txs.sort((a, b) => a.nonce - b.nonce);
  const order: string[] = [];
  for (;;) {
    const heads = [...byAccount.values()].flatMap((txs) => txs.slice(0, 1));
    const rank = (tx: FakeTx) => [tx.tip ?? 0, -(arrival.get(`${tx.who}#${tx.nonce}`) ?? 0)] as const;
    const best = heads.reduce<FakeTx | undefined>((winner, tx) => {
      if (winner === undefined) return tx;
      const [tw, aw] = rank(winner);
      const [t, a] = rank(tx);
      return t > tw || (t === tw && a > aw) ? tx : winner;
    }, undefined);
    if (best === undefined) return order;
    order.push(`${best.who}#${best.nonce}`);
    byAccount.get(best.who)?.shift();
  }
}

function assertNonceOrder(order: readonly string[], firstNonce: (who: string) => number): void {
  const next = new Map<string, number>();
  for (const label of order) {
    const [who = "", nonce = ""] = label.split("#");
    expect(Number(nonce)).toBe(next.get(who) ?? firstNonce(who));
    next.set(who, Number(nonce) + 1);
  }
}

describe("TxPool ordering (property)", () => {
  it("yields every account's transactions in nonce order with no gaps, for any submit order", async () => {
    await fc.assert(
      fc.asyncProperty(submitOrderArb, async (submitted) => {
        const chain = new FakeChain();
        const pool = new TxPool({ validate: chain.validate, hasher: hashTx });
        for (const tx of submitted) await pool.submit(encodeTx(tx), "external");
        const order = labels(pool.ready());
        expect(order).toHaveLength(submitted.length);
        assertNonceOrder(order, () => 0);
        expect(order).toEqual(greedyOrder(submitted));
        expect(pool.stats().future.count).toBe(0);
      }),
    );
  });

  it("keeps that order across blocks that take a prefix of ready()", async () => {
    const stepsArb = submitOrderArb.chain((submitted) =>
      fc.tuple(
        fc.constant(submitted),
        fc.array(fc.tuple(fc.nat(submitted.length), fc.nat(4)), { maxLength: submitted.length }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(stepsArb, async ([submitted, blocks]) => {
        const chain = new FakeChain();
        const pool = new TxPool({ validate: chain.validate, hasher: hashTx, revalidationBatch: 3 });
        const blockAt = new Map(blocks);
        for (const [index, tx] of submitted.entries()) {
          await pool.submit(encodeTx(tx), "external");
          const take = blockAt.get(index);
          if (take === undefined) continue;
          const body = Array.from(pool.ready(), (ready) => ready.bytes).slice(0, take);
          const block = chain.include(body);
          await pool.prune(block.hashes, block.tags);
          const order = labels(pool.ready());
          assertNonceOrder(order, (who) => chain.nonce(who));
        }
        const included = [...chain.nonces.values()].reduce((sum, n) => sum + n, 0);
        const order = labels(pool.ready());
        assertNonceOrder(order, (who) => chain.nonce(who));
        expect(order.length + included).toBe(submitted.length);
        expect(pool.stats().future.count).toBe(0);
      }),
    );
  });

  it("keeps its bookkeeping consistent under random submits, replacements, removals, blocks and tight bounds", async () => {
    const opArb = fc.oneof(
      fc.record({
        op: fc.constant("submit" as const),
        who: fc.constantFrom("a", "b", "c"),
        // Relative to the account's chain nonce, so that most submissions are not stale.
        offset: fc.oneof(fc.constant(0), fc.constant(1), fc.nat(3)),
        tip: fc.nat(3),
        salt: fc.constantFrom("", "x"),
        pad: fc.nat(30),
      }),
      fc.record({ op: fc.constant("block" as const), take: fc.nat(3) }),
      fc.record({ op: fc.constant("remove" as const), index: fc.nat(20) }),
    );
    const limits = { ready: { count: 4, bytes: 120 }, future: { count: 3, bytes: 100 } };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const chain = new FakeChain();
        const pool = new TxPool({ validate: chain.validate, hasher: hashTx, revalidationBatch: 2, ...limits });
        for (const op of ops) {
          if (op.op === "submit") {
            const nonce = chain.nonce(op.who) + op.offset;
            await pool.submit(encodeTx({ ...op, nonce }), "external").catch((error: unknown) => {
              expect(error).toHaveProperty("code");
            });
          } else if (op.op === "block") {
            const block = chain.include(Array.from(pool.ready(), (tx) => tx.bytes).slice(0, op.take));
            await pool.prune(block.hashes, block.tags);
          } else {
            const pending = pool.pending();
            const victim = pending[op.index % Math.max(1, pending.length)];
            if (victim !== undefined) pool.remove([hashTx(victim)]);
          }
          const ready = Array.from(pool.ready());
          const stats = pool.stats();
          expect(stats.ready.count).toBe(ready.length);
          expect(stats.ready.bytes).toBe(ready.reduce((sum, tx) => sum + tx.bytes.length, 0));
          expect(stats.ready.count).toBeLessThanOrEqual(limits.ready.count);
          expect(stats.ready.bytes).toBeLessThanOrEqual(limits.ready.bytes);
          expect(stats.future.count).toBeLessThanOrEqual(limits.future.count);
          expect(stats.future.bytes).toBeLessThanOrEqual(limits.future.bytes);
          const pending = pool.pending();
          expect(pending).toHaveLength(stats.ready.count + stats.future.count);
          expect(new Set(pending.map((bytes) => hashTx(bytes).join())).size).toBe(pending.length);
          assertNonceOrder(labels(ready), (who) => chain.nonce(who));
          // A future transaction whose predecessor is in place waits only for room in ready.
          const nextNonce = new Map<string, number>();
          for (const tx of ready.map((r) => decodeTx(r.bytes))) nextNonce.set(tx.who, tx.nonce + 1);
          for (const bytes of pending.slice(ready.length)) {
            const tx = decodeTx(bytes);
            if (tx.nonce !== (nextNonce.get(tx.who) ?? chain.nonce(tx.who))) continue;
            const fits =
              stats.ready.count + 1 <= limits.ready.count && stats.ready.bytes + bytes.length <= limits.ready.bytes;
            expect(fits).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
