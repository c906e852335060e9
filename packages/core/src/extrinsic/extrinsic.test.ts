import { compact } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../bytes/index.js";
import { blake2_256 } from "../hashing/index.js";
import { encodeMultiSignature, keypairFromUri, type MultiSignature } from "../keys/index.js";
import { ScaleDecodeError } from "../scale/index.js";
import { IMMORTAL_ERA, mortalEra } from "./era.js";
import {
  DEFAULT_MAX_EXTRINSIC_SIZE,
  decodeExtrinsic,
  type Extrinsic,
  encodeExtrinsic,
  extrinsicHash,
} from "./extrinsic.js";
import { arbitraryCall, arbitraryExtra, bytes32, thrown } from "./extrinsicArbitraries.test-util.js";
import { ExtrinsicError } from "./extrinsicError.js";
import { encodeMultiAddress, type MultiAddress } from "./multiAddress.js";
import { type Extra, encodeExtra } from "./signedExtensions.js";

const alice = keypairFromUri("//Alice", "ed25519");
const call = Uint8Array.of(5, 0, 8, 1, 2);
const extra: Extra = { era: mortalEra(64, 1000), nonce: 5, tip: 7n };
const signature: MultiSignature = { type: "Ed25519", value: new Uint8Array(64).fill(0xab) };
const signed: Extrinsic = { signed: { signer: alice.accountId, signature, extra }, call };

const arbitrarySignature: fc.Arbitrary<MultiSignature> = fc.oneof(
  fc.uint8Array({ minLength: 64, maxLength: 64 }).map((value): MultiSignature => ({ type: "Ed25519", value })),
  fc.uint8Array({ minLength: 64, maxLength: 64 }).map((value): MultiSignature => ({ type: "Sr25519", value })),
  fc.uint8Array({ minLength: 65, maxLength: 65 }).map((value): MultiSignature => ({ type: "Ecdsa", value })),
);

const arbitraryExtrinsic: fc.Arbitrary<Extrinsic> = fc.oneof(
  arbitraryCall.map((c): Extrinsic => ({ call: c })),
  fc
    .record({ signer: bytes32, signature: arbitrarySignature, extra: arbitraryExtra, call: arbitraryCall })
    .map(({ call: c, ...signature }): Extrinsic => ({ signed: signature, call: c })),
);

/** A length-prefixed extrinsic around an arbitrary body. */
const prefixed = (...parts: Uint8Array[]): Uint8Array => {
  const body = concatBytes(...parts);
  return concatBytes(compact.enc(body.length), body);
};

function expectCode(run: () => unknown, code: string): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(ExtrinsicError);
  expect((error as ExtrinsicError).code).toBe(code);
}

function expectScaleError(run: () => unknown, code?: string): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(ScaleDecodeError);
  if (code !== undefined) expect((error as ScaleDecodeError).code).toBe(code);
}

describe("extrinsic v4 encoding", () => {
  it("lays out a signed extrinsic as Compact(len) ++ 0x84 ++ Id(signer) ++ signature ++ extra ++ call", () => {
    const body = concatBytes(
      Uint8Array.of(0x84, 0),
      alice.accountId,
      encodeMultiSignature(signature),
      encodeExtra(extra),
      call,
    );
    expect(encodeExtrinsic(signed)).toEqual(concatBytes(compact.enc(body.length), body));
    expect(body.length).toBe(1 + 33 + 65 + 2 + 1 + 1 + call.length);
  });

  it("lays out an unsigned extrinsic as Compact(len) ++ 0x04 ++ call", () => {
    expect(encodeExtrinsic({ call })).toEqual(Uint8Array.of((call.length + 1) << 2, 0x04, ...call));
  });

  it("round-trips signed and unsigned extrinsics", () => {
    fc.assert(
      fc.property(arbitraryExtrinsic, (extrinsic) => {
        const encoded = encodeExtrinsic(extrinsic);
        const decoded = decodeExtrinsic(encoded);
        expect(decoded).toEqual(extrinsic);
        expect(encodeExtrinsic(decoded)).toEqual(encoded);
      }),
    );
  });

  it("hashes the full length-prefixed encoding", () => {
    const encoded = encodeExtrinsic(signed);
    expect(extrinsicHash(encoded)).toEqual(blake2_256(encoded));
  });

  it("refuses an Address32 signer, so that one signed transaction has one encoding", () => {
    const address: MultiAddress = { type: "Address32", value: alice.accountId };
    const bytes = prefixed(
      Uint8Array.of(0x84),
      encodeMultiAddress(address),
      encodeMultiSignature(signature),
      encodeExtra(extra),
      call,
    );
    expect(() => decodeExtrinsic(bytes)).toThrowError(
      expect.objectContaining({ code: "EXTRINSIC_UNSUPPORTED_ADDRESS" }),
    );
  });
});

