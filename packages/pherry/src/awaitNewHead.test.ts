import { describe, expect, it } from "vitest";
import { awaitNewHead } from "./awaitNewHead.js";

/** A node whose finalized head is `heads[k]` at its k-th question (the last one after that). */
function node(heads: string[]) {
  let asked = 0;
  return {
    get asked() {
      return asked;
    },
    finalizedHash: async () => heads[Math.min(asked++, heads.length - 1)]!,
  };
}

describe("awaitNewHead", () => {
  it("returns once the finalized head moves, having asked for nothing but the head", async () => {
    const source = node(["0xaa", "0xaa", "0xbb"]);
    expect(await awaitNewHead(source, "0xaa", { pollMs: 1, maxMs: 10_000 })).toBe(true);
    expect(source.asked).toBe(3);
  });

  it("gives up after maxMs when the head stays", async () => {
    const source = node(["0xaa"]);
    const started = Date.now();
    expect(await awaitNewHead(source, "0xaa", { pollMs: 5, maxMs: 60 })).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(source.asked).toBeGreaterThan(1);
  });

  it("stops when aborted, without asking again", async () => {
    const source = node(["0xaa"]);
    const stop = new AbortController();
    const waiting = awaitNewHead(source, "0xaa", { pollMs: 10_000, maxMs: 60_000, signal: stop.signal });
    stop.abort();
    expect(await waiting).toBe(false);
    expect(source.asked).toBe(0);
  });

  it("rejects when the node cannot say", async () => {
    const failing = { finalizedHash: () => Promise.reject(new Error("node down")) };
    await expect(awaitNewHead(failing, "0xaa", { pollMs: 1, maxMs: 1_000 })).rejects.toThrow("node down");
  });
});
