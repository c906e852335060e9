import { toHex } from "@phala-ts/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContractInstance } from "./contractInstance.js";

const id = (fill: number) => new Uint8Array(32).fill(fill);
const fresh = () => new ContractInstance({ contract: id(1), cluster: id(2), codeHash: id(3) });

/** The root computed from all of the instance's entries, as a newly loaded instance does. */
const rootFromScratch = (instance: ContractInstance) => toHex(ContractInstance.load(instance.save()).stateRoot());

// Few keys, so that writes overwrite and delete what earlier writes set; some keys are prefixes
// of others, and values may be empty.
const key = fc.constantFrom("a", "ab", "abc", "b", "balance/0x01", "balance/0x02", "", "é");
const write = fc.tuple(key, fc.option(fc.string({ maxLength: 12 }), { nil: null }));
const operation = fc.oneof(
  fc.record({ kind: fc.constant("storage" as const), writes: fc.array(write, { maxLength: 6 }) }),
  fc.record({ kind: fc.constant("inboxes" as const), writes: fc.array(write, { maxLength: 6 }) }),
  fc.record({ kind: fc.constant("root" as const) }),
  fc.record({ kind: fc.constant("reload" as const) }),
);

describe("ContractInstance.stateRoot", () => {
  it("kept up to date incrementally, equals the root computed from all entries after any writes", () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
        let instance = fresh();
        for (const op of operations) {
          if (op.kind === "storage") instance.storage.apply(op.writes);
          else if (op.kind === "inboxes") instance.inboxes.apply(op.writes);
          else if (op.kind === "reload") instance = ContractInstance.load(instance.save());
          else expect(toHex(instance.stateRoot())).toBe(rootFromScratch(instance));
        }
        expect(toHex(instance.stateRoot())).toBe(rootFromScratch(instance));
      }),
      { numRuns: 300 },
    );
  });

  it("changes with the state and comes back with it", () => {
    const instance = fresh();
    const empty = toHex(instance.stateRoot());
    instance.storage.apply([["balance/0x01", "10"]]);
    const one = toHex(instance.stateRoot());
    expect(one).not.toBe(empty);
    // The same key and value in the inboxes is another entry (another tag), so another root.
    instance.storage.apply([["balance/0x01", null]]);
    instance.inboxes.apply([["balance/0x01", "10"]]);
    expect(toHex(instance.stateRoot())).not.toBe(one);
    instance.inboxes.apply([["balance/0x01", null]]);
    expect(toHex(instance.stateRoot())).toBe(empty);
  });
});
