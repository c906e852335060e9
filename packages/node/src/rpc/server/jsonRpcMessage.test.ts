import { describe, expect, it } from "vitest";
import { exceedsBytes, parseCall, subscriptionNotification, successResponse } from "./jsonRpcMessage.js";

describe("parseCall", () => {
  it("accepts calls and notifications", () => {
    expect(parseCall({ jsonrpc: "2.0", id: 1, method: "m", params: [1] })).toEqual({
      kind: "call",
      id: 1,
      method: "m",
      rawParams: [1],
    });
    expect(parseCall({ jsonrpc: "2.0", id: null, method: "m" })).toMatchObject({ kind: "call", id: null });
    const notification = parseCall({ jsonrpc: "2.0", method: "m" });
    expect(notification.kind === "call" && notification.id === undefined).toBe(true);
  });

  it("answers invalid shapes with the request's id when it has a usable one", () => {
    const cases: [unknown, unknown][] = [
      [1, null],
      [null, null],
      ["x", null],
      [{ jsonrpc: "2.0", id: { a: 1 }, method: "m" }, null],
      [{ jsonrpc: "1.0", id: 7, method: "m" }, 7],
      [{ id: "a", method: "m" }, "a"],
      [{ jsonrpc: "2.0", id: 2, method: 5 }, 2],
      [{ jsonrpc: "2.0", id: 3 }, 3],
      [{ jsonrpc: "2.0", id: 4, method: "m", params: "bar" }, 4],
      [{ jsonrpc: "2.0", method: 1, params: "bar" }, null],
    ];
    for (const [value, id] of cases) {
      const parsed = parseCall(value);
      expect(parsed.kind).toBe("invalid");
      if (parsed.kind !== "invalid") continue;
      expect(parsed.id).toBe(id);
      expect(parsed.error.rpcCode).toBe(-32600);
    }
  });
});

describe("serialization", () => {
  it("writes results, sending undefined as null and refusing what is not JSON", () => {
    expect(JSON.parse(successResponse(1, { a: [1] }))).toEqual({ jsonrpc: "2.0", id: 1, result: { a: [1] } });
    expect(JSON.parse(successResponse("x", undefined))).toEqual({ jsonrpc: "2.0", id: "x", result: null });
    expect(() => successResponse(1, 1n)).toThrow(TypeError);
    expect(() => successResponse(1, () => 1)).toThrow(TypeError);
    expect(JSON.parse(subscriptionNotification("chain_newHead", "ab", { n: 1 }))).toEqual({
      jsonrpc: "2.0",
      method: "chain_newHead",
      params: { subscription: "ab", result: { n: 1 } },
    });
  });

  it("measures UTF-8 bytes", () => {
    expect(exceedsBytes("abc", 3)).toBe(false);
    expect(exceedsBytes("abcd", 3)).toBe(true);
    expect(exceedsBytes("ééé", 6)).toBe(false);
    expect(exceedsBytes("ééé", 5)).toBe(true);
    expect(exceedsBytes("€€", 5)).toBe(true);
  });
});
