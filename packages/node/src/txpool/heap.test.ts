import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IndexedHeap } from "./heap.js";

describe("IndexedHeap", () => {
  it("pops in order after any mix of pushes, pops and deletes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("push", "pop", "delete"), fc.integer({ min: 0, max: 50 }))),
        (ops) => {
          const heap = new IndexedHeap<{ v: number }>((a, b) => a.v < b.v);
          const model: { v: number }[] = [];
          for (const [op, n] of ops) {
            if (op === "push") {
              const item = { v: n };
              heap.push(item);
              model.push(item);
            } else if (op === "pop") {
              model.sort((a, b) => a.v - b.v);
              expect(heap.pop()?.v).toBe(model.shift()?.v);
            } else if (model.length > 0) {
              const item = model.splice(n % model.length, 1)[0];
              expect(item !== undefined && heap.delete(item)).toBe(true);
            }
            expect(heap.size).toBe(model.length);
          }
          const rest: number[] = [];
          for (let item = heap.pop(); item !== undefined; item = heap.pop()) rest.push(item.v);
          expect(rest).toEqual(model.map((item) => item.v).sort((a, b) => a - b));
        },
      ),
    );
  });
});
