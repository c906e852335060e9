import { describe, expect, it } from "vitest";
import { publicRandomBytes } from "./randomPool.js";

describe("publicRandomBytes", () => {
  it("hands out fresh, distinct values of the asked length, across refills of the pool", () => {
    const seen = new Set<string>();
    // 16 KiB a pool: 3,000 nonces of 16 bytes span two refills.
    for (let i = 0; i < 3000; i++) {
      const value = publicRandomBytes(16);
      expect(value.length).toBe(16);
      expect(value.byteOffset).toBe(0);
      expect(value.buffer.byteLength).toBe(16);
      seen.add(Buffer.from(value).toString("hex"));
    }
    expect(seen.size).toBe(3000);
  });

  it("gives copies, which stay as they were when the pool is refilled", () => {
    const first = publicRandomBytes(12);
    const kept = first.slice();
    for (let i = 0; i < 2000; i++) publicRandomBytes(16);
    expect(first).toEqual(kept);
  });

  it("refuses more than a pool holds", () => {
    expect(() => publicRandomBytes(16 * 1024 + 1)).toThrow(RangeError);
    expect(publicRandomBytes(16 * 1024).length).toBe(16 * 1024);
  });
});
