import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8 } from "../bytes/bytes.js";
import { isPhalaError } from "../errors/phalaError.js";
import { InvalidKeyError } from "../keys/ed25519.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import {
  decodeEnvelope,
  type Envelope,
  EnvelopeError,
  type EnvelopeErrorCode,
  encodeEnvelope,
  openEnvelope,
  sealEnvelope,
} from "./envelope.js";
import { X25519Error, x25519Ephemeral, x25519FromSecret, x25519Generate } from "./x25519.js";

const recipient = x25519Generate();
const sender = x25519Generate();
const PURPOSE = "contract/command";

function expectEnvelopeError(open: () => unknown, codes: readonly EnvelopeErrorCode[] = ["ENVELOPE_DECRYPT_FAILED"]) {
  let thrown: unknown;
  let result: unknown;
  try {
    result = open();
  } catch (error) {
    thrown = error;
  }
  expect(result).toBeUndefined();
  expect(thrown).toBeInstanceOf(EnvelopeError);
  expect(isPhalaError(thrown)).toBe(true);
  expect(codes).toContain((thrown as EnvelopeError).code);
}

function flipped(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] as number) ^ mask;
  return copy;
}

describe("envelope", () => {
  it("round-trips through the struct and the SCALE bytes, with the secret or the keypair", () => {
    const plaintext = utf8("transfer 10 PHA to bob");
    const envelope = sealEnvelope({ recipientPublic: recipient.keypair.publicKey, purpose: PURPOSE, plaintext });
    expect(envelope.iv).toHaveLength(12);
    expect(envelope.ciphertext).toHaveLength(plaintext.length + 16);
    const encoded = encodeEnvelope(envelope);
    expect(encoded).toHaveLength(32 + 12 + 1 + plaintext.length + 16);
    expect(decodeEnvelope(encoded)).toEqual(envelope);
    expect(openEnvelope({ recipientSecret: recipient.secret, envelope, purpose: PURPOSE })).toEqual(plaintext);
    expect(openEnvelope({ recipientSecret: recipient.keypair, envelope: encoded, purpose: PURPOSE })).toEqual(
      plaintext,
    );
  });

  it("round-trips empty and large plaintexts and an explicit sender", () => {
    for (const plaintext of [new Uint8Array(0), new Uint8Array(100_000).fill(0xab)]) {
      const envelope = sealEnvelope({
        recipientPublic: recipient.keypair.publicKey,
        purpose: PURPOSE,
        plaintext,
        senderSecret: sender.secret,
      });
      expect(envelope.senderPublic).toEqual(sender.keypair.publicKey);
      const opened = openEnvelope({
        recipientSecret: recipient.secret,
        envelope: encodeEnvelope(envelope),
        purpose: PURPOSE,
        expectedSender: sender.keypair.publicKey,
      });
      expect(opened).toBeInstanceOf(Uint8Array);
      expect(opened).toEqual(plaintext);
    }
  });

  it("is deterministic for a fixed sender and iv, and randomised otherwise", () => {
    const options = {
      recipientPublic: recipient.keypair.publicKey,
      purpose: "gatekeeper/master-key",
      plaintext: utf8("master key share"),
      senderSecret: sender.secret,
      iv: new Uint8Array(12).fill(5),
    };
    expect(encodeEnvelope(sealEnvelope(options))).toEqual(encodeEnvelope(sealEnvelope(options)));
    const { iv: _iv, ...randomIv } = options;
    expect(sealEnvelope(randomIv).iv).not.toEqual(sealEnvelope(randomIv).iv);
    // Random IVs come from a pool refilled 1,024 at a time: none repeats across refills, and one
    // handed out is not changed by a later draw.
    const first = sealEnvelope(randomIv).iv;
    const kept = first.slice();
    const seen = new Set<string>();
    for (let i = 0; i < 2500; i++) seen.add(Buffer.from(sealEnvelope(randomIv).iv).toString("hex"));
    expect(seen.size).toBe(2500);
    expect(first).toEqual(kept);
    const { senderSecret: _s, ...ephemeral } = options;
    expect(sealEnvelope(ephemeral).senderPublic).not.toEqual(sealEnvelope(ephemeral).senderPublic);
  });

  it("fails with a typed error when any single bit of the encoded envelope is flipped", () => {
    const encoded = encodeEnvelope(
      sealEnvelope({ recipientPublic: recipient.keypair.publicKey, purpose: PURPOSE, plaintext: utf8("hello") }),
    );
    let cases = 0;
    for (let index = 0; index < encoded.length; index++) {
      for (let bit = 0; bit < 8; bit++) {
        expectEnvelopeError(
          () =>
            openEnvelope({
              recipientSecret: recipient.keypair,
              envelope: flipped(encoded, index, 1 << bit),
              purpose: PURPOSE,
            }),
          ["ENVELOPE_DECRYPT_FAILED", "ENVELOPE_MALFORMED"],
        );
        cases++;
      }
    }
    expect(cases).toBe(encoded.length * 8);
  });

  it("fails with a typed error for random plaintexts and random single-byte corruption", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (plaintext, at, mask) => {
          const encoded = encodeEnvelope(
            sealEnvelope({ recipientPublic: recipient.keypair.publicKey, purpose: PURPOSE, plaintext }),
          );
          expect(openEnvelope({ recipientSecret: recipient.keypair, envelope: encoded, purpose: PURPOSE })).toEqual(
            plaintext,
          );
          expectEnvelopeError(
            () =>
              openEnvelope({
                recipientSecret: recipient.keypair,
                envelope: flipped(encoded, at % encoded.length, mask),
                purpose: PURPOSE,
              }),
            ["ENVELOPE_DECRYPT_FAILED", "ENVELOPE_MALFORMED"],
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fails for the wrong purpose, the wrong recipient or an unexpected sender", () => {
    const plaintext = utf8("secret");
    const envelope = sealEnvelope({
      recipientPublic: recipient.keypair.publicKey,
      purpose: PURPOSE,
      plaintext,
      senderSecret: sender.keypair,
    });
    expectEnvelopeError(() => openEnvelope({ recipientSecret: recipient.secret, envelope, purpose: "contract/query" }));
    expectEnvelopeError(() => openEnvelope({ recipientSecret: recipient.secret, envelope, purpose: `${PURPOSE} ` }));
    expectEnvelopeError(() => openEnvelope({ recipientSecret: x25519Ephemeral(), envelope, purpose: PURPOSE }));
    expectEnvelopeError(() => openEnvelope({ recipientSecret: sender.secret, envelope, purpose: PURPOSE }));
    expectEnvelopeError(
      () =>
        openEnvelope({
          recipientSecret: recipient.secret,
          envelope,
          purpose: PURPOSE,
          expectedSender: x25519Ephemeral().publicKey,
        }),
      ["ENVELOPE_SENDER_MISMATCH"],
    );
    // A different sender key with a valid envelope of its own is still rejected when another is expected.
    const other = sealEnvelope({ recipientPublic: recipient.keypair.publicKey, purpose: PURPOSE, plaintext });
    expectEnvelopeError(
      () =>
        openEnvelope({
          recipientSecret: recipient.secret,
          envelope: other,
          purpose: PURPOSE,
          expectedSender: sender.keypair.publicKey,
        }),
      ["ENVELOPE_SENDER_MISMATCH"],
    );
  });

  it("binds the raw sender and recipient key bytes, not just the shared secret", () => {
    // X25519 ignores bit 255 of a u-coordinate, so these keys give the same ECDH output.
    const plaintext = utf8("aliasing");
    const envelope = sealEnvelope({ recipientPublic: recipient.keypair.publicKey, purpose: PURPOSE, plaintext });
    const aliasSender = envelope.senderPublic.slice();
    aliasSender[31] = (aliasSender[31] as number) ^ 0x80;
    expect(recipient.keypair.sharedSecret(aliasSender)).toEqual(recipient.keypair.sharedSecret(envelope.senderPublic));
    expectEnvelopeError(() =>
      openEnvelope({
        recipientSecret: recipient.secret,
        envelope: { ...envelope, senderPublic: aliasSender },
        purpose: PURPOSE,
      }),
    );

    const aliasRecipient = recipient.keypair.publicKey.slice();
    aliasRecipient[31] = (aliasRecipient[31] as number) ^ 0x80;
    const sealedToAlias = sealEnvelope({ recipientPublic: aliasRecipient, purpose: PURPOSE, plaintext });
    expectEnvelopeError(() =>
      openEnvelope({ recipientSecret: recipient.secret, envelope: sealedToAlias, purpose: PURPOSE }),
    );
  });

  it("maps a low-order sender key to ENVELOPE_DECRYPT_FAILED", () => {
    const envelope = sealEnvelope({
      recipientPublic: recipient.keypair.publicKey,
      purpose: PURPOSE,
      plaintext: utf8("x"),
    });
    try {
      openEnvelope({
        recipientSecret: recipient.secret,
        envelope: { ...envelope, senderPublic: new Uint8Array(32) },
        purpose: PURPOSE,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvelopeError);
      expect((error as EnvelopeError).code).toBe("ENVELOPE_DECRYPT_FAILED");
      expect((error as EnvelopeError).cause).toBeInstanceOf(X25519Error);
    }
  });

  it("decodeEnvelope rejects truncated and over-long input with ScaleDecodeError", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        (plaintext, extra) => {
          const encoded = encodeEnvelope(
            sealEnvelope({ recipientPublic: recipient.keypair.publicKey, purpose: PURPOSE, plaintext }),
          );
          expectRejectsTruncatedAndOverlong(encoded, extra, decodeEnvelope);
          const longer = Uint8Array.of(...encoded, ...extra);
          expectEnvelopeError(
            () => openEnvelope({ recipientSecret: recipient.keypair, envelope: longer, purpose: PURPOSE }),
            ["ENVELOPE_MALFORMED"],
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it("rejects envelopes whose fields have the wrong shape with ENVELOPE_MALFORMED", () => {
    const good = sealEnvelope({ recipientPublic: recipient.keypair.publicKey, purpose: PURPOSE, plaintext: utf8("x") });
    const bad: Envelope[] = [
      { ...good, senderPublic: good.senderPublic.subarray(1) },
      { ...good, iv: new Uint8Array(16) },
      { ...good, ciphertext: good.ciphertext.subarray(0, 15) },
    ];
    for (const envelope of bad) {
      expect(() => encodeEnvelope(envelope)).toThrow(EnvelopeError);
      expectEnvelopeError(
        () => openEnvelope({ recipientSecret: recipient.secret, envelope, purpose: PURPOSE }),
        ["ENVELOPE_MALFORMED"],
      );
    }
    // Valid SCALE whose ciphertext cannot even hold the tag.
    const short = encodeEnvelope(good).subarray(0, 44);
    const withShortBody = new Uint8Array([...short, 15 << 2, ...new Uint8Array(15)]);
    expect(() => decodeEnvelope(withShortBody)).toThrow(EnvelopeError);
  });

  it("rejects bad arguments with typed errors", () => {
    const plaintext = utf8("x");
    const recipientPublic = recipient.keypair.publicKey;
    expect(() => sealEnvelope({ recipientPublic: recipientPublic.subarray(1), purpose: PURPOSE, plaintext })).toThrow(
      InvalidKeyError,
    );
    for (const purpose of ["", "x".repeat(256)]) {
      expect(() => sealEnvelope({ recipientPublic, purpose, plaintext })).toThrow(EnvelopeError);
    }
    expect(() => sealEnvelope({ recipientPublic, purpose: PURPOSE, plaintext, iv: new Uint8Array(16) })).toThrow(
      EnvelopeError,
    );
    expect(() => sealEnvelope({ recipientPublic: new Uint8Array(32), purpose: PURPOSE, plaintext })).toThrow(
      X25519Error,
    );
    const envelope = sealEnvelope({ recipientPublic, purpose: PURPOSE, plaintext });
    expect(() => openEnvelope({ recipientSecret: new Uint8Array(31), envelope, purpose: PURPOSE })).toThrow(
      InvalidKeyError,
    );
    expect(() =>
      openEnvelope({
        recipientSecret: recipient.secret,
        envelope,
        purpose: PURPOSE,
        expectedSender: new Uint8Array(31),
      }),
    ).toThrow(InvalidKeyError);
  });

  it("does not keep a reference to the caller's iv", () => {
    const iv = new Uint8Array(12).fill(1);
    const envelope = sealEnvelope({
      recipientPublic: recipient.keypair.publicKey,
      purpose: PURPOSE,
      plaintext: utf8("x"),
      senderSecret: x25519FromSecret(sender.secret),
      iv,
    });
    iv.fill(2);
    expect(openEnvelope({ recipientSecret: recipient.secret, envelope, purpose: PURPOSE })).toEqual(utf8("x"));
  });
});
