import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScaleDecodeError } from "../scale/index.js";
import {
  decodeEra,
  type Era,
  encodeEra,
  eraBirth,
  eraDeath,
  IMMORTAL_ERA,
  isEraValidAt,
  MAX_ERA_PERIOD,
  mortalEra,
} from "./era.js";
import { arbitraryEra, arbitraryMortalEra, thrown } from "./extrinsicArbitraries.test-util.js";
import { ExtrinsicError } from "./extrinsicError.js";

const mortal = (period: number, phase: number): Era => ({ type: "Mortal", period, phase });

function allValidEras(): Era[] {
  const eras: Era[] = [IMMORTAL_ERA];
  for (let period = 4; period <= MAX_ERA_PERIOD; period *= 2) {
    const factor = Math.max(period >> 12, 1);
    for (let phase = 0; phase < period; phase += factor) eras.push(mortal(period, phase));
  }
  return eras;
}

function expectEraError(run: () => unknown): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(ExtrinsicError);
  expect((error as ExtrinsicError).code).toBe("EXTRA_INVALID_ERA");
}

describe("Era encoding (sp-runtime generic::Era)", () => {
  it("matches sp-runtime's own test vectors", () => {
    expect(encodeEra(IMMORTAL_ERA)).toEqual(Uint8Array.of(0));
    expect(decodeEra(Uint8Array.of(0))).toEqual(IMMORTAL_ERA);
    expect(mortalEra(64, 42)).toEqual(mortal(64, 42));
    expect(encodeEra(mortalEra(64, 42))).toEqual(Uint8Array.of(5 + (42 % 16) * 16, Math.floor(42 / 16)));
    expect(mortalEra(32768, 20000)).toEqual(mortal(32768, 20000));
    expect(encodeEra(mortalEra(32768, 20000))).toEqual(Uint8Array.of((14 + (2500 % 16) * 16) & 0xff, 2500 >> 4));
    expect(decodeEra(encodeEra(mortal(32768, 20000)))).toEqual(mortal(32768, 20000));
    expect(mortalEra(200, 513)).toEqual(mortal(256, 1));
    expect(mortalEra(2, 1)).toEqual(mortal(4, 1));
    expect(mortalEra(4, 5)).toEqual(mortal(4, 1));
    expect(mortalEra(1000000, 1000001)).toEqual(mortal(65536, Math.floor((1000001 % 65536) / 4) * 4));
    expect(mortalEra(0, 7)).toEqual(mortal(4, 3));
  });

  it("round-trips every valid era, each to a distinct encoding", () => {
    const seen = new Set<string>();
    const eras = allValidEras();
    expect(eras).toHaveLength(1 + 24572);
    for (const era of eras) {
      const encoded = encodeEra(era);
      expect(encoded).toHaveLength(era.type === "Immortal" ? 1 : 2);
      expect(decodeEra(encoded)).toEqual(era);
      seen.add(Buffer.from(encoded).toString("hex"));
    }
    expect(seen.size).toBe(eras.length);
  });

  it("decodes exactly the 2-byte inputs that re-encode to themselves, and rejects the rest with EXTRA_INVALID_ERA", () => {
    let valid = 0;
    for (let first = 1; first < 256; first++) {
      for (let second = 0; second < 256; second++) {
        const bytes = Uint8Array.of(first, second);
        const encoded = first + (second << 8);
        const period = 2 << (encoded % 16);
        const phase = (encoded >> 4) * Math.max(period >> 12, 1);
        if (period >= 4 && phase < period) {
          expect(encodeEra(decodeEra(bytes))).toEqual(bytes);
          valid++;
        } else {
          expectEraError(() => decodeEra(bytes));
        }
      }
    }
    expect(valid).toBe(24572);
  });

  it("rejects truncated and over-long input with ScaleDecodeError", () => {
    fc.assert(
      fc.property(arbitraryEra, fc.uint8Array({ minLength: 1, maxLength: 4 }), (era, extra) => {
        const encoded = encodeEra(era);
        for (let length = 0; length < encoded.length; length++) {
          expect(thrown(() => decodeEra(encoded.subarray(0, length)))).toBeInstanceOf(ScaleDecodeError);
        }
        const error = thrown(() => decodeEra(new Uint8Array([...encoded, ...extra])));
        expect(error).toBeInstanceOf(ScaleDecodeError);
        expect((error as ScaleDecodeError).code).toBe("SCALE_TRAILING_BYTES");
      }),
    );
  });

  it("refuses to encode eras that sp-runtime would encode lossily", () => {
    for (const era of [
      mortal(2, 0),
      mortal(6, 1),
      mortal(2 * MAX_ERA_PERIOD, 0),
      mortal(64, 64),
      mortal(64, -1),
      mortal(64, 1.5),
      mortal(8192, 3),
      { type: "Forever" } as unknown as Era,
    ]) {
      expectEraError(() => encodeEra(era));
    }
  });
});

