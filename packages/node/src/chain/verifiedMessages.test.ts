import { ed25519FromSeed, phalaTopic, signMessage, utf8, workerOrigin } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { VerifiedMessages } from "./verifiedMessages.js";

const worker = ed25519FromSeed(new Uint8Array(32).fill(7));
const other = ed25519FromSeed(new Uint8Array(32).fill(8));
const message = {
  sender: workerOrigin(worker.publicKey),
  destination: phalaTopic("system", "event"),
  payload: utf8("a"),
};

describe("VerifiedMessages", () => {
  it("remembers a valid signature only for the same key and the same signed content", () => {
    const verified = new VerifiedMessages();
    const signed = signMessage(worker, message, 4n);
    expect(verified.verify(signed, worker.publicKey)).toBe(true);
    expect(verified.verify(signed, worker.publicKey)).toBe(true);
    expect(verified.verify(signed, other.publicKey)).toBe(false);
    expect(verified.verify({ ...signed, sequence: 5n }, worker.publicKey)).toBe(false);
    expect(verified.verify({ ...signed, message: { ...message, payload: utf8("b") } }, worker.publicKey)).toBe(false);
    const signature = signed.signature.slice();
    signature[10] = signature[10]! ^ 1;
    expect(verified.verify({ ...signed, signature }, worker.publicKey)).toBe(false);
    // Changed in place after it verified: checked again.
    signed.message.payload[0] = 0x62;
    expect(verified.verify(signed, worker.publicKey)).toBe(false);
  });

  it("refuses keys that are not 32 bytes, and messages that do not encode, without throwing", () => {
    const verified = new VerifiedMessages();
    const signed = signMessage(worker, message, 1n);
    expect(verified.verify(signed, worker.publicKey)).toBe(true);
    expect(verified.verify(signed, worker.publicKey.subarray(0, 31))).toBe(false);
    expect(verified.verify({ ...signed, sequence: -1n }, worker.publicKey)).toBe(false);
    expect(verified.verify({ ...signed, signature: new Uint8Array(3) }, worker.publicKey)).toBe(false);
  });

  it("keeps at most `capacity` signatures, dropping the oldest, and never trusts a dropped one", () => {
    const verified = new VerifiedMessages(2);
    const signed = [1n, 2n, 3n].map((sequence) => signMessage(worker, message, sequence));
    for (const one of signed) expect(verified.verify(one, worker.publicKey)).toBe(true);
    expect(verified.size).toBe(2);
    for (const one of signed) expect(verified.verify(one, worker.publicKey)).toBe(true);
    expect(verified.size).toBe(2);
    // A remembered signature reused over other content is verified afresh, and refused.
    const reused = { ...signed[2]!, sequence: 9n };
    expect(verified.verify(reused, worker.publicKey)).toBe(false);
    expect(verified.verify(signed[2]!, worker.publicKey)).toBe(true);
  });
});
