import { base58 } from "@scure/base";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex } from "../bytes/bytes.js";
import { Ss58Error, type Ss58ErrorCode, ss58Decode, ss58Encode } from "./ss58.js";

const ALICE = fromHex("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");
const ALICE_42 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

// Addresses produced by Substrate's subkey, as collected in @polkadot/util-crypto's encode tests.
const SUBKEY_VECTORS = [
  {
    address: "5DA4D4GL5iakrn22h5uKoevgvo18Pqj5BcdEUv8etEDPdijA",
    key: "0x3050f8456519829fe03302da802d22d3233a5f4037b9a3e2bcc403ccfcb2d735",
    prefix: 42,
  },
  {
    address: "cLtA6nCDyvwKcEHH4QkZDSHMhS9s78BvUJUsKUbUAn1Jc2SCF",
    key: "0x08e8969768fc14399930d4b8d693f68a2ff6c6a597325d6946095e5e9d9d1b0e",
    prefix: 65,
  },
  {
    address: "cTGShekJ1L1UKFZR9xmv9UTJod7vqjFAPo4sDhXih2c3y1yLS",
    key: "0x04a047d52fe542484c69bc528990cfeaf3a663dded0638ee1b51cf78bacd1072",
    prefix: 66,
  },
  {
    address: "cnVRwXfAnz3RSVQyBUC8f8McrK3YBX2QYd4WoctpeSC6VTJYm",
    key: "0xae640d53cfa815f4a6a50ae70235cd7d9d134d0f1c3a4ccd118e321dfb6ab51f",
    prefix: 69,
  },
  {
    address: "xw5g1Eec8LT99pZLZMaTWwrwvNtfM6vrSuZeVbtEszCDUwByg",
    key: "0x5c64f1151f0ce4358c27238fb20c88e7c899825436f565410724c8c2c5add869",
    prefix: 252,
  },
  {
    address: "yGF4JP7q5AK46d1FPCEm9sYQ4KooSjHMpyVAjLnsCSWVafPnf",
    key: "0x66cd6cf085627d6c85af1aaf2bd10cf843033e929b4e3b1c2ba8e4aa46fe111b",
    prefix: 255,
  },
  {
    address: "mHm8k9Emsvyfp3piCauSH684iA6NakctF8dySQcX94GDdrJrE",
    key: "0x44d5a3ac156335ea99d33a83c57c7146c40c8e2260a8a4adf4e7a86256454651",
    prefix: 4242,
  },
  {
    address: "r6Gr4gaMP8TsjhFbqvZhv3YvnasugLiRJpzpRHifsqqG18UXa",
    key: "0x88f01441682a17b52d6ae12d1a5670cf675fd254897efabaa5069eb3a701ab73",
    prefix: 14269,
  },
];
// A 33-byte ecdsa public key under a two-byte prefix, also from subkey.
const ECDSA_VECTOR = {
  address: "4pbsSkWcBaYoFHrKJZp5fDVUKbqSYD9dhZZGvpp3vQ5ysVs5ybV",
  key: "0x035676109c54b9a16d271abeb4954316a40a32bcce023ac14c8e26e958aa68fba9",
  prefix: 200,
};

function ss58ErrorCode(run: () => unknown): Ss58ErrorCode {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Ss58Error);
    return (error as Ss58Error).code;
  }
  throw new Error("no error thrown");
}

