import { ScaleDecodeError, toHex } from "@phala-ts/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectRejectsTruncatedAndOverlong } from "../../core/src/testing/decoderProperties.test-util.js";
import { AttestationError } from "./errors.js";
import { type Attestation, attestationCodec, decodeAttestation, encodeAttestation } from "./evidence.js";

const bytes = fc.uint8Array({ maxLength: 80 });
const arbitraryAttestation: fc.Arbitrary<Attestation> = fc.oneof(
  bytes.map((value) => ({ type: "Simulated", value }) as const),
  fc
    .record({ quote: bytes, collateral: fc.option(bytes, { nil: undefined }) })
    .map((value) => ({ type: "SgxDcap", value }) as const),
  fc
    .record({ report: bytes, signature: bytes, certificate: bytes })
    .map((value) => ({ type: "SgxIas", value }) as const),
);

// Vitest loads @phala-ts/core and core's src by relative path as two module instances, so the
// shared helper's own ScaleDecodeError check would not match the class this package throws.
const scaleChecks = {
  truncated: (error: unknown) => expect(error).toBeInstanceOf(ScaleDecodeError),
  overlong: (error: unknown) => {
    expect(error).toBeInstanceOf(ScaleDecodeError);
    expect((error as ScaleDecodeError).code).toBe("SCALE_TRAILING_BYTES");
  },
};

function expectScaleError(run: () => unknown, code: ScaleDecodeError["code"]): void {
  try {
    run();
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(ScaleDecodeError);
    expect((error as ScaleDecodeError).code).toBe(code);
  }
}

describe("Attestation evidence", () => {
  it("uses variant indices 0 (Simulated), 1 (SgxDcap), 2 (SgxIas)", () => {
    const one = Uint8Array.of(0xaa);
    expect(toHex(encodeAttestation({ type: "Simulated", value: one }))).toBe("0x0004aa");
    expect(toHex(encodeAttestation({ type: "SgxDcap", value: { quote: one, collateral: undefined } }))).toBe(
      "0x0104aa00",
    );
    expect(toHex(encodeAttestation({ type: "SgxDcap", value: { quote: one, collateral: one } }))).toBe(
      "0x0104aa0104aa",
    );
    expect(toHex(encodeAttestation({ type: "SgxIas", value: { report: one, signature: one, certificate: one } }))).toBe(
      "0x0204aa04aa04aa",
    );
  });

  it("round-trips arbitrary evidence", () => {
    fc.assert(
      fc.property(arbitraryAttestation, (attestation) => {
        const encoded = encodeAttestation(attestation);
        expect(decodeAttestation(encoded)).toEqual(attestation);
        expect(attestationCodec.dec(encoded)).toEqual(attestation);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects truncated and over-long input with ScaleDecodeError", () => {
    fc.assert(
      fc.property(arbitraryAttestation, fc.uint8Array({ minLength: 1, maxLength: 4 }), (attestation, extra) => {
        expectRejectsTruncatedAndOverlong(encodeAttestation(attestation), extra, decodeAttestation, scaleChecks);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects unknown variants and non-canonical encodings", () => {
    for (const index of [3, 4, 0x7f, 0xff])
      expectScaleError(() => decodeAttestation(Uint8Array.of(index, 0)), "SCALE_MALFORMED");
    // Option tag 2 would read as Some in scale-ts.
    expectScaleError(() => decodeAttestation(Uint8Array.of(1, 0, 2, 0)), "SCALE_MALFORMED");
    // Length 0 as a two-byte compact.
    expectScaleError(() => decodeAttestation(Uint8Array.of(0, 0x01, 0x00)), "SCALE_MALFORMED");
    expectScaleError(() => decodeAttestation("0x00" as unknown as Uint8Array), "SCALE_MALFORMED");
  });

  it("refuses to encode evidence of the wrong shape", () => {
    const bad = [
      { type: "Simulated", value: "0x00" },
      { type: "SgxDcap", value: { quote: new Uint8Array(1), collateral: null } },
      { type: "SgxDcap", value: undefined },
      { type: "SgxIas", value: { report: new Uint8Array(1), signature: new Uint8Array(1) } },
      { type: "Tdx", value: new Uint8Array(1) },
      undefined,
    ];
    for (const attestation of bad) {
      expect(() => encodeAttestation(attestation as unknown as Attestation)).toThrow(AttestationError);
    }
  });
});
