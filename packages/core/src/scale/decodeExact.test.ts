import { Bytes, u32 } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { decodeExact } from "./decodeExact.js";

describe("decodeExact", () => {
  it("decodes a view into a larger buffer, a Node Buffer at an offset included", () => {
    const encoded = Bytes().enc(Uint8Array.of(1, 2, 3));
    const pooled = Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from(encoded)]).subarray(2);
    expect(pooled.byteOffset).toBeGreaterThan(0);
    expect(decodeExact(Bytes().dec, pooled, "bytes")).toEqual(Uint8Array.of(1, 2, 3));
    const view = new Uint8Array([9, ...u32.enc(7)]).subarray(1);
    expect(decodeExact(u32.dec, view, "u32")).toBe(7);
  });
});
