import { describe, expect, it } from "vitest";
import { ed25519FromSeed, ed25519Generate, ed25519SignAsync, ed25519Verify, ed25519VerifyAsync } from "./ed25519.js";
import { ed25519Keypair } from "./keypair.js";

const message = new TextEncoder().encode("a query's signing payload");

describe("Ed25519 on libuv's thread pool", () => {
  it("signs exactly what sign() signs (Ed25519 is deterministic)", async () => {
    const keypair = ed25519FromSeed(new Uint8Array(32).fill(9));
    expect(await ed25519SignAsync(keypair, message)).toEqual(keypair.sign(message));
  });

  it("signs with a keypair of another implementation through its own sign()", async () => {
    const wrapped = ed25519Keypair(new Uint8Array(32).fill(9));
    const asKeypair = { type: "ed25519" as const, publicKey: wrapped.publicKey, sign: wrapped.sign };
    expect(await ed25519SignAsync(asKeypair, message)).toEqual(
      ed25519FromSeed(new Uint8Array(32).fill(9)).sign(message),
    );
  });

  it("verifies as ed25519Verify does: a good signature, and false for any change or malformed input", async () => {
    const { keypair } = ed25519Generate();
    const other = ed25519Generate().keypair;
    const signature = keypair.sign(message);
    const flipped = signature.map((b, i) => (i === 5 ? b ^ 1 : b));
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
      [signature, message, keypair.publicKey],
      [flipped, message, keypair.publicKey],
      [signature, Uint8Array.of(...message, 0), keypair.publicKey],
      [signature, message, other.publicKey],
      [signature.subarray(0, 63), message, keypair.publicKey],
      [signature, message, keypair.publicKey.subarray(0, 31)],
      [signature, message, new Uint8Array(32).fill(0xff)],
    ];
    for (const [sig, msg, key] of cases) {
      expect(await ed25519VerifyAsync(sig, msg, key)).toBe(ed25519Verify(sig, msg, key));
    }
    expect(await ed25519VerifyAsync(signature, message, keypair.publicKey)).toBe(true);
    expect(await ed25519VerifyAsync(flipped, message, keypair.publicKey)).toBe(false);
  });
});
