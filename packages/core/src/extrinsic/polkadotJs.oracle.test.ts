import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { TypeRegistry } from "@polkadot/types";
import type { RuntimeVersion } from "@polkadot/types/interfaces";
import { blake2AsU8a, cryptoWaitReady, signatureVerify } from "@polkadot/util-crypto";
import { compact } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../bytes/index.js";
import { decodeMultiSignature, keypairFromUri } from "../keys/index.js";
import { decodeEra, type Era, encodeEra, eraBirth, eraDeath, IMMORTAL_ERA, mortalEra } from "./era.js";
import { decodeExtrinsic, type Extrinsic, encodeExtrinsic, extrinsicHash } from "./extrinsic.js";
import {
  arbitraryAdditional,
  arbitraryCall,
  arbitraryEra,
  arbitraryExtra,
  arbitraryMultiAddress,
  arbitraryU32,
  bytes32,
  thrown,
} from "./extrinsicArbitraries.test-util.js";
import { decodeMultiAddress, encodeMultiAddress } from "./multiAddress.js";
import { polkadotJsRegistry, REMARK_CALL_INDEX } from "./polkadotJsRegistry.test-util.js";
import type { AdditionalSigned, Extra } from "./signedExtensions.js";
import { signExtrinsic, signingPayload, verifyExtrinsicSignature } from "./signing.js";

let registry: TypeRegistry;
const pairs: Record<"ed25519" | "sr25519", KeyringPair[]> = { ed25519: [], sr25519: [] };

beforeAll(async () => {
  await cryptoWaitReady();
  registry = polkadotJsRegistry();
  for (const type of ["ed25519", "sr25519"] as const) {
    const keyring = new Keyring({ type });
    pairs[type] = ["//Alice", "//Bob"].map((uri) => keyring.addFromUri(uri));
  }
});

/** `Test.remark(bytes)`, the call the polkadot.js registry can decode. */
const remarkCall = (remark: Uint8Array): Uint8Array =>
  concatBytes(Uint8Array.from(REMARK_CALL_INDEX), compact.enc(remark.length), remark);

const arbitraryRemark = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 150, maxLength: 400 }));

/** polkadot.js' `ExtrinsicPayload` (v4) for the same fields. */
function theirPayload(call: Uint8Array, extra: Extra, additional: AdditionalSigned) {
  return registry.createType(
    "ExtrinsicPayload",
    {
      method: toHex(call),
      era: toHex(encodeEra(extra.era)),
      nonce: extra.nonce,
      tip: extra.tip,
      specVersion: additional.specVersion,
      transactionVersion: additional.transactionVersion,
      genesisHash: toHex(additional.genesisHash),
      blockHash: toHex(additional.birthHash),
    },
    { version: 4 },
  );
}

