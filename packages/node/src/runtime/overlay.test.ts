import { Trie, toHex, utf8 } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { StateOverlay } from "./overlay.js";

const base = Trie.fromEntries(
  [
    [utf8("a1"), utf8("x")],
    [utf8("a2"), utf8("y")],
    [utf8("b1"), utf8("z")],
  ],
  "V1",
);

describe("StateOverlay", () => {
  it("reads through layers to the base and commits the net changes", () => {
    const state = new StateOverlay(base);
    state.set(utf8("a3"), utf8("new"));
    state.remove(utf8("a1"));
    expect(state.get(utf8("a1"))).toBeUndefined();
    expect(state.get(utf8("a2"))).toEqual(utf8("y"));
    expect(state.keysWithPrefix(utf8("a")).map((k) => new TextDecoder().decode(k))).toEqual(["a2", "a3"]);
    const next = state.commit();
    const expected = base.update([
      [utf8("a1"), null],
      [utf8("a3"), utf8("new")],
    ]);
    expect(toHex(next.root())).toBe(toHex(expected.root()));
    expect(toHex(base.get(utf8("a1"))!)).toBe(toHex(utf8("x")));
  });

  it("rolls back a failed transaction and keeps a committed one, nested", () => {
    const state = new StateOverlay(base);
    state.transactional(() => {
      state.set(utf8("k1"), utf8("kept"));
      expect(() =>
        state.transactional(() => {
          state.set(utf8("k2"), utf8("dropped"));
          state.remove(utf8("a2"));
          throw new Error("fail");
        }),
      ).toThrow("fail");
    });
    expect(state.get(utf8("k1"))).toEqual(utf8("kept"));
    expect(state.get(utf8("k2"))).toBeUndefined();
    expect(state.get(utf8("a2"))).toEqual(utf8("y"));
    expect(state.depth).toBe(0);
    expect(state.changes().map(([k, v]) => [new TextDecoder().decode(k), v && new TextDecoder().decode(v)])).toEqual([
      ["k1", "kept"],
    ]);
  });

  it("refuses to list changes inside an open transaction", () => {
    const state = new StateOverlay(base);
    state.startTransaction();
    expect(() => state.changes()).toThrow();
  });
});
