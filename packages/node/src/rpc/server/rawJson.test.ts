import { describe, expect, it } from "vitest";
import { subscriptionNotification, successResponse } from "./jsonRpcMessage.js";
import { jsonText, RawJson } from "./rawJson.js";

const value = {
  blockHash: "0xab",
  changes: [
    ["0x01", null],
    ["0x02", "0xé€"],
  ],
  n: 1.5,
};

describe("RawJson", () => {
  it("holds the value's JSON text and serializes the same any way", () => {
    const raw = RawJson.of(value);
    expect(raw.text).toBe(JSON.stringify(value));
    expect(JSON.stringify(raw)).toBe(raw.text);
    expect(JSON.stringify({ nested: [raw] })).toBe(JSON.stringify({ nested: [value] }));
    expect(jsonText(raw)).toBe(raw.text);
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });

  it("joins items into an array without serializing them again", () => {
    const items = [RawJson.of(value), RawJson.of([1, "x"]), RawJson.of(null)];
    const array = RawJson.array(items);
    expect(array.text).toBe(JSON.stringify([value, [1, "x"], null]));
    expect(JSON.stringify(array)).toBe(array.text);
    expect(RawJson.array([]).text).toBe("[]");
  });

  it("serializes each value once, when its text is first asked for", () => {
    let serialized = 0;
    const counted = {
      toJSON: () => {
        serialized++;
        return "x";
      },
    };
    const raw = RawJson.of(counted);
    expect(serialized).toBe(0);
    expect(raw.text).toBe('"x"');
    expect(RawJson.array([raw, raw]).text).toBe('["x","x"]');
    expect(successResponse(1, raw)).toBe('{"jsonrpc":"2.0","id":1,"result":"x"}');
    expect(serialized).toBe(1);
  });

  it("refuses what is not JSON, as JSON.stringify does", () => {
    for (const value of [1n, undefined, () => 1]) {
      expect(() => RawJson.of(value).text).toThrow(TypeError);
      expect(() => successResponse(1, RawJson.of(value))).toThrow(TypeError);
    }
    expect(() => RawJson.array([RawJson.of(1), RawJson.of(1n)]).text).toThrow(TypeError);
  });

  it("makes responses and notifications byte-identical to the plain value's", () => {
    const raw = RawJson.array([RawJson.of(value), RawJson.of(value)]);
    expect(successResponse(7, raw)).toBe(successResponse(7, [value, value]));
    expect(subscriptionNotification("m", "s", raw)).toBe(subscriptionNotification("m", "s", [value, value]));
  });
});
