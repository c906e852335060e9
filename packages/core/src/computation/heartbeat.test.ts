import { blake2AsU8a } from "@polkadot/util-crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isOnChainOnlyTopic, isValidTopic, topicToString } from "../mq/topic.js";
import { decodeExact } from "../scale/decodeExact.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import {
  answersChallenge,
  HEARTBEAT_CHALLENGE_TOPIC,
  HEARTBEAT_TOPIC,
  type HeartbeatChallenge,
  heartbeatChallengeCodec,
  heartbeatCodec,
} from "./heartbeat.js";

/** The draw as the pallet's doc states it, computed with another implementation of blake2. */
function referenceDraw(seed: Uint8Array, key: Uint8Array): number {
  const digest = blake2AsU8a(Uint8Array.from([...seed, ...key]), 256);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, true);
}

const key = (n: number) => new Uint8Array(32).fill(n);
const seed = new Uint8Array(32).map((_, i) => i * 7);

describe("heartbeat codecs", () => {
  it("lays a challenge out as u32 LE block number, 32-byte seed, u32 LE target", () => {
    const challenge: HeartbeatChallenge = { blockNumber: 0x01020304, seed, target: 0xfffffffe };
    const encoded = heartbeatChallengeCodec.enc(challenge);
    expect(encoded).toHaveLength(40);
    expect([...encoded.subarray(0, 4)]).toEqual([4, 3, 2, 1]);
    expect(encoded.subarray(4, 36)).toEqual(seed);
    expect([...encoded.subarray(36)]).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect(heartbeatChallengeCodec.dec(encoded)).toEqual(challenge);
    expectRejectsTruncatedAndOverlong(encoded, Uint8Array.of(0), (bytes) =>
      decodeExact(heartbeatChallengeCodec.dec, bytes, "HeartbeatChallenge"),
    );
  });

  it("lays a heartbeat out as the challenge's block number, u32 LE", () => {
    const encoded = heartbeatCodec.enc({ challengeBlock: 0xa0b0c0d0 });
    expect([...encoded]).toEqual([0xd0, 0xc0, 0xb0, 0xa0]);
    expect(heartbeatCodec.dec(encoded)).toEqual({ challengeBlock: 0xa0b0c0d0 });
    expectRejectsTruncatedAndOverlong(encoded, Uint8Array.of(0), (bytes) =>
      decodeExact(heartbeatCodec.dec, bytes, "Heartbeat"),
    );
  });

  it("round-trips any challenge", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat({ max: 0xffffffff }),
        (blockNumber, s, target) => {
          const challenge = { blockNumber, seed: s, target };
          expect(heartbeatChallengeCodec.dec(heartbeatChallengeCodec.enc(challenge))).toEqual(challenge);
        },
      ),
    );
  });

  it("sends challenges to every pRuntime and answers to the chain only", () => {
    expect(topicToString(HEARTBEAT_CHALLENGE_TOPIC)).toBe("phala/computation/heartbeat-challenge");
    expect(isValidTopic(HEARTBEAT_CHALLENGE_TOPIC)).toBe(true);
    expect(isOnChainOnlyTopic(HEARTBEAT_CHALLENGE_TOPIC)).toBe(false);
    expect(topicToString(HEARTBEAT_TOPIC)).toBe("^phala/computation/heartbeat");
    expect(isOnChainOnlyTopic(HEARTBEAT_TOPIC)).toBe(true);
  });
});

describe("answersChallenge", () => {
  it("answers exactly when the first four bytes of blake2-256(seed ++ key), as a u32 LE, are at most the target", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat({ max: 0xffffffff }),
        (s, k, target) => {
          const draw = referenceDraw(s, k);
          const challenge = { blockNumber: 1, seed: s, target };
          expect(answersChallenge(k, challenge)).toBe(draw <= target);
          expect(answersChallenge(k, { ...challenge, target: draw })).toBe(true);
          if (draw > 0) expect(answersChallenge(k, { ...challenge, target: draw - 1 })).toBe(false);
        },
      ),
    );
  });

  it("reads the draw unsigned: a draw of 2^31 or more is compared as such", () => {
    let n = 0;
    while (referenceDraw(seed, key(n)) < 0x8000_0000) n++;
    const high = key(n);
    const draw = referenceDraw(seed, high);
    const at = (target: number) => answersChallenge(high, { blockNumber: 1, seed, target });
    expect(at(draw)).toBe(true);
    expect(at(draw - 1)).toBe(false);
    expect(at(0x7fff_ffff)).toBe(false);
    expect(at(0xffff_ffff)).toBe(true);
  });

  it("hashes the seed before the key, and ignores the block number", () => {
    const k = key(9);
    const draw = referenceDraw(seed, k);
    const swapped = referenceDraw(k, seed);
    expect(draw).not.toBe(swapped);
    const target = Math.min(draw, swapped);
    expect(answersChallenge(k, { blockNumber: 1, seed, target })).toBe(draw === target);
    expect(answersChallenge(k, { blockNumber: 2, seed, target: draw })).toBe(true);
    expect(answersChallenge(k, { blockNumber: 0xffffffff, seed, target: draw })).toBe(true);
  });

  it("is answered by every worker at target u32::MAX, and at target 0 only by a zero draw", () => {
    for (let n = 0; n < 64; n++) {
      expect(answersChallenge(key(n), { blockNumber: 1, seed, target: 0xffffffff })).toBe(true);
      expect(answersChallenge(key(n), { blockNumber: 1, seed, target: 0 })).toBe(referenceDraw(seed, key(n)) === 0);
    }
  });
});
