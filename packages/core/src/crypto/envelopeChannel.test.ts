import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8 } from "../bytes/bytes.js";
import { errorCodeOf } from "../testing/errorCode.test-util.js";
import { decodeEnvelope, encodeEnvelope, openEnvelope, sealEnvelope } from "./envelope.js";
import { EnvelopeChannel } from "./envelopeChannel.js";
import { x25519Ephemeral } from "./x25519.js";

const client = x25519Ephemeral();
const worker = x25519Ephemeral();
const REQUEST = "phala/test/request";
const RESPONSE = "phala/test/response";

describe("EnvelopeChannel", () => {
  it("is the one-shot envelope between two fixed keys, in both directions", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (plaintext) => {
        const ours = new EnvelopeChannel(client, worker.publicKey);
        const theirs = new EnvelopeChannel(worker, client.publicKey);
        const sealed = ours.seal(REQUEST, plaintext);
        expect(sealed.senderPublic).toEqual(client.publicKey);
        expect(theirs.open(REQUEST, sealed)).toEqual(plaintext);
        expect(openEnvelope({ recipientSecret: worker, envelope: sealed, purpose: REQUEST })).toEqual(plaintext);
        const answer = sealEnvelope({
          recipientPublic: client.publicKey,
          purpose: RESPONSE,
          plaintext,
          senderSecret: worker,
        });
        expect(ours.open(RESPONSE, encodeEnvelope(answer))).toEqual(plaintext);
        expect(ours.open(RESPONSE, theirs.seal(RESPONSE, plaintext))).toEqual(plaintext);
      }),
      { numRuns: 50 },
    );
  });

  it("gives the same bytes as sealEnvelope for the same iv", () => {
    const iv = new Uint8Array(12).fill(7);
    const plaintext = utf8("the same");
    const channel = new EnvelopeChannel(client, worker.publicKey);
    expect(encodeEnvelope(channel.seal(REQUEST, plaintext, iv))).toEqual(
      encodeEnvelope(
        sealEnvelope({ recipientPublic: worker.publicKey, purpose: REQUEST, plaintext, senderSecret: client, iv }),
      ),
    );
  });

  it("keeps purposes and directions apart", () => {
    const ours = new EnvelopeChannel(client, worker.publicKey);
    const theirs = new EnvelopeChannel(worker, client.publicKey);
    const sealed = ours.seal(REQUEST, utf8("x"));
    expect(errorCodeOf(() => theirs.open(RESPONSE, sealed))).toBe("ENVELOPE_DECRYPT_FAILED");
    // Our own envelope, handed back to us, is not from the peer.
    expect(errorCodeOf(() => ours.open(REQUEST, sealed))).toBe("ENVELOPE_SENDER_MISMATCH");
  });

  it("refuses another sender, an altered envelope and a malformed one", () => {
    const theirs = new EnvelopeChannel(worker, client.publicKey);
    const stranger = sealEnvelope({ recipientPublic: worker.publicKey, purpose: REQUEST, plaintext: utf8("x") });
    expect(errorCodeOf(() => theirs.open(REQUEST, stranger))).toBe("ENVELOPE_SENDER_MISMATCH");
    const sealed = encodeEnvelope(new EnvelopeChannel(client, worker.publicKey).seal(REQUEST, utf8("hello")));
    for (const index of [33, 40, sealed.length - 1]) {
      const altered = sealed.slice();
      altered[index] = (altered[index] as number) ^ 1;
      expect(errorCodeOf(() => theirs.open(REQUEST, altered))).toBe("ENVELOPE_DECRYPT_FAILED");
    }
    expect(errorCodeOf(() => theirs.open(REQUEST, sealed.subarray(0, 20)))).toBe("ENVELOPE_MALFORMED");
    expect(decodeEnvelope(sealed).senderPublic).toEqual(client.publicKey);
  });

  it("refuses a low-order peer key when it is made", () => {
    expect(errorCodeOf(() => new EnvelopeChannel(client, new Uint8Array(32)))).toBe("ENVELOPE_DECRYPT_FAILED");
  });
});
