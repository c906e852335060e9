import { Bytes, type Codec, Struct, u32 } from "@polkadot-api/substrate-bindings";
import { concatBytes } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { type Topic, topicFromString } from "../mq/topic.js";

/**
 * The chain's liveness challenge, sent to every pRuntime once per block: a worker whose key
 * "wins" against `seed` and `target` answers with a heartbeat within the chain's window. The
 * seed is the parent block's hash, which nobody controls ahead of time.
 */
export interface HeartbeatChallenge {
  readonly blockNumber: number;
  readonly seed: Uint8Array;
  /** A worker answers when the first four bytes of blake2-256(seed ++ its key), as a u32, are at most this. */
  readonly target: number;
}

/** A worker's answer: which challenge it answers. Signed by the worker as any egress message. */
export interface Heartbeat {
  readonly challengeBlock: number;
}

/** Where the chain sends challenges (every pRuntime hears them). */
export const HEARTBEAT_CHALLENGE_TOPIC: Topic = topicFromString("phala/computation/heartbeat-challenge");
/** Where workers answer: on chain only (`^`), consumed by the computation pallet. */
export const HEARTBEAT_TOPIC: Topic = new TextEncoder().encode("^phala/computation/heartbeat");

export const heartbeatChallengeCodec: Codec<HeartbeatChallenge> = Struct({
  blockNumber: u32,
  seed: Bytes(32),
  target: u32,
});

export const heartbeatCodec: Codec<Heartbeat> = Struct({ challengeBlock: u32 });

/** Whether the worker with `identityPublicKey` must answer `challenge`. */
export function answersChallenge(identityPublicKey: Uint8Array, challenge: HeartbeatChallenge): boolean {
  const digest = blake2_256(concatBytes(challenge.seed, identityPublicKey));
  const draw = (digest[0]! | (digest[1]! << 8) | (digest[2]! << 16) | (digest[3]! << 24)) >>> 0;
  return draw <= challenge.target;
}