const validPrefix = fc.integer({ min: 0, max: 16383 }).filter((p) => p !== 46 && p !== 47);
const accountId = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe("SS58", () => {
  it("encodes Alice as every Substrate tool does", () => {
    expect(ss58Encode(ALICE)).toBe(ALICE_42);
    expect(ss58Encode(ALICE, 0)).toBe("15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5");
    expect(ss58Encode(ALICE, 2)).toBe("HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F");
    expect(ss58Decode(ALICE_42)).toEqual({ publicKey: ALICE, prefix: 42 });
  });

  it("matches subkey for one- and two-byte prefixes, both ways", () => {
    for (const { address, key, prefix } of SUBKEY_VECTORS) {
      expect(ss58Encode(fromHex(key), prefix)).toBe(address);
      const decoded = ss58Decode(address);
      expect(decoded.prefix).toBe(prefix);
      expect(toHex(decoded.publicKey)).toBe(key);
    }
  });

  it("carries 33-byte ecdsa public keys when asked to", () => {
    expect(ss58Encode(fromHex(ECDSA_VECTOR.key), ECDSA_VECTOR.prefix)).toBe(ECDSA_VECTOR.address);
    const decoded = ss58Decode(ECDSA_VECTOR.address, { length: 33 });
    expect(decoded).toEqual({ publicKey: fromHex(ECDSA_VECTOR.key), prefix: 200 });
    expect(ss58ErrorCode(() => ss58Decode(ECDSA_VECTOR.address))).toBe("SS58_INVALID");
  });

  for (const prefix of [0, 30, 42, 64, 16383]) {
    it(`round-trips random account ids under prefix ${prefix}`, () => {
      fc.assert(
        fc.property(accountId, (id) => {
          expect(ss58Decode(ss58Encode(id, prefix), prefix)).toEqual({ publicKey: id, prefix });
        }),
        { numRuns: 50 },
      );
    });
  }

  it("round-trips every valid prefix", () => {
    fc.assert(
      fc.property(accountId, validPrefix, (id, prefix) => {
        expect(ss58Decode(ss58Encode(id, prefix))).toEqual({ publicKey: id, prefix });
      }),
    );
  });

  it("rejects a corrupted checksum", () => {
    fc.assert(
      fc.property(accountId, validPrefix, fc.nat({ max: 15 }), (id, prefix, bit) => {
        const raw = base58.decode(ss58Encode(id, prefix));
        raw[raw.length - 2 + (bit >> 3)]! ^= 1 << (bit & 7);
        expect(ss58ErrorCode(() => ss58Decode(base58.encode(raw)))).toBe("SS58_BAD_CHECKSUM");
      }),
    );
    // From @polkadot/util-crypto's decode tests: last characters altered.
    expect(ss58ErrorCode(() => ss58Decode("5GoKvZWG5ZPYL1WUovuHW3zJBWBP5eT8CbqjdRY4Q6iMa9cj"))).toBe(
      "SS58_BAD_CHECKSUM",
    );
    expect(ss58ErrorCode(() => ss58Decode("5GoKvZWG5ZPYL1WUovuHW3zJBWBP5eT8CbqjdRY4Q6iMaDwU"))).toBe(
      "SS58_BAD_CHECKSUM",
    );
    expect(ss58ErrorCode(() => ss58Decode(`${ALICE_42.slice(0, -1)}Z`))).toBe("SS58_BAD_CHECKSUM");
  });

  it("rejects bad base58, bad lengths and reserved prefix bytes", () => {
    expect(ss58ErrorCode(() => ss58Decode("F3opIRbN5ZbjJNU511Kj2TLuzFcDq9BGduA9TgiECafpg29"))).toBe("SS58_INVALID");
    expect(ss58ErrorCode(() => ss58Decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut0Y"))).toBe("SS58_INVALID");
    expect(ss58ErrorCode(() => ss58Decode("y9EMHt34JJo4rWLSaxoLGdYXvjgSXEd4zHUnQgfNzwES8b"))).toBe("SS58_INVALID");
    expect(ss58ErrorCode(() => ss58Decode(""))).toBe("SS58_INVALID");
    const shortPayload = base58.encode(concatBytes(Uint8Array.of(42), ALICE.subarray(1), new Uint8Array(2)));
    expect(ss58ErrorCode(() => ss58Decode(shortPayload))).toBe("SS58_INVALID");
    expect(ss58ErrorCode(() => ss58Decode("1"))).toBe("SS58_INVALID");
    expect(ss58ErrorCode(() => ss58Decode(42 as unknown as string))).toBe("SS58_INVALID");
    const reservedFirstByte = base58.encode(concatBytes(Uint8Array.of(0x80, 0), ALICE, new Uint8Array(2)));
    expect(ss58ErrorCode(() => ss58Decode(reservedFirstByte))).toBe("SS58_INVALID_PREFIX");
  });

  it("rejects every truncation and extension of a valid address, and only ever with Ss58Error", () => {
    const base58Char = fc.constantFrom(..."123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");
    fc.assert(
      fc.property(accountId, validPrefix, fc.array(base58Char, { minLength: 1, maxLength: 3 }), (id, prefix, extra) => {
        const address = ss58Encode(id, prefix);
        for (let length = 0; length < address.length; length++) {
          expect(() => ss58Decode(address.slice(0, length))).toThrowError(Ss58Error);
        }
        expect(() => ss58Decode(address + extra.join(""))).toThrowError(Ss58Error);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          ss58Decode(text);
        } catch (error) {
          expect(error).toBeInstanceOf(Ss58Error);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("rejects an address of another prefix when one is expected", () => {
    expect(ss58ErrorCode(() => ss58Decode(ALICE_42, 30))).toBe("SS58_PREFIX_MISMATCH");
    expect(ss58ErrorCode(() => ss58Decode(ALICE_42, { prefix: 0 }))).toBe("SS58_PREFIX_MISMATCH");
    expect(ss58Decode(ss58Encode(ALICE, 30), 30).publicKey).toEqual(ALICE);
  });

  it("refuses prefixes outside 0..16383 and the reserved 46 and 47", () => {
    for (const prefix of [-1, 16384, 1.5, Number.NaN, 46, 47]) {
      expect(ss58ErrorCode(() => ss58Encode(ALICE, prefix))).toBe("SS58_INVALID_PREFIX");
      expect(ss58ErrorCode(() => ss58Decode(ALICE_42, prefix))).toBe("SS58_INVALID_PREFIX");
    }
    expect(ss58ErrorCode(() => ss58Encode(ALICE.subarray(1)))).toBe("SS58_INVALID");
    expect(ss58ErrorCode(() => ss58Encode(new Uint8Array(64)))).toBe("SS58_INVALID");
  });

  it("encodes views into a larger buffer by their own bytes", () => {
    const other = new Uint8Array(32).fill(7);
    const both = concatBytes(ALICE, other);
    // Same tick on purpose: substrate-bindings caches encodings within one.
    const first = ss58Encode(both.subarray(0, 32));
    const second = ss58Encode(both.subarray(32, 64));
    expect(first).toBe(ALICE_42);
    expect(second).toBe(ss58Encode(other));
    expect(second).not.toBe(first);
  });
});
