import { ristretto255 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fromHex, toHex, utf8 } from "../bytes/bytes.js";
import { InvalidKeyError } from "./ed25519.js";
import { InvalidKeyMaterialError } from "./keyErrors.js";
import {
  type Sr25519Backend,
  type Sr25519Keypair,
  sr25519Backend,
  sr25519DerivePublicSoft,
  sr25519FromSeed,
  sr25519Ready,
  sr25519Verify,
  withSr25519Backend,
} from "./sr25519.js";
import { Sr25519Wasm } from "./sr25519Wasm.js";

// sp_core sr25519 `sr_test_vector_should_work`: proves the Ed25519 expansion mode of the mini-secret.
const SP_CORE_MINI_SECRET = fromHex("0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const SP_CORE_PUBLIC_KEY = "0x44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f";
// `subkey inspect` of the dev phrase: "Secret seed" and "Public key (hex)".
const DEV_SEED = fromHex("0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e");
const DEV_PUBLIC_KEY = "0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a";
// The junction "Alice" as a chain code (SCALE string, zero-padded): `//Alice` and sp_core's soft `/Alice`.
const ALICE_CHAIN_CODE = fromHex(`0x14416c696365${"00".repeat(26)}`);
const HARD_ALICE_PUBLIC_KEY = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
const SOFT_ALICE_PUBLIC_KEY = "0xd6c71059dbbe9ad2b0ed3f289738b800836eb425544ce694825285b958ca755e";

const BACKENDS: readonly Sr25519Backend[] = ["scure", "wasm"];
const on = <T>(backend: Sr25519Backend, fn: () => T): T => withSr25519Backend(backend, fn);
const other = (backend: Sr25519Backend): Sr25519Backend => (backend === "wasm" ? "scure" : "wasm");

const flip = (bytes: Uint8Array, index: number, mask: number): Uint8Array => {
  const out = bytes.slice();
  out[index % out.length]! ^= mask;
  return out;
};

const le32 = (value: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0, v = value; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
};
const fromLe = (bytes: Uint8Array): bigint => bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
const ORDER = ristretto255.Point.Fn.ORDER;

/** Public keys that are not ristretto points: all 0xff, the field prime p (≥ p), a negative s (odd). */
const NON_POINTS = [
  new Uint8Array(32).fill(0xff),
  fromHex(`0xed${"ff".repeat(30)}7f`),
  fromHex(`0x01${"00".repeat(31)}`),
];

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const messageArb = fc.uint8Array({ maxLength: 300 });

// Recorded on import, before any test asks for WebAssembly.
const backendBeforeReady = sr25519Backend();

beforeAll(async () => {
  await sr25519Ready();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("sr25519Ready", () => {
  it("switches from @scure/sr25519 to WebAssembly, once", async () => {
    expect(backendBeforeReady).toBe("scure");
    expect(sr25519Backend()).toBe("wasm");
    expect(sr25519Ready()).toBe(sr25519Ready());
    await Promise.all([sr25519Ready(), sr25519Ready()]);
    expect(sr25519Backend()).toBe("wasm");
    expect(on("scure", sr25519Backend)).toBe("scure");
    expect(on("wasm", () => on("scure", sr25519Backend))).toBe("scure");
    expect(sr25519Backend()).toBe("wasm");
  });

  it("runs every operation in WebAssembly after ready, none with the scure backend", () => {
    const methods = [
      "keypairFromSeed",
      "sign",
      "verify",
      "deriveKeypairHard",
      "deriveKeypairSoft",
      "derivePublicSoft",
    ] as const;
    const spies = methods.map((method) => vi.spyOn(Sr25519Wasm.prototype, method));
    const exercise = () => {
      const keypair = sr25519FromSeed(SP_CORE_MINI_SECRET);
      const signature = keypair.sign(utf8("m"));
      expect(sr25519Verify(signature, utf8("m"), keypair.publicKey)).toBe(true);
      keypair.deriveHard(ALICE_CHAIN_CODE);
      keypair.deriveSoft(ALICE_CHAIN_CODE);
      sr25519DerivePublicSoft(keypair.publicKey, ALICE_CHAIN_CODE);
    };
    on("scure", exercise);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    exercise();
    for (const spy of spies) expect(spy).toHaveBeenCalledOnce();
  });

  it("recovers after schnorrkel panics on a non-point", () => {
    // Each panic strands a stack frame; an instance kept after about 700 of them faults.
    const keypair = sr25519FromSeed(DEV_SEED);
    for (let i = 0; i < 1_000; i++) {
      expect(() => sr25519DerivePublicSoft(NON_POINTS[i % NON_POINTS.length]!, ALICE_CHAIN_CODE)).toThrow(
        InvalidKeyMaterialError,
      );
    }
    const signature = keypair.sign(utf8("after"));
    expect(sr25519Verify(signature, utf8("after"), keypair.publicKey)).toBe(true);
    expect(toHex(sr25519DerivePublicSoft(keypair.publicKey, ALICE_CHAIN_CODE))).toBe(SOFT_ALICE_PUBLIC_KEY);
  });
});

describe.each(BACKENDS)("sr25519 on %s", (backend) => {
  let keypair: Sr25519Keypair;
  beforeAll(() => {
    keypair = on(backend, () => sr25519FromSeed(SP_CORE_MINI_SECRET));
  });

  it("expands a mini-secret and derives as Substrate does", () => {
    on(backend, () => {
      expect(toHex(keypair.publicKey)).toBe(SP_CORE_PUBLIC_KEY);
      const dev = sr25519FromSeed(DEV_SEED);
      expect(toHex(dev.publicKey)).toBe(DEV_PUBLIC_KEY);
      expect(toHex(dev.deriveHard(ALICE_CHAIN_CODE).publicKey)).toBe(HARD_ALICE_PUBLIC_KEY);
      expect(toHex(dev.deriveSoft(ALICE_CHAIN_CODE).publicKey)).toBe(SOFT_ALICE_PUBLIC_KEY);
      expect(toHex(sr25519DerivePublicSoft(dev.publicKey, ALICE_CHAIN_CODE))).toBe(SOFT_ALICE_PUBLIC_KEY);
      expect(keypair.accountId).toEqual(keypair.publicKey);
      expect(keypair.type).toBe("sr25519");
    });
  });

  it("signs with the schnorrkel marker, randomized, and verifies", () => {
    on(backend, () => {
      const message = utf8("hello phala");
      const signature = keypair.sign(message);
      expect(signature.length).toBe(64);
      expect(signature[63]! & 0x80).toBe(0x80);
      expect(keypair.sign(message)).not.toEqual(signature);
      expect(sr25519Verify(signature, message, keypair.publicKey)).toBe(true);
      expect(sr25519Verify(signature, utf8("hello phalb"), keypair.publicKey)).toBe(false);
      const empty = new Uint8Array(0);
      expect(sr25519Verify(keypair.sign(empty), empty, keypair.publicKey)).toBe(true);
    });
  });

  it("rejects any flipped byte of signature, message or key", () => {
    const message = utf8("a message of some length");
    const signature = on(backend, () => keypair.sign(message));
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        on(backend, () => {
          expect(sr25519Verify(flip(signature, index, mask), message, keypair.publicKey)).toBe(false);
          expect(sr25519Verify(signature, flip(message, index, mask), keypair.publicKey)).toBe(false);
          expect(sr25519Verify(signature, message, flip(keypair.publicKey, index, mask))).toBe(false);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("returns false, never throws, on malformed input", () => {
    on(backend, () => {
      const message = utf8("m");
      const signature = keypair.sign(message);
      const unmarked = signature.slice();
      unmarked[63]! &= 0x7f;
      expect(sr25519Verify(unmarked, message, keypair.publicKey)).toBe(false);
      expect(sr25519Verify(signature.subarray(0, 63), message, keypair.publicKey)).toBe(false);
      for (const key of NON_POINTS) expect(sr25519Verify(signature, message, key)).toBe(false);
      expect(sr25519Verify(signature, message, new Uint8Array(32))).toBe(false);
      expect(sr25519Verify("nope" as unknown as Uint8Array, message, keypair.publicKey)).toBe(false);
      expect(sr25519Verify(signature, null as unknown as Uint8Array, keypair.publicKey)).toBe(false);
      const badR = signature.slice();
      badR.fill(0xff, 0, 32);
      expect(sr25519Verify(badR, message, keypair.publicKey)).toBe(false);
    });
  });

  it("rejects a scalar that is not reduced (s + ℓ)", () => {
    const message = utf8("malleable?");
    let tested = 0;
    while (tested < 5) {
      const signature = on(backend, () => keypair.sign(message));
      const s = fromLe(signature.subarray(32)) & ((1n << 255n) - 1n);
      if (s + ORDER >= 1n << 255n) continue;
      const malleated = signature.slice();
      malleated.set(le32(s + ORDER), 32);
      malleated[63]! |= 0x80;
      for (const path of BACKENDS) {
        expect(on(path, () => sr25519Verify(signature, message, keypair.publicKey))).toBe(true);
        expect(on(path, () => sr25519Verify(malleated, message, keypair.publicKey))).toBe(false);
      }
      tested++;
    }
  });

  it("soft derivation of the secret matches soft derivation of the public key", () => {
    fc.assert(
      fc.property(seedArb, (chainCode) => {
        on(backend, () => {
          const child = keypair.deriveSoft(chainCode);
          expect(child.publicKey).toEqual(sr25519DerivePublicSoft(keypair.publicKey, chainCode));
          const signature = child.sign(chainCode);
          expect(sr25519Verify(signature, chainCode, child.publicKey)).toBe(true);
          expect(sr25519Verify(signature, chainCode, keypair.publicKey)).toBe(false);
        });
      }),
      { numRuns: 10 },
    );
  });

  it("hard derivation is deterministic and depends on the chain code", () => {
    on(backend, () => {
      const a = new Uint8Array(32);
      const b = Uint8Array.from(a).fill(1, 0, 1);
      expect(keypair.deriveHard(a).publicKey).toEqual(sr25519FromSeed(SP_CORE_MINI_SECRET).deriveHard(a).publicKey);
      expect(keypair.deriveHard(a).publicKey).not.toEqual(keypair.deriveHard(b).publicKey);
      expect(keypair.deriveHard(a).publicKey).not.toEqual(keypair.deriveSoft(a).publicKey);
    });
  });

  it("rejects wrong lengths and non-points with typed errors", () => {
    on(backend, () => {
      expect(() => sr25519FromSeed(new Uint8Array(31))).toThrow(InvalidKeyError);
      expect(() => keypair.deriveHard(new Uint8Array(31))).toThrow(InvalidKeyError);
      expect(() => keypair.deriveSoft(new Uint8Array(33))).toThrow(InvalidKeyError);
      expect(() => sr25519DerivePublicSoft(new Uint8Array(31), new Uint8Array(32))).toThrow(InvalidKeyError);
      for (const key of NON_POINTS) {
        expect(() => sr25519DerivePublicSoft(key, new Uint8Array(32))).toThrow(InvalidKeyMaterialError);
      }
    });
  });
});

describe("sr25519: WebAssembly and @scure/sr25519 agree", () => {
  it("on public keys from seeds and on hard, soft and public soft derivation", () => {
    fc.assert(
      fc.property(seedArb, seedArb, (seed, chainCode) => {
        const [scure, wasm] = BACKENDS.map((backend) =>
          on(backend, () => {
            const keypair = sr25519FromSeed(seed);
            return [
              keypair.publicKey,
              keypair.deriveHard(chainCode).publicKey,
              keypair.deriveSoft(chainCode).publicKey,
              sr25519DerivePublicSoft(keypair.publicKey, chainCode),
              keypair.deriveHard(chainCode).deriveSoft(seed).deriveHard(seed).publicKey,
            ].map(toHex);
          }),
        );
        expect(wasm).toEqual(scure);
      }),
      { numRuns: 25 },
    );
  });

  it("each verifies the other's signatures, and a keypair made on one signs and derives on the other", () => {
    fc.assert(
      fc.property(seedArb, messageArb, fc.constantFrom(...BACKENDS), (seed, message, made) => {
        const keypair = on(made, () => sr25519FromSeed(seed));
        for (const signer of BACKENDS) {
          const signature = on(signer, () => keypair.sign(message));
          for (const verifier of BACKENDS) {
            expect(on(verifier, () => sr25519Verify(signature, message, keypair.publicKey))).toBe(true);
          }
        }
        const child = on(other(made), () => keypair.deriveSoft(seed).deriveHard(seed));
        const signature = on(made, () => child.sign(message));
        expect(on(other(made), () => sr25519Verify(signature, message, child.publicKey))).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it("both reject tampered messages, signatures and keys", () => {
    fc.assert(
      fc.property(
        seedArb,
        messageArb,
        fc.constantFrom(...BACKENDS),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (seed, message, signer, index, mask) => {
          const keypair = on(signer, () => sr25519FromSeed(seed));
          const signature = on(signer, () => keypair.sign(message));
          const longer = Uint8Array.of(...message, 0);
          for (const verifier of BACKENDS) {
            on(verifier, () => {
              expect(sr25519Verify(flip(signature, index, mask), message, keypair.publicKey)).toBe(false);
              expect(sr25519Verify(signature, longer, keypair.publicKey)).toBe(false);
              if (message.length > 0) {
                expect(sr25519Verify(signature, flip(message, index, mask), keypair.publicKey)).toBe(false);
              }
              expect(sr25519Verify(signature, message, flip(keypair.publicKey, index, mask))).toBe(false);
              for (const key of NON_POINTS) expect(sr25519Verify(signature, message, key)).toBe(false);
            });
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it("both refuse the identity as public key, though R = s·B verifies against it for any message", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: ORDER - 1n }), messageArb, (s, message) => {
        const forged = new Uint8Array(64);
        forged.set(ristretto255.Point.BASE.multiply(s).toBytes(), 0);
        forged.set(le32(s), 32);
        forged[63]! |= 0x80;
        for (const backend of BACKENDS) {
          expect(on(backend, () => sr25519Verify(forged, message, new Uint8Array(32)))).toBe(false);
        }
      }),
      { numRuns: 10 },
    );
  });

  it("give the same verdict on arbitrary signatures and keys", () => {
    const points = [sr25519FromSeed(DEV_SEED).publicKey, sr25519FromSeed(SP_CORE_MINI_SECRET).publicKey];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom(...points, ...NON_POINTS)),
        messageArb,
        fc.boolean(),
        (signature, publicKey, message, marked) => {
          if (marked) signature[63]! |= 0x80;
          const [scure, wasm] = BACKENDS.map((backend) =>
            on(backend, () => sr25519Verify(signature, message, publicKey)),
          );
          expect(wasm).toBe(scure);
        },
      ),
      { numRuns: 200 },
    );
  });
});
