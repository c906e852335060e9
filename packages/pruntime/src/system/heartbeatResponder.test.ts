import {
  blake2_256,
  concatBytes,
  type Ed25519Keypair,
  fromHex,
  HEARTBEAT_CHALLENGE_TOPIC,
  HEARTBEAT_TOPIC,
  type HeartbeatChallenge,
  heartbeatChallengeCodec,
  heartbeatCodec,
  keypairFromUri,
  type Message,
  type MessageOrigin,
  toHex,
  utf8,
  verifySignedMessage,
  workerOrigin,
  workerRecordCodec,
  workerRecordKey,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import type { VerifiedStorage } from "../chain/chainStorage.js";
import { EgressQueue } from "../dispatch/egressQueue.js";
import type { BlockContext } from "../dispatch/messageRouter.js";
import { PRuntime } from "../pruntime.js";
import { memoryPlatform } from "../testing/memoryPlatform.test-util.js";
import { TestChain } from "../testing/testChain.test-util.js";
import { HeartbeatResponder } from "./heartbeatResponder.js";

const worker = keypairFromUri("//worker", "ed25519");
const other = keypairFromUri("//other", "ed25519");
const seed = new Uint8Array(32).fill(0x5e);
const CHALLENGER: MessageOrigin = { type: "Pallet", value: utf8("PhalaComputation") };
const ALWAYS = 0xffffffff;

/** The draw as the chain defines it: the first four bytes of blake2-256(seed ++ key), u32 LE. */
function drawOf(key: Uint8Array, s = seed): number {
  const digest = blake2_256(concatBytes(s, key));
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, true);
}

/** Any bytes will do: pRuntime only asks whether the chain has a record. */
const registration = (key: Uint8Array): [Uint8Array, Uint8Array] => [
  workerRecordKey(key),
  workerRecordCodec.enc({
    pubkey: key,
    ecdhPubkey: new Uint8Array(32),
    runtimeVersion: 1,
    machineId: new Uint8Array(16),
    features: [],
    operator: undefined,
    attestationProvider: { type: "Simulated", value: undefined },
    measurement: new Uint8Array(32),
    confidenceLevel: 5,
    lastUpdated: 0n,
  }),
];

function block(registered: readonly Uint8Array[], signer: Ed25519Keypair = worker, nextSequence = 0n) {
  const entries = new Map(registered.map((key) => registration(key)).map(([k, v]) => [toHex(k), v]));
  const state: VerifiedStorage = { get: (key) => entries.get(toHex(key)) };
  const egress = new EgressQueue();
  egress.addSender(workerOrigin(signer.publicKey), signer, nextSequence);
  const context: BlockContext = { number: 12, hash: new Uint8Array(32).fill(12), timestamp: 72_000n, state, egress };
  return context;
}

const challengeMessage = (
  challenge: Partial<HeartbeatChallenge> = {},
  sender: MessageOrigin = CHALLENGER,
  payload = heartbeatChallengeCodec.enc({ blockNumber: 11, seed, target: ALWAYS, ...challenge }),
): Message => ({ sender, destination: HEARTBEAT_CHALLENGE_TOPIC, payload });