describe("extrinsic v4 decoding rejects", () => {
  it("any version byte other than 0x84 and 0x04", () => {
    const body = encodeExtrinsic(signed).subarray(2);
    for (let version = 0; version < 256; version++) {
      if (version === 0x84 || version === 0x04) continue;
      expectCode(() => decodeExtrinsic(prefixed(Uint8Array.of(version), body.subarray(1))), "EXTRINSIC_BAD_VERSION");
    }
    expectCode(() => decodeExtrinsic(prefixed(Uint8Array.of(0x05), call)), "EXTRINSIC_BAD_VERSION");
    expectCode(() => decodeExtrinsic(prefixed(Uint8Array.of(0x45), call)), "EXTRINSIC_BAD_VERSION");
  });

  it("truncated and over-long input, and a length prefix that disagrees with the body", () => {
    fc.assert(
      fc.property(arbitraryExtrinsic, fc.uint8Array({ minLength: 1, maxLength: 8 }), (extrinsic, tail) => {
        const encoded = encodeExtrinsic(extrinsic);
        for (let length = 0; length < encoded.length; length++) {
          expectScaleError(() => decodeExtrinsic(encoded.subarray(0, length)), "SCALE_TRUNCATED");
        }
        expectScaleError(() => decodeExtrinsic(concatBytes(encoded, tail)), "SCALE_TRAILING_BYTES");
      }),
      { numRuns: 50 },
    );
  });

  it("a signed body cut short inside its signer, signature or extra", () => {
    const body = encodeExtrinsic(signed).subarray(2);
    const afterExtra = 1 + 33 + 65 + encodeExtra(extra).length;
    for (let length = 1; length < afterExtra; length++) {
      expectScaleError(() => decodeExtrinsic(prefixed(body.subarray(0, length))));
    }
  });

  it("an empty call", () => {
    expectCode(() => decodeExtrinsic(prefixed(Uint8Array.of(0x04))), "EXTRINSIC_MALFORMED");
    const body = encodeExtrinsic(signed).subarray(2);
    expectCode(() => decodeExtrinsic(prefixed(body.subarray(0, body.length - call.length))), "EXTRINSIC_MALFORMED");
    expectCode(() => encodeExtrinsic({ call: new Uint8Array() }), "EXTRINSIC_MALFORMED");
    expectCode(() => encodeExtrinsic({ call: [1, 2] as unknown as Uint8Array }), "EXTRINSIC_MALFORMED");
  });

  it("an unknown MultiSignature variant", () => {
    const body = encodeExtrinsic(signed).subarray(2);
    for (const variant of [3, 4, 0xff]) {
      const tampered = body.slice();
      tampered[34] = variant;
      expectScaleError(() => decodeExtrinsic(prefixed(tampered)), "SCALE_MALFORMED");
    }
  });

  it("signer addresses that are not an AccountId32", () => {
    for (const address of [
      { type: "Index", value: 7 },
      { type: "Raw", value: alice.accountId },
      { type: "Address20", value: alice.accountId.subarray(0, 20) },
    ] satisfies MultiAddress[]) {
      const bytes = prefixed(
        Uint8Array.of(0x84),
        encodeMultiAddress(address),
        encodeMultiSignature(signature),
        encodeExtra(extra),
        call,
      );
      expectCode(() => decodeExtrinsic(bytes), "EXTRINSIC_UNSUPPORTED_ADDRESS");
    }
    expectScaleError(() => decodeExtrinsic(prefixed(Uint8Array.of(0x84, 5), alice.accountId, call)), "SCALE_MALFORMED");
  });

  it("an invalid era in the extra", () => {
    const body = encodeExtrinsic(signed).subarray(2);
    const tampered = body.slice();
    tampered[1 + 33 + 65] = 0xf0; // period 2
    expectCode(() => decodeExtrinsic(prefixed(tampered)), "EXTRA_INVALID_ERA");
  });

  it("a non-canonical length prefix, nonce or tip", () => {
    const body = encodeExtrinsic({ call }).subarray(1);
    expectScaleError(
      () => decodeExtrinsic(concatBytes(Uint8Array.of((body.length << 2) | 1, 0), body)),
      "SCALE_MALFORMED",
    );
    const head = concatBytes(
      Uint8Array.of(0x84, 0),
      alice.accountId,
      encodeMultiSignature(signature),
      Uint8Array.of(0),
    );
    expectScaleError(
      () => decodeExtrinsic(prefixed(head, Uint8Array.of(1, 0), Uint8Array.of(0), call)),
      "SCALE_MALFORMED",
    );
    expectScaleError(
      () => decodeExtrinsic(prefixed(head, Uint8Array.of(0), Uint8Array.of(1, 0), call)),
      "SCALE_MALFORMED",
    );
    expect(decodeExtrinsic(prefixed(head, Uint8Array.of(0), Uint8Array.of(0), call)).signed?.extra).toEqual({
      era: IMMORTAL_ERA,
      nonce: 0,
      tip: 0n,
    });
  });

  it("input over the maximum size before decoding anything", () => {
    const encoded = encodeExtrinsic(signed);
    expect(decodeExtrinsic(encoded, { maxSize: encoded.length })).toEqual(signed);
    expectCode(() => decodeExtrinsic(encoded, { maxSize: encoded.length - 1 }), "EXTRINSIC_TOO_LARGE");
    // Garbage, so any attempt to decode would fail differently.
    const huge = new Uint8Array(DEFAULT_MAX_EXTRINSIC_SIZE + 1).fill(0xff);
    expectCode(() => decodeExtrinsic(huge), "EXTRINSIC_TOO_LARGE");
    expectCode(() => decodeExtrinsic(encoded, { maxSize: -1 }), "EXTRINSIC_INVALID_OPTIONS");
  });

  it("values that cannot be encoded", () => {
    expectCode(
      () => encodeExtrinsic({ signed: { signer: new Uint8Array(31), signature, extra }, call }),
      "EXTRINSIC_MALFORMED",
    );
    const error = thrown(() =>
      encodeExtrinsic({
        signed: { signer: alice.accountId, signature: { type: "Ed25519", value: new Uint8Array(63) }, extra },
        call,
      }),
    );
    expect((error as { code?: string }).code).toBe("MULTISIGNATURE_INVALID");
    expectCode(
      () => encodeExtrinsic({ signed: { signer: alice.accountId, signature, extra: { ...extra, nonce: -1 } }, call }),
      "EXTRA_INVALID_NONCE",
    );
  });
});
