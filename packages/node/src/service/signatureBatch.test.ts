import type { SignatureCheck } from "@phala-ts/core";
import { devAccounts, type MultiSignature, multiSign } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { packChecks, unpackChecks } from "./signatureBatch.js";

const checkBy = (scheme: "sr25519" | "ed25519" | "ecdsa", message: Uint8Array): SignatureCheck => {
  const keypair = devAccounts(scheme).Alice;
  return { signature: multiSign(keypair, message), message, signer: keypair.accountId };
};

describe("packChecks", () => {
  it("packs every scheme into one buffer that unpacks to the same checks", () => {
    // Views into a larger buffer: only their own bytes are packed.
    const backing = new Uint8Array(4096).fill(9);
    const checks = [
      checkBy("sr25519", backing.subarray(10, 300)),
      checkBy("ed25519", new Uint8Array(0)),
      checkBy("ecdsa", backing.subarray(0, 32)),
    ];
    const { packed, indices } = packChecks(checks);
    expect([...indices]).toEqual([0, 1, 2]);
    expect(packed.length).toBe(3 * (1 + 32 + 4) + 64 + 64 + 65 + 290 + 0 + 32);
    const unpacked = unpackChecks(packed);
    expect(unpacked).toHaveLength(3);
    for (const [i, check] of unpacked.entries()) {
      expect(check.signature.type).toBe(checks[i]!.signature.type);
      expect([...check.signature.value]).toEqual([...checks[i]!.signature.value]);
      expect([...check.message]).toEqual([...checks[i]!.message]);
      expect([...check.signer]).toEqual([...checks[i]!.signer]);
    }
  });

  it("leaves out checks that cannot be valid, and says which were packed", () => {
    const good = checkBy("ed25519", Uint8Array.of(1, 2, 3));
    const checks: SignatureCheck[] = [
      { ...good, signature: { type: "Sr25519", value: new Uint8Array(63) } },
      good,
      { ...good, signer: new Uint8Array(33) },
      { ...good, signature: { type: "Bls", value: new Uint8Array(64) } as unknown as MultiSignature },
      { ...good, message: "text" as unknown as Uint8Array },
    ];
    const { packed, indices } = packChecks(checks);
    expect([...indices]).toEqual([1]);
    expect(unpackChecks(packed)).toHaveLength(1);
  });
});
