import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, utf8 } from "../bytes/bytes.js";
import { ed25519FromSeed, ed25519Generate } from "../keys/ed25519.js";
import { ScaleDecodeError } from "../scale/decodeExact.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import { encodeMessage, type Message } from "./message.js";
import { contractOrigin, gatekeeperOrigin, workerOrigin } from "./messageOrigin.js";
import { arbitraryMessage, arbitrarySequence, normalizeOrigin } from "./mqArbitraries.test-util.js";
import { MqError } from "./mqError.js";
import {
  decodeSignedMessage,
  encodeSignedMessage,
  MQ_SIGNING_DOMAIN,
  messageSigningPayload,
  type SignedMessage,
  sequenceCodec,
  signMessage,
  verifySignedMessage,
} from "./signedMessage.js";
import { phalaTopic } from "./topic.js";

const worker = ed25519FromSeed(new Uint8Array(32).fill(7));
const message: Message = {
  sender: workerOrigin(worker.publicKey),
  destination: phalaTopic("system", "event"),
  payload: utf8("heartbeat"),
};

const normalize = (signed: SignedMessage): SignedMessage => ({
  ...signed,
  message: { ...signed.message, sender: normalizeOrigin(signed.message.sender) },
});

function flipped(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] as number) ^ mask;
  return copy;
}

describe("SignedMessage", () => {
  it("signs domain tag ++ SCALE(message) ++ SCALE(u64 sequence)", () => {
    const payload = messageSigningPayload(message, 258n);
    const domain = utf8(MQ_SIGNING_DOMAIN);
    expect(payload).toEqual(
      concatBytes(
        Uint8Array.of(domain.length << 2),
        domain,
        encodeMessage(message),
        Uint8Array.of(2, 1, 0, 0, 0, 0, 0, 0),
      ),
    );
    const signed = signMessage(worker, message, 258n);
    expect(signed.signature).toHaveLength(64);
    expect(verifySignedMessage(signed, worker.publicKey)).toBe(true);
  });

  it("round-trips and verifies arbitrary messages and sequences", () => {
    const { keypair } = ed25519Generate();
    fc.assert(
      fc.property(arbitraryMessage, arbitrarySequence, (m, sequence) => {
        const signed = signMessage(keypair, m, sequence);
        const decoded = decodeSignedMessage(encodeSignedMessage(signed));
        expect(normalize(decoded)).toEqual(normalize(signed));
        expect(verifySignedMessage(decoded, keypair.publicKey)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("does not verify under another domain, another sequence, another key or another message", () => {
    const signed = signMessage(worker, message, 5n);
    const rawPhalaStyle = concatBytes(encodeMessage(message), sequenceCodec.enc(5n));
    const otherDomain = concatBytes(Uint8Array.of(26 << 2), utf8("phala/mq/signed-message/v2"), rawPhalaStyle);
    expect(verifySignedMessage({ ...signed, signature: worker.sign(rawPhalaStyle) }, worker.publicKey)).toBe(false);
    expect(verifySignedMessage({ ...signed, signature: worker.sign(otherDomain) }, worker.publicKey)).toBe(false);
    expect(verifySignedMessage({ ...signed, sequence: 6n }, worker.publicKey)).toBe(false);
    expect(verifySignedMessage({ ...signed, sequence: 4n }, worker.publicKey)).toBe(false);
    expect(verifySignedMessage(signed, ed25519Generate().keypair.publicKey)).toBe(false);
    expect(
      verifySignedMessage({ ...signed, message: { ...message, sender: gatekeeperOrigin() } }, worker.publicKey),
    ).toBe(false);
    expect(
      verifySignedMessage(
        { ...signed, message: { ...message, destination: phalaTopic("system", "events") } },
        worker.publicKey,
      ),
    ).toBe(false);
    expect(
      verifySignedMessage({ ...signed, message: { ...message, payload: utf8("heartbeaT") } }, worker.publicKey),
    ).toBe(false);
  });

  it("fails verification (or decoding) when any single bit of the encoding is flipped", () => {
    const encoded = encodeSignedMessage(signMessage(worker, message, 1n));
    for (let index = 0; index < encoded.length; index++) {
      for (let bit = 0; bit < 8; bit++) {
        let decoded: SignedMessage;
        try {
          decoded = decodeSignedMessage(flipped(encoded, index, 1 << bit));
        } catch (error) {
          expect(error).toBeInstanceOf(ScaleDecodeError);
          continue;
        }
        expect(verifySignedMessage(decoded, worker.publicKey)).toBe(false);
      }
    }
  });

  it("fails verification for random corruption of random signed messages", () => {
    const { keypair } = ed25519Generate();
    fc.assert(
      fc.property(
        arbitraryMessage,
        arbitrarySequence,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (m, seq, at, mask) => {
          const encoded = encodeSignedMessage(signMessage(keypair, m, seq));
          let decoded: SignedMessage;
          try {
            decoded = decodeSignedMessage(flipped(encoded, at % encoded.length, mask));
          } catch (error) {
            expect(error).toBeInstanceOf(ScaleDecodeError);
            return;
          }
          expect(verifySignedMessage(decoded, keypair.publicKey)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("decoders reject truncated, over-long and unknown-variant input with ScaleDecodeError", () => {
    const { keypair } = ed25519Generate();
    fc.assert(
      fc.property(
        arbitraryMessage,
        arbitrarySequence,
        fc.uint8Array({ minLength: 1, maxLength: 4 }),
        (m, seq, extra) => {
          const encoded = encodeSignedMessage(signMessage(keypair, m, seq));
          expectRejectsTruncatedAndOverlong(encoded, extra, decodeSignedMessage);
          const unknown = encoded.slice();
          unknown[0] = 7;
          expect(() => decodeSignedMessage(unknown)).toThrow(ScaleDecodeError);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("refuses out-of-range sequences, wrong-length signatures and invalid topics with MqError", () => {
    for (const sequence of [-1n, 1n << 64n]) {
      expect(() => signMessage(worker, message, sequence)).toThrow(MqError);
      expect(() => messageSigningPayload(message, sequence)).toThrow(MqError);
    }
    expect(() => signMessage(worker, message, 1 as unknown as bigint)).toThrow(MqError);
    const signed = signMessage(worker, message, (1n << 64n) - 1n);
    expect(verifySignedMessage(signed, worker.publicKey)).toBe(true);
    expect(verifySignedMessage({ ...signed, sequence: -1n }, worker.publicKey)).toBe(false);
    expect(() => encodeSignedMessage({ ...signed, signature: signed.signature.subarray(1) })).toThrow(MqError);
    expect(verifySignedMessage({ ...signed, signature: signed.signature.subarray(1) }, worker.publicKey)).toBe(false);
    expect(() => signMessage(worker, { ...message, destination: new Uint8Array(0) }, 0n)).toThrow(MqError);
    const badOrigin = { ...message, sender: { type: "Contract", value: new Uint8Array(8) } } as Message;
    expect(() => signMessage(worker, badOrigin, 0n)).toThrow(MqError);
    expect(verifySignedMessage({ ...signed, message: badOrigin }, worker.publicKey)).toBe(false);
    expect(contractOrigin(new Uint8Array(32)).type).toBe("Contract");
  });
});
