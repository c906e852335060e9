import { hkdfSync } from "node:crypto";
import { Bytes, compact, Struct, Vector } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, utf8 } from "../bytes/bytes.js";
import { decodeEnvelope, encodeEnvelope, envelopeAad, envelopeCodec, envelopeKey } from "../crypto/envelope.js";
import { KDF_DOMAIN, kdfInfo } from "../crypto/kdf.js";
import { decodeExact } from "./decodeExact.js";
import { scaleBytes } from "./scaleBytes.js";

const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

describe("scaleBytes", () => {
  it("writes numbers as SCALE compacts, in every mode", () => {
    const edges = [0, 1, 63, 64, 16383, 16384, 2 ** 30 - 1, 2 ** 30, 2 ** 32, Number.MAX_SAFE_INTEGER];
    for (const n of edges) expect(scaleBytes([n])).toEqual(compact.enc(n));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(), fc.integer({ min: 0, max: 70_000 }), bytes(40))), (parts) => {
        const expected = concatBytes(...parts.map((part) => (typeof part === "number" ? compact.enc(part) : part)));
        expect(scaleBytes(parts)).toEqual(expected);
      }),
    );
  });

  it("encodes the KDF info, the envelope key's info and AAD, and the envelope as their codecs do", () => {
    const kdfInfoCodec = Struct({ domain: Bytes(), path: Vector(Bytes()) });
    const aadCodec = Struct({ domain: Bytes(), senderPublic: Bytes(32), recipientPublic: Bytes(32), purpose: Bytes() });
    fc.assert(
      fc.property(fc.array(bytes(300), { maxLength: 6 }), (path) => {
        expect(kdfInfo(path)).toEqual(kdfInfoCodec.enc({ domain: utf8(KDF_DOMAIN), path }));
      }),
    );
    fc.assert(
      fc.property(bytes(40), bytes(40), bytes(300), (sender, recipient, purpose) => {
        const domain = utf8("phala/envelope/v1");
        expect(envelopeAad(sender, recipient, purpose)).toEqual(
          aadCodec.enc({ domain, senderPublic: sender, recipientPublic: recipient, purpose }),
        );
      }),
    );
    const infoCodec = Struct({ domain: Bytes(), purpose: Bytes() });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), bytes(255), (shared, purpose) => {
        const [sender, recipient] = [shared.map((b) => b ^ 1), shared.map((b) => b ^ 2)];
        const info = infoCodec.enc({ domain: utf8("phala/envelope/v1"), purpose });
        const expected = hkdfSync("sha256", shared, concatBytes(sender, recipient), info, 32);
        expect(envelopeKey(shared.slice(), sender, recipient, purpose)).toEqual(new Uint8Array(expected));
      }),
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ minLength: 16, maxLength: 20_000 }),
        (senderPublic, iv, ciphertext) => {
          const envelope = { senderPublic, iv, ciphertext };
          expect(encodeEnvelope(envelope)).toEqual(envelopeCodec.enc(envelope));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("decodes envelopes as the codec does, and refuses what it refuses with the same error", () => {
    const viaCodec = (bytes: Uint8Array) => {
      const envelope = decodeExact(envelopeCodec.dec, bytes, "Envelope");
      if (envelope.ciphertext.length < 16) throw new Error("ENVELOPE_MALFORMED");
      return envelope;
    };
    const outcome = (decode: () => unknown) => {
      try {
        return { value: decode() };
      } catch (error) {
        const { code, message } = error as { code?: string; message: string };
        return { error: code ?? message };
      }
    };
    // A ciphertext's length in any compact mode (non-canonical ones too), or a random prefix.
    const prefixOf = (n: number, mode: number): Uint8Array => {
      const word = ((n << 2) | mode) >>> 0;
      return mode === 0
        ? Uint8Array.of(word)
        : mode === 1
          ? Uint8Array.of(word & 0xff, word >>> 8)
          : Uint8Array.of(word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24);
    };
    const ciphertext = fc.uint8Array({ minLength: 0, maxLength: 300, size: "max" });
    const head = fc.uint8Array({ minLength: 44, maxLength: 44 });
    const input = fc.oneof(
      {
        arbitrary: fc
          .tuple(head, ciphertext, fc.constantFrom(0, 1, 2), fc.oneof(fc.constant(0), fc.integer({ min: -2, max: 2 })))
          .filter(([, c, mode, skew]) => c.length + skew >= 0 && (mode > 0 || c.length + skew < 64))
          .map(([h, c, mode, skew]) => concatBytes(h, prefixOf(c.length + skew, mode), c)),
        weight: 4,
      },
      {
        arbitrary: fc
          .tuple(head, fc.uint8Array({ minLength: 1, maxLength: 9 }), ciphertext)
          .map((parts) => concatBytes(...parts)),
        weight: 1,
      },
      { arbitrary: fc.uint8Array({ maxLength: 60 }), weight: 1 },
    );
    fc.assert(
      fc.property(input, fc.nat(4), (bytes, offset) => {
        // Also as a view into a larger buffer, and as a Buffer.
        const view = new Uint8Array(bytes.length + offset).subarray(offset);
        view.set(bytes);
        for (const given of [bytes, view, Buffer.from(bytes)]) {
          const fast = outcome(() => decodeEnvelope(given));
          expect(fast).toEqual(outcome(() => viaCodec(bytes)));
          if ("value" in fast)
            for (const field of Object.values(fast.value as object)) expect(field.constructor).toBe(Uint8Array);
        }
      }),
      { numRuns: 500 },
    );
  });
});