describe("HeartbeatResponder", () => {
  it("answers a won challenge of a registered worker with one signed heartbeat, in sequence", () => {
    const context = block([worker.publicKey], worker, 5n);
    const responder = new HeartbeatResponder(worker.publicKey);
    responder.handle(challengeMessage({ blockNumber: 11 }), context);
    const [heartbeat, ...rest] = context.egress.pending();
    expect(rest).toEqual([]);
    expect(heartbeat!.message).toEqual({
      sender: workerOrigin(worker.publicKey),
      destination: HEARTBEAT_TOPIC,
      payload: heartbeatCodec.enc({ challengeBlock: 11 }),
    });
    expect(heartbeat!.sequence).toBe(5n);
    expect(verifySignedMessage(heartbeat!, worker.publicKey)).toBe(true);

    // It answers the challenge's block, whichever block carried it.
    responder.handle(challengeMessage({ blockNumber: 7 }), context);
    expect(context.egress.pending().map((m) => [m.sequence, heartbeatCodec.dec(m.message.payload)])).toEqual([
      [5n, { challengeBlock: 11 }],
      [6n, { challengeBlock: 7 }],
    ]);
  });

  it("stays silent while the block's state has no record of this worker", () => {
    const context = block([other.publicKey]);
    new HeartbeatResponder(worker.publicKey).handle(challengeMessage(), context);
    expect(context.egress.pending()).toEqual([]);
    const empty = block([]);
    new HeartbeatResponder(worker.publicKey).handle(challengeMessage(), empty);
    expect(empty.egress.pending()).toEqual([]);
  });

  it("answers only when its draw is at most the target", () => {
    const draw = drawOf(worker.publicKey);
    expect(draw).toBeGreaterThan(0);
    const responder = new HeartbeatResponder(worker.publicKey);
    const answers = (target: number) => {
      const context = block([worker.publicKey]);
      responder.handle(challengeMessage({ target }), context);
      return context.egress.pendingCount;
    };
    expect(answers(0)).toBe(0);
    expect(answers(draw - 1)).toBe(0);
    expect(answers(draw)).toBe(1);
    expect(answers(ALWAYS)).toBe(1);
    // Another seed, another draw.
    const otherSeed = new Uint8Array(32).fill(1);
    const context = block([worker.publicKey]);
    responder.handle(challengeMessage({ seed: otherSeed, target: drawOf(worker.publicKey, otherSeed) }), context);
    expect(context.egress.pendingCount).toBe(1);
  });

  it("ignores challenges from anyone but the PhalaComputation pallet", () => {
    const context = block([worker.publicKey]);
    const responder = new HeartbeatResponder(worker.publicKey);
    const impostors: MessageOrigin[] = [
      { type: "AccountId", value: new Uint8Array(32).fill(1) },
      { type: "Pallet", value: utf8("PhalaRegistry") },
      { type: "Pallet", value: utf8("PhalaComputation2") },
      { type: "Pallet", value: utf8("phalacomputation") },
      { type: "Worker", value: other.publicKey },
      { type: "Gatekeeper", value: undefined },
    ];
    for (const sender of impostors) responder.handle(challengeMessage({}, sender), context);
    expect(context.egress.pending()).toEqual([]);
  });

  it("refuses a malformed challenge with a typed error, queueing nothing", () => {
    const context = block([worker.publicKey]);
    const responder = new HeartbeatResponder(worker.publicKey);
    const valid = heartbeatChallengeCodec.enc({ blockNumber: 11, seed, target: ALWAYS });
    for (const payload of [new Uint8Array(), valid.subarray(0, 39), concatBytes(valid, Uint8Array.of(0))]) {
      expect(errorCodeOf(() => responder.handle(challengeMessage({}, CHALLENGER, payload), context))).toMatch(
        /^SCALE_/,
      );
    }
    expect(context.egress.pending()).toEqual([]);
  });
});

describe("HeartbeatResponder in a pRuntime", () => {
  it("answers the chain's challenges once the worker is registered in the challenge's block", async () => {
    const runtime = await PRuntime.open({ platform: memoryPlatform() });
    const identity = fromHex(runtime.info().identityPublicKey);
    const chain = new TestChain();
    const challenge = (blockNumber: number) => challengeMessage({ blockNumber, seed: chain.head.hash });
    chain.produce({ messages: [challenge(1)] }); // not registered yet
    chain.produce({ messages: [challenge(2)], changes: [registration(identity)] });
    chain.produce(); // no challenge
    chain.produce({
      messages: [challenge(4), challengeMessage({ blockNumber: 4 }, { type: "Pallet", value: utf8("X") })],
    });
    await runtime.init(chain.initRequest());
    runtime.syncHeader(chain.syncRequest(1, 4));
    await runtime.dispatchBlocks(chain.dispatchRequest(1, 4));
    const pending = runtime.egressMessages();
    expect(pending.map((m) => [m.sequence, heartbeatCodec.dec(m.message.payload).challengeBlock])).toEqual([
      [0n, 2],
      [1n, 4],
    ]);
    for (const message of pending) {
      expect(message.message.sender).toEqual(workerOrigin(identity));
      expect(toHex(message.message.destination)).toBe(toHex(HEARTBEAT_TOPIC));
      expect(verifySignedMessage(message, identity)).toBe(true);
    }
  });
});
