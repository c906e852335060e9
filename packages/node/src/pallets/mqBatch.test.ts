import {
  devAccounts,
  type Ed25519Keypair,
  ed25519Generate,
  encodeExtrinsic,
  IMMORTAL_ERA,
  type MessageOrigin,
  type SignedMessage,
  signExtrinsic,
  signMessage,
  Trie,
  toHex,
  topicFromString,
  utf8,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { BlockExecution, type ParentBlock } from "../chain/blockExecution.js";
import { buildGenesisState } from "../chain/genesisState.js";
import { ExecutionContext } from "../runtime/context.js";
import { StateOverlay } from "../runtime/overlay.js";
import { Runtime, type RuntimeCall } from "../runtime/runtime.js";
import { PHA } from "./balances.js";
import {
  createMq,
  MAX_BATCH_MESSAGES,
  MAX_BATCH_PAYLOAD_BYTES,
  MAX_PAYLOAD_BYTES,
  MessageType,
  mqStorage,
  type OnChainHandler,
} from "./mq.js";
import { PALLET_INDEX } from "./palletIndices.js";
import { createPhalaRuntime, PHALA_RUNTIME_VERSION } from "./phalaRuntime.js";
import { system, systemStorage } from "./system.js";

const sr = devAccounts("sr25519");
const ed = devAccounts("ed25519");
const runtime = createPhalaRuntime();
const mq = runtime.pallet("PhalaMq") as ReturnType<typeof createMq>;

const call = (pallet: string, name: string, args: unknown): RuntimeCall => ({
  type: pallet,
  value: { type: name, value: args },
});
const batchCall = (signedMessages: readonly SignedMessage[]) =>
  call("PhalaMq", "syncOffchainMessages", { signedMessages });

function worker(): { keypair: Ed25519Keypair; sender: MessageOrigin } {
  const { keypair } = ed25519Generate();
  return { keypair, sender: { type: "Worker", value: keypair.publicKey } };
}

/** `count` messages of `keypair`'s worker from `from`, each with its own payload. */
function messages(keypair: Ed25519Keypair, from: bigint, count: number, topic = "phala/test"): SignedMessage[] {
  const sender: MessageOrigin = { type: "Worker", value: keypair.publicKey };
  return Array.from({ length: count }, (_, i) =>
    signMessage(
      keypair,
      { sender, destination: topicFromString(topic), payload: Uint8Array.of(Number(from) + i, 7) },
      from + BigInt(i),
    ),
  );
}

const forge = (signed: SignedMessage): SignedMessage => ({ ...signed, signature: new Uint8Array(64).fill(1) });

function phalaExec() {
  const genesis = buildGenesisState(runtime, {
    Balances: { balances: [[sr.Bob.accountId, 100n * PHA]] },
    Session: { authorities: [[ed.Alice.publicKey, 1n]] },
  });
  return new ExecutionContext(new StateOverlay(genesis), { number: 1, parentHash: new Uint8Array(32) });
}

const eventNames = (exec: ExecutionContext) =>
  exec.events.map((e) => `${e.event.type}.${(e.event.value as { type: string }).type}`);

describe("PhalaMq.sync_offchain_messages", () => {
  it("takes consecutive messages of one sender from its next sequence, as the single call takes each", () => {
    const exec = phalaExec();
    const { keypair, sender } = worker();
    const batch = messages(keypair, 0n, 5);
    mq.calls.syncOffchainMessages.execute(
      { exec, origin: { kind: "signed", who: sr.Bob.accountId } },
      {
        signedMessages: batch,
      },
    );
    expect(mqStorage.OffchainIngress.get(exec.state, sender)).toBe(5n);
    expect(mqStorage.OutboundMessages.get(exec.state)).toEqual(batch.map((m) => m.message));
    expect(eventNames(exec)).toEqual(Array(5).fill("PhalaMq.MessageQueued"));
    expect(exec.events.map((e) => (e.event.value as { value: { sequence: bigint } }).value.sequence)).toEqual([
      0n,
      1n,
      2n,
      3n,
      4n,
    ]);
    // The next batch starts where this one ended; the single call follows it.
    runtime.dispatch(exec, { kind: "signed", who: sr.Bob.accountId }, batchCall(messages(keypair, 5n, 2)));
    runtime.dispatch(
      exec,
      { kind: "signed", who: sr.Bob.accountId },
      call("PhalaMq", "syncOffchainMessage", { signedMessage: messages(keypair, 7n, 1)[0] }),
    );
    expect(mqStorage.OffchainIngress.get(exec.state, sender)).toBe(8n);
    expect(mqStorage.OutboundMessages.get(exec.state)).toHaveLength(8);
  });

  it("weighs the sum of the single calls", () => {
    const { keypair } = worker();
    const batch = messages(keypair, 0n, 3);
    const single = (signed: SignedMessage) =>
      runtime.dispatchInfo(call("PhalaMq", "syncOffchainMessage", { signedMessage: signed })).weight.refTime;
    expect(runtime.dispatchInfo(batchCall(batch)).weight.refTime).toBe(batch.map(single).reduce((a, b) => a + b));
  });

  it("refuses malformed batches with their own errors, taking nothing", () => {
    const exec = phalaExec();
    const a = worker();
    const b = worker();
    const dispatch = (batch: readonly SignedMessage[]) =>
      runtime.dispatch(exec, { kind: "signed", who: sr.Bob.accountId }, batchCall(batch));
    const refused = (label: string) => expect.objectContaining({ label: `PhalaMq.${label}` });
    expect(() => dispatch([])).toThrowError(refused("EmptyBatch"));
    expect(() => dispatch(messages(a.keypair, 0n, MAX_BATCH_MESSAGES + 1))).toThrowError(refused("BatchTooLarge"));
    const big = (sequence: bigint) =>
      signMessage(
        a.keypair,
        { sender: a.sender, destination: topicFromString("phala/test"), payload: new Uint8Array(MAX_PAYLOAD_BYTES) },
        sequence,
      );
    const overBudget = Array.from({ length: MAX_BATCH_PAYLOAD_BYTES / MAX_PAYLOAD_BYTES + 1 }, (_, i) =>
      big(BigInt(i)),
    );
    expect(() => dispatch(overBudget)).toThrowError(refused("BatchTooLarge"));
    const mixed = [...messages(a.keypair, 0n, 2), ...messages(b.keypair, 2n, 1)];
    expect(() => dispatch(mixed)).toThrowError(refused("MixedSenders"));
    const [m0, m1, m2] = messages(a.keypair, 0n, 3);
    expect(() => dispatch([m0!, m2!])).toThrowError(refused("SequenceGap"));
    expect(() => dispatch([m1!, m0!])).toThrowError(refused("SequenceGap"));
    expect(() => dispatch([m0!, m0!])).toThrowError(refused("SequenceGap"));
    // Well formed, but not from the sequence the chain expects.
    expect(() => dispatch([m1!, m2!])).toThrowError(refused("BadSequence"));
    expect(mqStorage.OffchainIngress.get(exec.state, a.sender)).toBe(0n);
    expect(mqStorage.OutboundMessages.get(exec.state)).toEqual([]);
    expect(exec.events).toEqual([]);
    // The whole payload budget in one batch is fine.
    dispatch(overBudget.slice(0, -1));
    expect(mqStorage.OffchainIngress.get(exec.state, a.sender)).toBe(BigInt(overBudget.length - 1));
  });

  it("keeps the existing error indices and appends the batch ones", () => {
    expect(mq.errors.names).toEqual([
      "BadSender",
      "BadSequence",
      "BadDestination",
      "BadSignature",
      "PayloadTooLarge",
      "EmptyBatch",
      "BatchTooLarge",
      "MixedSenders",
      "SequenceGap",
    ]);
    expect(mq.constants.MaxBatchMessages.value).toBe(MAX_BATCH_MESSAGES);
    expect(mq.constants.MaxBatchPayloadBytes.value).toBe(MAX_BATCH_PAYLOAD_BYTES);
    expect([...runtime.encodeCall(batchCall([])).subarray(0, 2)]).toEqual([PALLET_INDEX.PhalaMq, 2]);
  });

  it("in a block, fails as a whole on a bad signature in the middle: fee and nonce taken, no message", () => {
    const chain = { genesisHash: new Uint8Array(32).fill(0x42), maxExtrinsicSize: 1024 * 1024 };
    const genesis: ParentBlock = {
      hash: chain.genesisHash,
      number: 0,
      state: buildGenesisState(runtime, {
        Balances: { balances: [[sr.Alice.accountId, 1_000n * PHA]] },
        Session: { authorities: [[ed.Alice.publicKey, 1n]] },
      }),
    };
    const { keypair, sender } = worker();
    const batch = messages(keypair, 0n, 6);
    const tampered = batch.map((m, i) => (i === 3 ? forge(m) : m));
    const extrinsic = (signedMessages: readonly SignedMessage[], nonce: number) =>
      signExtrinsic(
        sr.Alice,
        runtime.encodeCall(batchCall(signedMessages)),
        { era: IMMORTAL_ERA, nonce, tip: 0n },
        { specVersion: 1, transactionVersion: 1, genesisHash: chain.genesisHash, birthHash: chain.genesisHash },
      );
    const block = new BlockExecution(runtime, chain, genesis, []);
    block.apply(block.check(encodeExtrinsic({ call: runtime.encodeCall(call("Timestamp", "set", { now: 1_000n })) })));
    const failed = block.apply(block.check(extrinsic(tampered, 0)));
    expect(failed.dispatchError).toEqual({
      type: "Module",
      value: { index: PALLET_INDEX.PhalaMq, error: Uint8Array.of(3, 0, 0, 0) }, // BadSignature
    });
    expect(failed.fee).toBeGreaterThan(0n);
    const { exec } = block;
    expect(mqStorage.OffchainIngress.get(exec.state, sender)).toBe(0n);
    expect(mqStorage.OutboundMessages.get(exec.state)).toEqual([]);
    expect(eventNames(exec)).not.toContain("PhalaMq.MessageQueued");
    expect(eventNames(exec).at(-1)).toBe("System.ExtrinsicFailed");
    expect(systemStorage.Account.get(exec.state, sr.Alice.accountId).nonce).toBe(1);
    // The honest batch is then taken whole.
    expect(block.apply(block.check(extrinsic(batch, 1))).dispatchError).toBeUndefined();
    const built = block.finalize();
    expect(mqStorage.OffchainIngress.get(built.state, sender)).toBe(6n);
    expect(mqStorage.OutboundMessages.get(built.state)).toEqual(batch.map((m) => m.message));
  });
});

describe("on-chain topic messages in a batch", () => {
  const KEY = utf8(":test:rotated-key");
  const ROTATE = topicFromString("^test/rotate");
  const NOTE = topicFromString("^test/note");
  const NOTES = utf8(":test:notes");
  /** `^test/rotate` sets the worker's signing key to its payload; `^test/note` counts itself. */
  const handlers = new Map<string, OnChainHandler>([
    [
      "^test/rotate",
      (exec, message) => {
        exec.state.set(KEY, message.payload);
        exec.deposit("PhalaMq", { type: "Rotated", value: undefined });
      },
    ],
    [
      "^test/note",
      (exec) => {
        exec.state.set(NOTES, Uint8Array.of((exec.state.get(NOTES)?.[0] ?? 0) + 1));
        exec.deposit("PhalaMq", { type: "Noted", value: undefined });
      },
    ],
  ]);
  const testMq = createMq({
    onChainHandlers: handlers,
    resolveSenderKey: (state, sender) => (sender.type === "Worker" ? (state.get(KEY) ?? sender.value) : undefined),
  });
  const testRuntime = new Runtime(PHALA_RUNTIME_VERSION, [system, testMq]);
  const newExec = () =>
    new ExecutionContext(new StateOverlay(Trie.empty("V1")), { number: 1, parentHash: new Uint8Array(32) });
  const origin = { kind: "signed", who: sr.Bob.accountId } as const;

  const signed = (
    keypair: Ed25519Keypair,
    owner: Uint8Array,
    destination: Uint8Array,
    payload: Uint8Array,
    seq: bigint,
  ) => signMessage(keypair, { sender: { type: "Worker", value: owner }, destination, payload }, seq);

  it("runs each handler in order, so a later message is checked with what an earlier one changed", () => {
    const { keypair } = ed25519Generate();
    const { keypair: next } = ed25519Generate();
    const owner = keypair.publicKey;
    const batch = [
      signed(keypair, owner, NOTE, new Uint8Array(), 0n),
      signed(keypair, owner, topicFromString("phala/out"), Uint8Array.of(1), 1n),
      signed(keypair, owner, ROTATE, next.publicKey, 2n),
      // Signed with the key the rotation above put on record.
      signed(next, owner, NOTE, new Uint8Array(), 3n),
      signed(next, owner, topicFromString("phala/out"), Uint8Array.of(2), 4n),
    ];
    const exec = newExec();
    // The pool's read-only check cannot see the rotation: it stops at the first on-chain message.
    expect(testMq.checkSignedBatch(exec.state, batch)).toBeUndefined();
    expect(testMq.checkSignedBatch(exec.state, [batch[1]!])).toBe("BadSequence");
    testRuntime.dispatch(exec, origin, batchCall(batch));
    expect(eventNames(exec)).toEqual([
      "PhalaMq.Noted",
      "PhalaMq.MessageQueued",
      "PhalaMq.Rotated",
      "PhalaMq.Noted",
      "PhalaMq.MessageQueued",
    ]);
    expect(exec.state.get(NOTES)).toEqual(Uint8Array.of(2));
    expect(toHex(exec.state.get(KEY)!)).toBe(toHex(next.publicKey));
    const owned: MessageOrigin = { type: "Worker", value: owner };
    expect(mqStorage.OffchainIngress.get(exec.state, owned)).toBe(5n);
    expect(mqStorage.OutboundMessages.get(exec.state).map((m) => m.payload)).toEqual([
      Uint8Array.of(1),
      Uint8Array.of(2),
    ]);
  });

  it("undoes every handler's effects and events when a later message is refused", () => {
    const { keypair } = ed25519Generate();
    const owner = keypair.publicKey;
    const batch = [
      signed(keypair, owner, NOTE, new Uint8Array(), 0n),
      signed(keypair, owner, ROTATE, new Uint8Array(32).fill(5), 1n),
      // Signed with the old key: the rotation made it wrong.
      signed(keypair, owner, NOTE, new Uint8Array(), 2n),
    ];
    const exec = newExec();
    expect(() => testRuntime.dispatch(exec, origin, batchCall(batch))).toThrowError(
      expect.objectContaining({ label: "PhalaMq.BadSignature" }),
    );
    expect(exec.events).toEqual([]);
    expect(exec.state.get(NOTES)).toBeUndefined();
    expect(exec.state.get(KEY)).toBeUndefined();
    expect(mqStorage.OffchainIngress.get(exec.state, { type: "Worker", value: owner })).toBe(0n);
    // A message to an on-chain topic nobody handles fails the batch too.
    const unknown = [signed(keypair, owner, NOTE, new Uint8Array(), 0n)];
    unknown.push(signed(keypair, owner, topicFromString("^test/nobody"), new Uint8Array(), 1n));
    expect(() => testRuntime.dispatch(exec, origin, batchCall(unknown))).toThrowError(
      expect.objectContaining({ label: "PhalaMq.BadDestination" }),
    );
    expect(exec.state.get(NOTES)).toBeUndefined();
  });

  it("pre-checks batches for the pool: shape, sequence, sender key and every signature", () => {
    const { keypair } = ed25519Generate();
    const owner = keypair.publicKey;
    const out = topicFromString("phala/out");
    const batch = [0n, 1n, 2n].map((seq) => signed(keypair, owner, out, Uint8Array.of(Number(seq)), seq));
    const state = newExec().state;
    expect(testMq.checkSignedBatch(state, batch)).toBeUndefined();
    expect(testMq.checkSignedBatch(state, [batch[0]!, forge(batch[1]!), batch[2]!])).toBe("BadSignature");
    expect(testMq.checkSignedBatch(state, [batch[0]!, batch[1]!, forge(batch[2]!)])).toBe("BadSignature");
    expect(testMq.checkSignedBatch(state, batch.slice(1))).toBe("BadSequence");
    expect(testMq.checkSignedBatch(state, [])).toBe("EmptyBatch");
    expect(testMq.checkSignedBatch(state, [batch[0]!, batch[2]!])).toBe("SequenceGap");
    const account = signMessage(
      keypair,
      { sender: { type: "AccountId", value: owner }, destination: out, payload: new Uint8Array() },
      0n,
    );
    expect(testMq.checkSignedBatch(state, [account])).toBe("BadSender");
  });

  it("encodes the call as a vector of SignedMessage after the call index", () => {
    const { keypair } = ed25519Generate();
    const batch = messages(keypair, 3n, 2);
    const bytes = testRuntime.encodeCall(batchCall(batch));
    const vectorOf = encodeBatchByHand(batch);
    expect(toHex(bytes.subarray(2))).toBe(toHex(vectorOf));
    expect(testRuntime.decodeCall(bytes)).toEqual(batchCall(batch));
  });
});

/** SCALE `Vec<SignedMessage>`, built by hand: compact length, then each message, sequence, signature. */
function encodeBatchByHand(batch: readonly SignedMessage[]): Uint8Array {
  const parts = batch.map((m) => {
    const message = MessageType.codec.enc(m.message);
    const sequence = new Uint8Array(8);
    new DataView(sequence.buffer).setBigUint64(0, m.sequence, true);
    return [...message, ...sequence, ...m.signature];
  });
  return Uint8Array.of(batch.length << 2, ...parts.flat());
}