describe("Era against polkadot.js' ExtrinsicEra", () => {
  it("encodes mortalEra(period, current) to the same bytes", () => {
    const pairsToCheck: [number, number][] = [
      [64, 42],
      [32768, 20000],
      [200, 513],
      [2, 1],
      [4, 5],
      [1000000, 1000001],
      [0, 0],
      [65536, 2 ** 32 - 1],
      [4097, 123456],
    ];
    const check = (period: number, current: number) => {
      const theirs = registry.createType("ExtrinsicEra", { period, current });
      expect(toHex(encodeEra(mortalEra(period, current)))).toBe(theirs.toHex());
    };
    for (const [period, current] of pairsToCheck) check(period, current);
    fc.assert(fc.property(fc.nat({ max: 300_000 }), fc.nat({ max: 2 ** 32 - 1 }), check), { numRuns: 3000 });
    expect(toHex(encodeEra(IMMORTAL_ERA))).toBe(registry.createType("ExtrinsicEra").toHex());
  });

  it("decodes every 2-byte input the same way, or rejects it as polkadot.js does", () => {
    for (let first = 1; first < 256; first++) {
      for (let second = 0; second < 256; second++) {
        const bytes = Uint8Array.of(first, second);
        let theirs: { period: number; phase: number } | undefined;
        try {
          const mortal = registry.createType("ExtrinsicEra", bytes).asMortalEra;
          theirs = { period: mortal.period.toNumber(), phase: mortal.phase.toNumber() };
        } catch {
          theirs = undefined;
        }
        if (theirs === undefined) {
          expect(thrown(() => decodeEra(bytes))).toBeDefined();
        } else {
          expect(decodeEra(bytes)).toEqual({ type: "Mortal", ...theirs });
        }
      }
    }
  });

  it("computes the same birth and death", () => {
    fc.assert(
      fc.property(arbitraryEra, fc.nat({ max: 2 ** 32 - 1 }), (era, current) => {
        if (era.type !== "Mortal") return;
        const theirs = registry.createType("ExtrinsicEra", encodeEra(era)).asMortalEra;
        expect(eraBirth(era, current)).toBe(theirs.birth(current));
        expect(eraDeath(era, current)).toBe(theirs.death(current));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("MultiAddress against polkadot.js", () => {
  it("encodes and decodes every kind the same way", () => {
    fc.assert(
      fc.property(arbitraryMultiAddress, (address) => {
        const value = address.type === "Index" ? address.value : toHex(address.value);
        const theirs = registry.createType("MultiAddress", { [address.type]: value });
        expect(toHex(encodeMultiAddress(address))).toBe(theirs.toHex());
        expect(decodeMultiAddress(theirs.toU8a())).toEqual(address);
      }),
    );
  });
});

describe("signing payload against polkadot.js' ExtrinsicPayload", () => {
  it("has the same bytes, hashed by the same rule", () => {
    fc.assert(
      fc.property(arbitraryCall, arbitraryExtra, arbitraryAdditional, (call, extra, additional) => {
        const theirs = theirPayload(call, extra, additional).toU8a({ method: true });
        const expected = theirs.length > 256 ? blake2AsU8a(theirs) : theirs;
        expect(toHex(signingPayload(call, extra, additional))).toBe(toHex(expected));
      }),
      { numRuns: 500 },
    );
  });

  it("signed by a polkadot.js keyring pair, verifies with ours", () => {
    for (const type of ["ed25519", "sr25519"] as const) {
      const [pair] = pairs[type];
      fc.assert(
        fc.property(arbitraryCall, arbitraryExtra, arbitraryAdditional, (call, extra, additional) => {
          const { signature } = theirPayload(call, extra, additional).sign(pair!);
          const extrinsic: Extrinsic = {
            signed: { signer: pair!.publicKey, signature: decodeMultiSignature(fromHex(signature)), extra },
            call,
          };
          expect(verifyExtrinsicSignature(extrinsic, additional)).toBe(true);
          const otherSpec = additional.specVersion === 0 ? 1 : additional.specVersion - 1;
          expect(verifyExtrinsicSignature(extrinsic, { ...additional, specVersion: otherSpec })).toBe(false);
        }),
        { numRuns: type === "ed25519" ? 100 : 25 },
      );
    }
  });
});

describe("whole extrinsics against polkadot.js' Extrinsic", () => {
  const arbitraryFields = fc.record({
    remark: arbitraryRemark,
    era: arbitraryEra,
    nonce: arbitraryU32,
    tip: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
    specVersion: arbitraryU32,
    transactionVersion: arbitraryU32,
    genesisHash: bytes32,
    birthHash: bytes32,
    signer: fc.nat({ max: 1 }),
  });

  it("signed by polkadot.js, decode and verify with ours and re-encode to the same bytes", () => {
    for (const type of ["ed25519", "sr25519"] as const) {
      fc.assert(
        fc.property(arbitraryFields, (f) => {
          const pair = pairs[type][f.signer]!;
          const call = remarkCall(f.remark);
          const theirs = registry.createType("Extrinsic", registry.createType("Call", call));
          theirs.sign(pair, {
            blockHash: toHex(f.birthHash),
            genesisHash: toHex(f.genesisHash),
            era: registry.createType("ExtrinsicEra", encodeEra(f.era)),
            nonce: f.nonce,
            tip: f.tip,
            runtimeVersion: registry.createType<RuntimeVersion>("RuntimeVersion", {
              specVersion: f.specVersion,
              transactionVersion: f.transactionVersion,
            }),
          });
          const bytes = theirs.toU8a();
          const ours = decodeExtrinsic(bytes);
          const additional: AdditionalSigned = f;
          expect(ours.call).toEqual(call);
          expect(ours.signed?.signer).toEqual(pair.publicKey);
          expect(ours.signed?.signature.type).toBe(type === "ed25519" ? "Ed25519" : "Sr25519");
          expect(ours.signed?.extra).toEqual({ era: f.era, nonce: f.nonce, tip: f.tip });
          expect(encodeExtrinsic(ours)).toEqual(bytes);
          expect(toHex(extrinsicHash(bytes))).toBe(theirs.hash.toHex());
          expect(verifyExtrinsicSignature(ours, additional)).toBe(true);
          expect(verifyExtrinsicSignature(ours, { ...additional, birthHash: f.genesisHash })).toBe(
            toHex(f.birthHash) === toHex(f.genesisHash),
          );
        }),
        { numRuns: type === "ed25519" ? 60 : 20 },
      );
    }
  });

  it("unsigned from polkadot.js decode with ours", () => {
    fc.assert(
      fc.property(arbitraryRemark, (remark) => {
        const call = remarkCall(remark);
        const bytes = registry.createType("Extrinsic", registry.createType("Call", call)).toU8a();
        expect(decodeExtrinsic(bytes)).toEqual({ call });
        expect(encodeExtrinsic({ call })).toEqual(bytes);
      }),
    );
  });

  it("signed by ours, decode with polkadot.js and verify with its signatureVerify", () => {
    const keypairs = {
      ed25519: keypairFromUri("//Alice", "ed25519"),
      sr25519: keypairFromUri("//Alice", "sr25519"),
    } as const;
    // Same dev keys on both sides, so the signer must be the keyring's //Alice too.
    expect(keypairs.ed25519.accountId).toEqual(pairs.ed25519[0]!.publicKey);
    expect(keypairs.sr25519.accountId).toEqual(pairs.sr25519[0]!.publicKey);
    for (const type of ["ed25519", "sr25519"] as const) {
      fc.assert(
        fc.property(arbitraryFields, (f) => {
          const call = remarkCall(f.remark);
          const extra: Extra = { era: f.era, nonce: f.nonce, tip: f.tip };
          const bytes = signExtrinsic(keypairs[type], call, extra, f);
          const theirs = registry.createType("Extrinsic", bytes);
          expect(theirs.isSigned).toBe(true);
          expect(theirs.version).toBe(0x84);
          expect(theirs.signer.toHex()).toBe(toHex(Uint8Array.of(0, ...keypairs[type].accountId)));
          expect(theirs.era.toHex()).toBe(toHex(encodeEra(f.era)));
          expect(theirs.nonce.toBigInt()).toBe(BigInt(f.nonce));
          expect(theirs.tip.toBigInt()).toBe(f.tip);
          expect(theirs.method.toHex()).toBe(toHex(call));
          expect(theirs.toHex()).toBe(toHex(bytes));
          const signature = theirs.signature.toU8a();
          const payload = theirPayload(call, extra, f).toU8a({ method: true });
          const message = payload.length > 256 ? blake2AsU8a(payload) : payload;
          const verified = signatureVerify(message, signature, keypairs[type].accountId);
          expect(verified.isValid).toBe(true);
          expect(verified.crypto).toBe(type);
        }),
        { numRuns: type === "ed25519" ? 60 : 20 },
      );
    }
  });
});

it("mortalEra(64, 1000) is 0x8502, as polkadot.js encodes it", () => {
  const era: Era = mortalEra(64, 1000);
  expect(toHex(encodeEra(era))).toBe("0x8502");
  expect(decodeEra(fromHex("0x8502"))).toEqual(era);
});
