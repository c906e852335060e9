import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../bytes/index.js";
import { blake2_256 } from "../hashing/index.js";
import { type Keypair, keypairFromUri } from "../keys/index.js";
import { IMMORTAL_ERA, mortalEra } from "./era.js";
import { decodeExtrinsic, type Extrinsic, encodeExtrinsic } from "./extrinsic.js";
import {
  arbitraryAdditional,
  arbitraryCall,
  arbitraryExtra,
  flipped,
  thrown,
} from "./extrinsicArbitraries.test-util.js";
import { ExtrinsicError } from "./extrinsicError.js";
import { type AdditionalSigned, type Extra, encodeAdditionalSigned, encodeExtra } from "./signedExtensions.js";
import { MAX_UNHASHED_PAYLOAD_LENGTH, signExtrinsic, signingPayload, verifyExtrinsicSignature } from "./signing.js";

const keypairs: Record<string, Keypair> = {
  ed25519: keypairFromUri("//Alice", "ed25519"),
  sr25519: keypairFromUri("//Alice", "sr25519"),
  ecdsa: keypairFromUri("//Alice", "ecdsa"),
};
const alice = keypairs["ed25519"]!;
const bob = keypairFromUri("//Bob", "ed25519");

const call = Uint8Array.of(5, 0, 8, 1, 2);
const extra: Extra = { era: mortalEra(64, 1000), nonce: 5, tip: 7n };
const additional: AdditionalSigned = {
  specVersion: 100,
  transactionVersion: 2,
  genesisHash: new Uint8Array(32).fill(0x11),
  birthHash: new Uint8Array(32).fill(0x22),
};

/** Payload length for a call of `n` bytes with `extra` and `additional` above. */
const payloadLength = (n: number) => n + encodeExtra(extra).length + 4 + 4 + 32 + 32;

describe("signing payload", () => {
  it("is call ++ extra ++ additional signed up to 256 bytes", () => {
    const raw = concatBytes(call, encodeExtra(extra), encodeAdditionalSigned(additional));
    expect(signingPayload(call, extra, additional)).toEqual(raw);
    const longest = new Uint8Array(MAX_UNHASHED_PAYLOAD_LENGTH - payloadLength(0)).fill(3);
    expect(signingPayload(longest, extra, additional)).toHaveLength(256);
  });

  it("is replaced by its blake2_256 when longer than 256 bytes", () => {
    const longer = new Uint8Array(MAX_UNHASHED_PAYLOAD_LENGTH + 1 - payloadLength(0)).fill(3);
    const raw = concatBytes(longer, encodeExtra(extra), encodeAdditionalSigned(additional));
    expect(raw).toHaveLength(257);
    expect(signingPayload(longer, extra, additional)).toEqual(blake2_256(raw));
  });

  it("refuses a call that is not bytes", () => {
    const error = thrown(() => signingPayload("0x00" as unknown as Uint8Array, extra, additional));
    expect(error).toBeInstanceOf(ExtrinsicError);
    expect((error as ExtrinsicError).code).toBe("EXTRINSIC_MALFORMED");
  });
});

describe("signed extrinsics", () => {
  for (const [scheme, numRuns] of [
    ["ed25519", 100],
    ["sr25519", 15],
    ["ecdsa", 15],
  ] as const) {
    it(`sign and verify with ${scheme}, round-tripping through the encoding`, () => {
      const keypair = keypairs[scheme]!;
      fc.assert(
        fc.property(arbitraryCall, arbitraryExtra, arbitraryAdditional, (c, e, a) => {
          const encoded = signExtrinsic(keypair, c, e, a);
          const decoded = decodeExtrinsic(encoded);
          expect(decoded.call).toEqual(c);
          expect(decoded.signed?.signer).toEqual(keypair.accountId);
          expect(decoded.signed?.extra).toEqual(e);
          expect(encodeExtrinsic(decoded)).toEqual(encoded);
          expect(verifyExtrinsicSignature(decoded, a)).toBe(true);
        }),
        { numRuns },
      );
    });
  }

  it("do not verify when unsigned", () => {
    expect(verifyExtrinsicSignature({ call }, additional)).toBe(false);
  });

  for (const scheme of ["ed25519", "sr25519"] as const) {
    it(`do not verify (${scheme}) once a byte of the signature, call, nonce, tip or era is flipped`, () => {
      const keypair = keypairs[scheme]!;
      for (const c of [call, new Uint8Array(300).fill(9)]) {
        const decoded = decodeExtrinsic(signExtrinsic(keypair, c, extra, additional));
        const signed = decoded.signed!;
        expect(verifyExtrinsicSignature(decoded, additional)).toBe(true);
        const tampered: Extrinsic[] = [
          {
            call: c,
            signed: { ...signed, signature: { ...signed.signature, value: flipped(signed.signature.value, 0) } },
          },
          {
            call: c,
            signed: { ...signed, signature: { ...signed.signature, value: flipped(signed.signature.value, 63) } },
          },
          { call: flipped(c, 0), signed },
          { call: flipped(c, c.length - 1, 0x80), signed },
          { call: concatBytes(c, Uint8Array.of(0)), signed },
          { call: c, signed: { ...signed, extra: { ...extra, nonce: extra.nonce + 1 } } },
          { call: c, signed: { ...signed, extra: { ...extra, tip: extra.tip ^ 1n } } },
          { call: c, signed: { ...signed, extra: { ...extra, era: IMMORTAL_ERA } } },
          { call: c, signed: { ...signed, extra: { ...extra, era: mortalEra(128, 1000) } } },
          { call: c, signed: { ...signed, extra: { ...extra, era: mortalEra(64, 1001) } } },
          { call: c, signed: { ...signed, signer: bob.accountId } },
        ];
        for (const extrinsic of tampered) expect(verifyExtrinsicSignature(extrinsic, additional)).toBe(false);
        for (const other of [
          { ...additional, genesisHash: flipped(additional.genesisHash, 31) },
          { ...additional, birthHash: flipped(additional.birthHash, 0) },
          { ...additional, specVersion: additional.specVersion + 1 },
          { ...additional, transactionVersion: additional.transactionVersion + 1 },
        ]) {
          expect(verifyExtrinsicSignature(decoded, other)).toBe(false);
        }
      }
    });
  }

  it("do not verify once any byte of the encoded signed extrinsic after the length prefix is flipped", () => {
    const encoded = signExtrinsic(alice, call, extra, additional);
    for (let index = 1; index < encoded.length; index++) {
      let decoded: Extrinsic;
      try {
        decoded = decodeExtrinsic(flipped(encoded, index));
      } catch {
        continue;
      }
      expect(verifyExtrinsicSignature(decoded, additional)).toBe(false);
    }
  });
});
