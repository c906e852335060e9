import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, type HexString, toHex } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import { readVector } from "../testing/sharedVectors.test-util.js";
import { ScaleDecodeError } from "./decodeExact.js";
import { decodeHeader, encodeHeader, type Header, headerFromRpc, headerHash, headerToRpc } from "./header.js";
import {
  decodeJustification,
  encodeJustification,
  type Justification,
  precommitSigningPayload,
} from "./justification.js";

const hexArb = (n: number) =>
  fc.uint8Array({ minLength: n, maxLength: n }).map((b) => toHex(b) as Header["parentHash"]);
const engineArb = fc.constantFrom("aura", "BABE", "FRNK", "tdmt");
const digestArb = fc.oneof(
  fc.uint8Array({ maxLength: 8 }).map((value) => ({ type: "other" as const, value })),
  fc
    .record({
      engine: engineArb,
      payload: fc.uint8Array({ maxLength: 70 }).map((b) => toHex(b) as Header["parentHash"]),
    })
    .chain((value) =>
      fc.constantFrom("consensus" as const, "seal" as const, "preRuntime" as const).map((type) => ({ type, value })),
    ),
  fc.constant({ type: "runtimeUpdated" as const, value: undefined }),
);
const headerArb: fc.Arbitrary<Header> = fc.record({
  parentHash: hexArb(32),
  number: fc.nat({ max: 0xffffffff }),
  stateRoot: hexArb(32),
  extrinsicRoot: hexArb(32),
  digests: fc.array(digestArb, { maxLength: 4 }) as fc.Arbitrary<Header["digests"]>,
});

const justificationArb: fc.Arbitrary<Justification> = fc.record({
  round: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  commit: fc.record({
    targetHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    targetNumber: fc.nat({ max: 0xffffffff }),
    precommits: fc.array(
      fc.record({
        precommit: fc.record({
          targetHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          targetNumber: fc.nat({ max: 0xffffffff }),
        }),
        signature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
        id: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      }),
      { maxLength: 4 },
    ),
  }),
  votesAncestries: fc.array(headerArb, { maxLength: 2 }),
});

describe("header", () => {
  it("decodes the real swanky blocks and re-encodes them byte for byte", () => {
    const { blocks } = readVector<{ blocks: { header: HexString; blockHash: HexString }[] }>(
      "trie/extrinsics_roots.json",
    );
    for (const block of blocks) {
      const header = decodeHeader(fromHex(block.header));
      expect(toHex(encodeHeader(header))).toBe(block.header);
      expect(toHex(headerHash(header))).toBe(block.blockHash);
    }
  });

  it("round-trips and rejects truncated and over-long input with a typed error", () => {
    fc.assert(
      fc.property(headerArb, fc.uint8Array({ minLength: 1, maxLength: 4 }), (header, extra) => {
        const encoded = encodeHeader(header);
        expect(decodeHeader(encoded)).toEqual(header);
        expect(headerHash(encoded)).toEqual(blake2_256(encoded));
        expectRejectsTruncatedAndOverlong(encoded, extra, decodeHeader);
      }),
      { numRuns: 200 },
    );
  });

  it("never throws anything but a ScaleDecodeError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeHeader(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ScaleDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("converts to and from Substrate's RPC JSON without loss, and refuses malformed JSON", () => {
    fc.assert(
      fc.property(headerArb, (header) => {
        expect(headerFromRpc(headerToRpc(header))).toEqual(header);
      }),
    );
    const json = headerToRpc({ ...fc.sample(headerArb, 1)[0]!, number: 255 });
    expect(json.number).toBe("0xff");
    expect(() => headerFromRpc({ ...json, number: "12" })).toThrow(ScaleDecodeError);
    expect(() => headerFromRpc({ ...json, stateRoot: "0x1234" })).toThrow(ScaleDecodeError);
    expect(() => headerFromRpc({ ...json, digest: { logs: ["0x09"] } })).toThrow(ScaleDecodeError);
  });

  it("rejects an unknown digest variant", () => {
    const encoded = encodeHeader({
      parentHash: toHex(new Uint8Array(32)) as Header["parentHash"],
      number: 1,
      stateRoot: toHex(new Uint8Array(32)) as Header["parentHash"],
      extrinsicRoot: toHex(new Uint8Array(32)) as Header["parentHash"],
      digests: [{ type: "runtimeUpdated", value: undefined }],
    });
    encoded[encoded.length - 1] = 3; // no digest item has index 3
    expect(() => decodeHeader(encoded)).toThrowError(ScaleDecodeError);
  });
});

describe("justification", () => {
  it("round-trips and rejects truncated and over-long input with a typed error", () => {
    fc.assert(
      fc.property(justificationArb, fc.uint8Array({ minLength: 1, maxLength: 4 }), (justification, extra) => {
        const encoded = encodeJustification(justification);
        expect(decodeJustification(encoded)).toEqual(justification);
        expectRejectsTruncatedAndOverlong(encoded, extra, decodeJustification);
      }),
      { numRuns: 100 },
    );
  });

  it("signs precommits over (Message::Precommit, round, set id) as finality-grandpa does", () => {
    const precommit = { targetHash: new Uint8Array(32).fill(0xab), targetNumber: 7 };
    const payload = precommitSigningPayload(precommit, 2n, 3n);
    expect(toHex(payload)).toBe(`0x01${"ab".repeat(32)}07000000${"0200000000000000"}${"0300000000000000"}`);
  });
});
