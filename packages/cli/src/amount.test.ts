import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import { formatPha, PLANCK_PER_PHA, parsePha, parsePlanck, phaText } from "./amount.js";

describe("amounts of PHA", () => {
  it("parses PHA exactly, to the planck, without floating point", () => {
    expect(parsePha("1")).toBe(PLANCK_PER_PHA);
    expect(parsePha("2.5")).toBe(2_500_000_000_000n);
    expect(parsePha("0.000000000001")).toBe(1n);
    expect(parsePha(".5")).toBe(500_000_000_000n);
    expect(parsePha("3.")).toBe(3n * PLANCK_PER_PHA);
    expect(parsePha("1_000")).toBe(1000n * PLANCK_PER_PHA);
    // 0.1 + 0.2 is not 0.30000000000000004 here.
    expect(parsePha("0.3")).toBe(parsePha("0.1") + parsePha("0.2"));
    // Far beyond Number's 2^53.
    expect(parsePha("123456789012345678901234.123456789012")).toBe(123456789012345678901234123456789012n);
  });

  it("refuses what is not an amount, zero, more than 12 decimals and more than a u128", () => {
    for (const bad of ["", "abc", "-1", "1e3", "1,5", "0x10", "1.2.3", " . ", "+1"])
      expect(
        errorCodeOf(() => parsePha(bad)),
        bad,
      ).toBe("CLI_BAD_AMOUNT");
    expect(() => parsePha("0")).toThrow(/is zero/);
    expect(() => parsePha("0.000")).toThrow(/is zero/);
    expect(() => parsePha("0.0000000000001")).toThrow(/more than 12 decimals/);
    expect(() => parsePha(String(2n ** 128n / PLANCK_PER_PHA + 1n))).toThrow(/more than a balance can hold/);
  });

  it("parses planck as whole numbers only", () => {
    expect(parsePlanck("5000")).toBe(5000n);
    expect(parsePlanck("340282366920938463463374607431768211455")).toBe(2n ** 128n - 1n);
    expect(() => parsePlanck("1.5")).toThrow(/not a whole number of planck/);
    expect(() => parsePlanck("10x", "gas")).toThrow(/not a whole number of gas/);
    expect(errorCodeOf(() => parsePlanck("0"))).toBe("CLI_BAD_AMOUNT");
    expect(errorCodeOf(() => parsePlanck("340282366920938463463374607431768211456"))).toBe("CLI_BAD_AMOUNT");
  });

  it("formats planck as PHA without trailing zeros, and reads back what it prints", () => {
    expect(formatPha(0n)).toBe("0");
    expect(formatPha(1n)).toBe("0.000000000001");
    expect(formatPha(1_500_000_000_000n)).toBe("1.5");
    expect(formatPha(1_000_000n * PLANCK_PER_PHA)).toBe("1000000");
    expect(formatPha(-2_500_000_000_000n)).toBe("-2.5");
    expect(phaText(123_456_789n)).toBe("0.000123456789 PHA");
    for (const planck of [1n, 999_999_999_999n, 10n ** 30n + 7n, 2n ** 128n - 1n])
      expect(parsePha(formatPha(planck))).toBe(planck);
  });
});