describe("mortalEra", () => {
  it("rounds the period up to a power of two in 4..65536 and quantizes the phase", () => {
    fc.assert(
      fc.property(fc.nat({ max: 300_000 }), fc.nat({ max: 2 ** 32 }), (period, current) => {
        const era = mortalEra(period, current);
        if (era.type !== "Mortal") throw new Error("expected a mortal era");
        const expected = Math.min(Math.max(2 ** Math.ceil(Math.log2(Math.max(period, 1))), 4), MAX_ERA_PERIOD);
        expect(era.period).toBe(expected);
        const factor = Math.max(era.period >> 12, 1);
        expect(era.phase % factor).toBe(0);
        expect((current % era.period) - era.phase).toBeGreaterThanOrEqual(0);
        expect((current % era.period) - era.phase).toBeLessThan(factor);
        expect(decodeEra(encodeEra(era))).toEqual(era);
      }),
    );
  });

  it("rejects negative or fractional periods and block numbers", () => {
    expectEraError(() => mortalEra(-1, 0));
    expectEraError(() => mortalEra(64.5, 0));
    expectEraError(() => mortalEra(64, -1));
    expectEraError(() => mortalEra(64, Number.NaN));
    expectEraError(() => eraBirth(IMMORTAL_ERA, -1));
  });
});

describe("era birth, death and validity", () => {
  it("matches sp-runtime's tests", () => {
    const era = mortalEra(4, 6);
    for (let current = 6; current < 10; current++) {
      expect(eraBirth(era, current)).toBe(6);
      expect(eraDeath(era, current)).toBe(10);
      expect(isEraValidAt(era, current)).toBe(true);
    }
    expect(eraBirth(era, 10)).not.toBe(6);
    expect(eraBirth(era, 5)).not.toBe(6);
    expect(eraBirth(mortalEra(4, 3), 1)).toBe(3);
    expect(isEraValidAt(mortalEra(4, 3), 1)).toBe(false);
    expect(eraBirth(IMMORTAL_ERA, 123)).toBe(0);
    expect(eraDeath(IMMORTAL_ERA, 123)).toBe(Number.POSITIVE_INFINITY);
    expect(isEraValidAt(IMMORTAL_ERA, 0)).toBe(true);
  });

  it("a transaction made at block n stays valid for exactly the next period blocks, born at n", () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 16 }), fc.nat({ max: 2 ** 31 }), (requested, signedAt) => {
        const era = mortalEra(requested, signedAt);
        if (era.type !== "Mortal") throw new Error("expected a mortal era");
        // For long periods the quantized phase makes the birth up to period/4096 - 1 blocks earlier.
        const birth = eraBirth(era, signedAt);
        expect(signedAt - birth).toBeGreaterThanOrEqual(0);
        expect(signedAt - birth).toBeLessThan(Math.max(era.period >> 12, 1));
        for (const current of [birth, signedAt, birth + era.period - 1]) {
          expect(eraBirth(era, current)).toBe(birth);
          expect(eraDeath(era, current)).toBe(birth + era.period);
          expect(isEraValidAt(era, current)).toBe(true);
        }
        expect(eraBirth(era, birth + era.period)).toBe(birth + era.period);
        if (birth >= era.period) expect(eraBirth(era, birth - 1)).toBe(birth - era.period);
        else if (birth > 0) expect(isEraValidAt(era, birth - 1)).toBe(false);
      }),
    );
  });

  it("is valid exactly between birth and death", () => {
    fc.assert(
      fc.property(arbitraryMortalEra, fc.nat({ max: 2 ** 32 }), (era, current) => {
        if (era.type !== "Mortal") throw new Error("expected a mortal era");
        expect(isEraValidAt(era, current)).toBe(current >= era.phase);
        expect(eraDeath(era, current) - eraBirth(era, current)).toBe(era.period);
      }),
    );
  });
});
