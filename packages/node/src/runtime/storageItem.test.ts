import { byteKey, type Message, storageKey, Trie, toHex, topicFromString } from "@phala-ts/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MessageType } from "../pallets/mq.js";
import { StateOverlay } from "./overlay.js";
import { t } from "./scaleType.js";
import { StorageMap, StorageValue, type StorageWriter, storageMap, storageValue } from "./storageItem.js";

/** A plain in-memory state. */
function memoryState(): StorageWriter {
  const entries = new Map<string, [Uint8Array, Uint8Array]>();
  return {
    get: (key) => entries.get(byteKey(key))?.[1],
    set: (key, value) => void entries.set(byteKey(key), [key, value]),
    remove: (key) => void entries.delete(byteKey(key)),
    keysWithPrefix: () => [...entries.values()].map(([key]) => key),
  };
}

const u16s = new StorageValue("Test", "U16s", storageValue(t.vec(t.u16), { default: [] }));
const item = (i: number) => (i * 7919) & 0xffff;

describe("StorageValue.append", () => {
  it("writes the bytes of decode, push, re-encode across every compact length boundary", () => {
    const state = memoryState();
    const mutated = memoryState();
    // 63→64 (1 to 2 prefix bytes) and 16383→16384 (2 to 4 prefix bytes), with neighbours.
    const checkpoints = new Set([0, 1, 2, 62, 63, 64, 65, 16382, 16383, 16384, 16385]);
    const items: number[] = [];
    for (let n = 0; n <= 16385; n++) {
      if (checkpoints.has(n)) {
        expect(toHex(state.get(u16s.key) ?? u16s.decl.type.codec.enc([])), `${n} items`).toBe(
          toHex(u16s.decl.type.codec.enc(items)),
        );
        // The old way from the same bytes: decode the whole vector, re-encode it one longer.
        if (n > 0) mutated.set(u16s.key, state.get(u16s.key)!);
        u16s.mutate(mutated, (list) => ({ value: [...list, item(n)], result: undefined }));
        u16s.append(state, item(n));
        expect(toHex(state.get(u16s.key)!), `append at ${n}`).toBe(toHex(mutated.get(u16s.key)!));
      } else {
        u16s.append(state, item(n));
      }
      items.push(item(n));
    }
    expect(u16s.get(state)).toEqual(items);
    expect(state.get(u16s.key)!.subarray(0, 4)).toEqual(Uint8Array.of(0x0a, 0x00, 0x01, 0x00)); // 16386 << 2 | 0b10
  });

  it("appends mq messages to the same bytes the OutboundMessages mutate wrote", () => {
    const outbound = new StorageValue("PhalaMq", "OutboundMessages", storageValue(t.vec(MessageType), { default: [] }));
    const appended = memoryState();
    const mutated = memoryState();
    for (let i = 0; i < 70; i++) {
      const message: Message = {
        sender: i % 2 === 0 ? { type: "Contract", value: new Uint8Array(32).fill(i) } : { type: "Gatekeeper" },
        destination: topicFromString(`phala/test/${i}`),
        payload: new Uint8Array(i * 3).fill(i),
      };
      outbound.append(appended, message);
      outbound.mutate(mutated, (list) => ({ value: [...list, message], result: undefined }));
      expect(toHex(appended.get(outbound.key)!), `${i + 1} messages`).toBe(toHex(mutated.get(outbound.key)!));
    }
    expect(outbound.get(appended)).toHaveLength(70);
  });

  it("starts an absent value from its default, and rolls back with the overlay's transaction", () => {
    const withDefault = new StorageValue("Test", "Seeded", storageValue(t.vec(t.u16), { default: [1, 2] }));
    const noDefault = new StorageValue("Test", "Plain", storageValue(t.vec(t.u16)));
    const state = new StateOverlay(Trie.empty("V1"));
    withDefault.append(state, 3);
    noDefault.append(state, 9);
    expect(withDefault.get(state)).toEqual([1, 2, 3]);
    expect(noDefault.get(state)).toEqual([9]);
    expect(() =>
      state.transactional(() => {
        noDefault.append(state, 10);
        expect(noDefault.get(state)).toEqual([9, 10]);
        throw new Error("fail");
      }),
    ).toThrow("fail");
    expect(noDefault.get(state)).toEqual([9]);
  });

  it("in the block overlay, appends without rewriting and reads as the rewriting appends, through transactions", () => {
    const list = new StorageValue("Test", "List", storageValue(t.vec(t.bytes), { default: [] }));
    // The same overlay, seen without its deferred append: StorageValue.append rewrites the value.
    const rewriting = (overlay: StateOverlay): StorageWriter => ({
      get: (key) => overlay.get(key),
      set: (key, value) => overlay.set(key, value),
      remove: (key) => overlay.remove(key),
      keysWithPrefix: (prefix) => overlay.keysWithPrefix(prefix),
    });
    const operation = fc.oneof(
      fc.record({ op: fc.constant("append" as const), item: fc.uint8Array({ maxLength: 90 }) }),
      fc.record({
        op: fc.constant("set" as const),
        items: fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 70 }),
      }),
      fc.constantFrom({ op: "remove" as const }, { op: "begin" as const }),
      fc.constant({ op: "read" as const }),
      fc.constantFrom({ op: "commit" as const }, { op: "rollback" as const }),
    );
    const base = Trie.empty("V1").update([[list.key, list.decl.type.codec.enc([Uint8Array.of(7)])]]);
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 120 }), (operations) => {
        const deferred = new StateOverlay(base);
        const eager = new StateOverlay(base);
        for (const step of operations) {
          const both = [
            [deferred, deferred],
            [eager, rewriting(eager)],
          ] as const;
          for (const [overlay, state] of both) {
            if (step.op === "append") list.append(state, step.item);
            else if (step.op === "set") list.set(state, step.items);
            else if (step.op === "remove") list.remove(state);
            else if (step.op === "begin") overlay.startTransaction();
            else if (overlay.depth > 0 && step.op === "commit") overlay.commitTransaction();
            else if (overlay.depth > 0 && step.op === "rollback") overlay.rollbackTransaction();
          }
          // Read now and then only: a read writes the bytes out, which the appends after it build on.
          if (step.op !== "read") continue;
          const read = deferred.get(list.key);
          expect(read === undefined ? undefined : toHex(read)).toBe(
            eager.get(list.key) === undefined ? undefined : toHex(eager.get(list.key)!),
          );
        }
        while (deferred.depth > 0) deferred.commitTransaction();
        while (eager.depth > 0) eager.commitTransaction();
        expect(deferred.changes().map(([k, v]) => [toHex(k), v && toHex(v)])).toEqual(
          eager.changes().map(([k, v]) => [toHex(k), v && toHex(v)]),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a value that is not a vector", () => {
    const plain = new StorageValue("Test", "Number", storageValue(t.u32, { default: 0 }));
    expect(() => plain.append(memoryState(), undefined as never)).toThrow("not a vector");
  });
});

describe("StorageMap.keyFor", () => {
  it("answers core's storageKey for every key, recent ones from its cache, older ones hashed again", () => {
    const byAccount = new StorageMap("Test", "ByAccount", storageMap("Blake2_128Concat", t.fixed(32), t.u32));
    const byPair = new StorageMap("Test", "ByPair", storageMap("Twox64Concat", t.tuple(t.u32, t.u64), t.u32));
    const account = (i: number) => Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j) & 0xff);
    // More keys than the cache holds, each asked for twice: once new, once after thousands of others.
    for (const round of [0, 1]) {
      for (let i = 0; i < 5000; i += round === 0 ? 1 : 7) {
        const expected = toHex(storageKey("Test", "ByAccount", ["Blake2_128Concat", account(i)]));
        expect(toHex(byAccount.keyFor(account(i)))).toBe(expected);
        const pair = [i, BigInt(i) << 40n] as [number, bigint];
        const encodedPair = t.tuple(t.u32, t.u64).codec.enc(pair);
        expect(toHex(byPair.keyFor(pair))).toBe(toHex(storageKey("Test", "ByPair", ["Twox64Concat", encodedPair])));
      }
    }
  });
});
