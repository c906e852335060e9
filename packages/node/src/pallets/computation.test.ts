import { createSimulatedQuote, encodeAttestation, simQuotingPublicKey } from "@phala-ts/attestation";
import {
  answersChallenge,
  decodeWorkerRecord,
  devAccounts,
  type Ed25519Keypair,
  encodeExtrinsic,
  HEARTBEAT_CHALLENGE_TOPIC,
  HEARTBEAT_TOPIC,
  headerHash,
  heartbeatChallengeCodec,
  heartbeatCodec,
  IMMORTAL_ERA,
  keypairFromUri,
  type RuntimeInfo,
  runtimeInfoReportData,
  signExtrinsic,
  signMessage,
  toHex,
  utf8,
  workerOrigin,
  workerRecordCodec,
  workerRecordKey,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { BlockExecution, type ParentBlock } from "../chain/blockExecution.js";
import { buildGenesisState } from "../chain/genesisState.js";
import { ExecutionContext } from "../runtime/context.js";
import { ROOT, signedOrigin } from "../runtime/origin.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { Runtime, RuntimeCall } from "../runtime/runtime.js";
import { PHA } from "./balances.js";
import { computationHandlers, computationStorage } from "./computation.js";
import { mqStorage } from "./mq.js";
import { createPhalaRuntime } from "./phalaRuntime.js";
import { registryStorage } from "./registry.js";
import { systemStorage } from "./system.js";
import { timestampStorage } from "./timestamp.js";

const sr = devAccounts("sr25519");
const alice = sr.Alice.accountId;
const bob = sr.Bob.accountId;
const genesisHash = new Uint8Array(32).fill(0x6e);
const measurement = new Uint8Array(32).fill(0x4d);
const NOW_MS = 1_700_000_000_000n;

const call = (pallet: string, name: string, args: unknown): RuntimeCall => ({
  type: pallet,
  value: { type: name, value: args },
});
const setParams = (target: number | undefined, window: number) =>
  call("PhalaComputation", "setHeartbeatParams", { target, window });

function genesisConfig(computation: { heartbeatTarget?: number; heartbeatWindow?: number } = {}) {
  return {
    Balances: { balances: [[bob, 1_000n * PHA]] },
    Sudo: { key: alice },
    Session: { authorities: [[new Uint8Array(32).fill(7), 1n]] },
    PhalaRegistry: {
      policy: { allowSimulated: true, simulatedQuotingKeys: [simQuotingPublicKey()] },
      allowList: [measurement],
    },
    PhalaComputation: computation,
  };
}

function runtimeInfo(identity: Ed25519Keypair, overrides: Partial<RuntimeInfo> = {}): RuntimeInfo {
  return {
    version: 1,
    machineId: new Uint8Array(16).fill(1),
    identityPublicKey: identity.publicKey,
    ecdhPublicKey: new Uint8Array(32).fill(2),
    genesisHash,
    features: [4, 0],
    operator: alice,
    ...overrides,
  };
}

const attest = (info: RuntimeInfo) =>
  encodeAttestation({
    type: "Simulated",
    value: createSimulatedQuote({ measurement, reportData: runtimeInfoReportData(info), debug: false }),
  });

function register(runtime: Runtime, exec: ExecutionContext, info: RuntimeInfo): void {
  runtime.dispatch(
    exec,
    signedOrigin(alice),
    call("PhalaRegistry", "registerWorker", { pruntimeInfo: info, attestation: attest(info) }),
  );
}

const workerKey = keypairFromUri("//worker", "ed25519");
const strangerKey = keypairFromUri("//stranger", "ed25519");

/** A chain whose state is shared by blocks of any number (`at`), with `//worker` registered in block 1. */
function setup(computation: { heartbeatTarget?: number; heartbeatWindow?: number } = {}) {
  const runtime = createPhalaRuntime();
  const state = new StateOverlay(buildGenesisState(runtime, genesisConfig(computation)));
  const at = (number: number) => new ExecutionContext(state, { number, parentHash: new Uint8Array(32).fill(number) });
  const block1 = at(1);
  systemStorage.BlockHash.set(state, 0, genesisHash);
  timestampStorage.Now.set(state, NOW_MS);
  register(runtime, block1, runtimeInfo(workerKey));

  /**
   * Relays `payload` on the heartbeat topic as `key`'s next message, as pherry would: the
   * dispatch must succeed and take the sender's sequence whatever the pallet thinks of it.
   */
  const relay = (exec: ExecutionContext, payload: Uint8Array, key: Ed25519Keypair = workerKey) => {
    const sender = workerOrigin(key.publicKey);
    const sequence = mqStorage.OffchainIngress.get(state, sender);
    const outbound = mqStorage.OutboundMessages.get(state).length;
    const mark = exec.events.length;
    const signedMessage = signMessage(key, { sender, destination: HEARTBEAT_TOPIC, payload }, sequence);
    runtime.dispatch(exec, signedOrigin(bob), call("PhalaMq", "syncOffchainMessage", { signedMessage }));
    expect(mqStorage.OffchainIngress.get(state, sender)).toBe(sequence + 1n);
    // On-chain only: never queued for pRuntimes.
    expect(mqStorage.OutboundMessages.get(state)).toHaveLength(outbound);
    return exec.events.slice(mark).map((e) => e.event);
  };
  const beat = (exec: ExecutionContext, challengeBlock: number, key?: Ed25519Keypair) =>
    relay(exec, heartbeatCodec.enc({ challengeBlock }), key);
  return { runtime, state, at, relay, beat };
}

const received = (worker: Uint8Array, challengeBlock: number) => ({
  type: "PhalaComputation",
  value: { type: "HeartbeatReceived", value: { worker, challengeBlock } },
});
const refused = (worker: Uint8Array, challengeBlock: number, reason: string) => ({
  type: "PhalaComputation",
  value: { type: "HeartbeatRefused", value: { worker, challengeBlock, reason: { type: reason, value: undefined } } },
});

describe("PhalaComputation.setHeartbeatParams", () => {
  it("lets root set the target and window, and says so", () => {
    const { runtime, state, at } = setup();
    expect(computationStorage.HeartbeatTarget.get(state)).toBeUndefined();
    expect(computationStorage.HeartbeatWindow.get(state)).toBe(10);
    const exec = at(2);
    runtime.dispatch(exec, ROOT, setParams(1234, 3));
    expect(computationStorage.HeartbeatTarget.get(state)).toBe(1234);
    expect(computationStorage.HeartbeatWindow.get(state)).toBe(3);
    runtime.dispatch(exec, ROOT, setParams(undefined, 7));
    expect(computationStorage.HeartbeatTarget.get(state)).toBeUndefined();
    expect(computationStorage.HeartbeatWindow.get(state)).toBe(7);
    expect(exec.events.map((e) => e.event)).toEqual([
      { type: "PhalaComputation", value: { type: "HeartbeatParamsSet", value: { target: 1234, window: 3 } } },
      { type: "PhalaComputation", value: { type: "HeartbeatParamsSet", value: { target: undefined, window: 7 } } },
    ]);
  });

  it("refuses a zero window and any origin but root, changing nothing", () => {
    const { runtime, state, at } = setup({ heartbeatTarget: 5, heartbeatWindow: 4 });
    const exec = at(2);
    expect(() => runtime.dispatch(exec, ROOT, setParams(9, 0))).toThrowError(
      expect.objectContaining({ label: "PhalaComputation.InvalidWindow" }),
    );
    expect(() => runtime.dispatch(exec, signedOrigin(alice), setParams(9, 2))).toThrowError(
      expect.objectContaining({ label: "BadOrigin" }),
    );
    expect(computationStorage.HeartbeatTarget.get(state)).toBe(5);
    expect(computationStorage.HeartbeatWindow.get(state)).toBe(4);
    expect(exec.events).toEqual([]);
    // Through sudo, the key's call is root's.
    runtime.dispatch(exec, signedOrigin(alice), call("Sudo", "sudo", { call: setParams(9, 2) }));
    expect(computationStorage.HeartbeatTarget.get(state)).toBe(9);
    expect(computationStorage.HeartbeatWindow.get(state)).toBe(2);
  });

  it("encodes as pallet 8, call 0: Option<u32> then u32", () => {
    const { runtime } = setup();
    expect([...runtime.encodeCall(setParams(1, 2))]).toEqual([8, 0, 1, 1, 0, 0, 0, 2, 0, 0, 0]);
    expect([...runtime.encodeCall(setParams(undefined, 2))]).toEqual([8, 0, 0, 2, 0, 0, 0]);
  });
});

describe("PhalaComputation heartbeat challenges", () => {
  const runtime = createPhalaRuntime();
  const chain = { genesisHash, maxExtrinsicSize: 64 * 1024 };
  const timestamp = (ms: bigint) =>
    encodeExtrinsic({ call: runtime.encodeCall(call("Timestamp", "set", { now: ms })) });
  const genesisOf = (computation: { heartbeatTarget?: number }): ParentBlock => ({
    hash: genesisHash,
    number: 0,
    state: buildGenesisState(runtime, genesisConfig(computation)),
  });
  const challengesIn = (state: Parameters<typeof mqStorage.OutboundMessages.get>[0]) =>
    mqStorage.OutboundMessages.get(state).filter((m) => toHex(m.destination) === toHex(HEARTBEAT_CHALLENGE_TOPIC));
  function produce(parent: ParentBlock, body: (block: BlockExecution) => void = () => {}) {
    const block = new BlockExecution(runtime, chain, parent, []);
    const challenges = challengesIn(block.exec.state);
    block.apply(block.check(timestamp(BigInt(parent.number + 1) * 6000n)));
    body(block);
    const built = block.finalize();
    const next: ParentBlock = { hash: headerHash(built.header), number: built.header.number, state: built.state };
    return { challenges, next, built };
  }

  it("are not sent while no target is set", () => {
    const { challenges, built } = produce(genesisOf({}));
    expect(challenges).toEqual([]);
    expect(challengesIn(built.state)).toEqual([]);
  });

  it("are sent each block by the pallet, seeded with the parent's hash, until the target is unset", () => {
    const first = produce(genesisOf({ heartbeatTarget: 77 }), (block) =>
      runtime.dispatch(block.exec, ROOT, setParams(0xffffffff, 5)),
    );
    expect(first.challenges).toHaveLength(1);
    const [challenge] = first.challenges;
    expect(challenge!.sender).toEqual({ type: "Pallet", value: utf8("PhalaComputation") });
    expect(heartbeatChallengeCodec.dec(challenge!.payload)).toEqual({ blockNumber: 1, seed: genesisHash, target: 77 });
    // The block's state holds it for pRuntimes to read.
    expect(challengesIn(first.built.state)).toEqual(first.challenges);

    // The next block challenges with the new target, seeded with block 1's hash, and only once.
    const second = produce(first.next, (block) => runtime.dispatch(block.exec, ROOT, setParams(undefined, 5)));
    expect(second.challenges.map((m) => heartbeatChallengeCodec.dec(m.payload))).toEqual([
      { blockNumber: 2, seed: first.next.hash, target: 0xffffffff },
    ]);
    expect(toHex(first.next.hash)).not.toBe(toHex(genesisHash));

    const third = produce(second.next);
    expect(third.challenges).toEqual([]);
    expect(challengesIn(third.built.state)).toEqual([]);
  });

  it("are answered by a registered worker's heartbeat relayed in a later block", () => {
    const base = genesisOf({ heartbeatTarget: 0xffffffff });
    const overlay = new StateOverlay(base.state);
    const info = runtimeInfo(workerKey);
    registryStorage.Workers.set(overlay, workerKey.publicKey, {
      pubkey: info.identityPublicKey,
      ecdhPubkey: info.ecdhPublicKey,
      runtimeVersion: info.version,
      machineId: info.machineId,
      features: info.features,
      operator: info.operator,
      attestationProvider: { type: "Simulated", value: undefined },
      measurement,
      confidenceLevel: 5,
      lastUpdated: 0n,
    });
    const first = produce({ ...base, state: overlay.commit() });
    const challenge = heartbeatChallengeCodec.dec(first.challenges[0]!.payload);
    expect(answersChallenge(workerKey.publicKey, challenge)).toBe(true);
    const sender = workerOrigin(workerKey.publicKey);
    const signedMessage = signMessage(
      workerKey,
      { sender, destination: HEARTBEAT_TOPIC, payload: heartbeatCodec.enc({ challengeBlock: challenge.blockNumber }) },
      0n,
    );
    const xt = signExtrinsic(
      sr.Bob,
      runtime.encodeCall(call("PhalaMq", "syncOffchainMessage", { signedMessage })),
      { era: IMMORTAL_ERA, nonce: 0, tip: 0n },
      { specVersion: 1, transactionVersion: 1, genesisHash, birthHash: genesisHash },
    );
    const second = produce(first.next, (block) => {
      const outcome = block.apply(block.check(xt));
      expect(outcome.dispatchError).toBeUndefined();
    });
    expect(computationStorage.Heartbeats.get(second.built.state, workerKey.publicKey)).toEqual({
      lastChallenge: 1,
      count: 1n,
    });
    expect(mqStorage.OffchainIngress.get(second.built.state, sender)).toBe(1n);
    const events = runtime.systemEvents.get(second.built.state).map((r) => r.event);
    expect(events).toContainEqual(received(workerKey.publicKey, 1));
  });
});

describe("PhalaComputation heartbeats", () => {
  it("records a heartbeat answering a recent challenge, and counts them", () => {
    const { state, at, beat } = setup();
    expect(beat(at(20), 10)).toEqual([received(workerKey.publicKey, 10)]);
    expect(computationStorage.Heartbeats.get(state, workerKey.publicKey)).toEqual({ lastChallenge: 10, count: 1n });
    expect(beat(at(20), 19)).toEqual([received(workerKey.publicKey, 19)]);
    expect(computationStorage.Heartbeats.get(state, workerKey.publicKey)).toEqual({ lastChallenge: 19, count: 2n });
  });

  it("refuses a heartbeat for the current or a future block, or older than the window, as Late", () => {
    const { runtime, state, at, beat } = setup();
    const w = workerKey.publicKey;
    expect(beat(at(20), 20)).toEqual([refused(w, 20, "Late")]);
    expect(beat(at(20), 21)).toEqual([refused(w, 21, "Late")]);
    expect(beat(at(20), 0xffffffff)).toEqual([refused(w, 0xffffffff, "Late")]);
    expect(beat(at(20), 9)).toEqual([refused(w, 9, "Late")]); // 11 blocks ago, window 10
    expect(computationStorage.Heartbeats.get(state, w)).toBeUndefined();
    runtime.dispatch(at(20), ROOT, setParams(undefined, 3));
    expect(beat(at(20), 16)).toEqual([refused(w, 16, "Late")]);
    expect(beat(at(20), 17)).toEqual([received(w, 17)]);
  });

  it("refuses an answer to a challenge no later than the last one answered as Repeated", () => {
    const { state, at, beat } = setup();
    const w = workerKey.publicKey;
    expect(beat(at(20), 15)).toEqual([received(w, 15)]);
    expect(beat(at(20), 15)).toEqual([refused(w, 15, "Repeated")]);
    expect(beat(at(21), 15)).toEqual([refused(w, 15, "Repeated")]);
    expect(beat(at(21), 12)).toEqual([refused(w, 12, "Repeated")]);
    expect(computationStorage.Heartbeats.get(state, w)).toEqual({ lastChallenge: 15, count: 1n });
    expect(beat(at(21), 16)).toEqual([received(w, 16)]);
    expect(computationStorage.Heartbeats.get(state, w)).toEqual({ lastChallenge: 16, count: 2n });
  });

  it("refuses a heartbeat from a worker the registry does not know as Unregistered", () => {
    const { state, at, beat } = setup();
    expect(beat(at(20), 15, strangerKey)).toEqual([refused(strangerKey.publicKey, 15, "Unregistered")]);
    expect(computationStorage.Heartbeats.get(state, strangerKey.publicKey)).toBeUndefined();
    // The stranger's later messages are not stuck behind the refused one.
    expect(beat(at(20), 16, strangerKey)).toEqual([refused(strangerKey.publicKey, 16, "Unregistered")]);
    expect(mqStorage.OffchainIngress.get(state, workerOrigin(strangerKey.publicKey))).toBe(2n);
  });

  it("refuses a payload that is not exactly a heartbeat as Malformed", () => {
    const { state, at, relay, beat } = setup();
    const w = workerKey.publicKey;
    expect(relay(at(20), new Uint8Array())).toEqual([refused(w, 0, "Malformed")]);
    expect(relay(at(20), Uint8Array.of(15, 0, 0))).toEqual([refused(w, 0, "Malformed")]);
    expect(relay(at(20), Uint8Array.of(15, 0, 0, 0, 0))).toEqual([refused(w, 0, "Malformed")]);
    expect(computationStorage.Heartbeats.get(state, w)).toBeUndefined();
    expect(beat(at(20), 15)).toEqual([received(w, 15)]);
    expect(mqStorage.OffchainIngress.get(state, workerOrigin(w))).toBe(4n);
  });

  it("judges in order: Malformed, then Unregistered, then Late, then Repeated", () => {
    const { at, relay, beat } = setup();
    expect(relay(at(20), Uint8Array.of(1), strangerKey)).toEqual([refused(strangerKey.publicKey, 0, "Malformed")]);
    expect(beat(at(20), 20, strangerKey)).toEqual([refused(strangerKey.publicKey, 20, "Unregistered")]);
    expect(beat(at(20), 19)).toEqual([received(workerKey.publicKey, 19)]);
    expect(beat(at(29), 19)).toEqual([refused(workerKey.publicKey, 19, "Repeated")]);
    expect(beat(at(29), 18)).toEqual([refused(workerKey.publicKey, 18, "Late")]);
  });

  it("ignores a message from any sender but a worker, without throwing", () => {
    const { state, at } = setup();
    const handler = computationHandlers.get("^phala/computation/heartbeat")!;
    const exec = at(20);
    const payload = heartbeatCodec.enc({ challengeBlock: 15 });
    for (const sender of [
      { type: "Pallet", value: utf8("PhalaComputation") },
      { type: "AccountId", value: alice },
      { type: "Contract", value: workerKey.publicKey },
    ] as const) {
      handler(exec, { sender, destination: HEARTBEAT_TOPIC, payload });
    }
    expect(exec.events).toEqual([]);
    expect(computationStorage.Heartbeats.get(state, workerKey.publicKey)).toBeUndefined();
  });
});

describe("PhalaRegistry.Workers read with core's WorkerRecord", () => {
  it("decodes what the registry stored, field for field, under core's key", () => {
    const { runtime, state, at } = setup();
    const anonymousKey = keypairFromUri("//anonymous", "ed25519");
    register(runtime, at(1), runtimeInfo(anonymousKey, { operator: undefined, machineId: Uint8Array.of(1, 2, 3) }));
    for (const key of [workerKey, anonymousKey]) {
      const pubkey = key.publicKey;
      expect(toHex(workerRecordKey(pubkey))).toBe(toHex(registryStorage.Workers.keyFor(pubkey)));
      const raw = state.get(workerRecordKey(pubkey));
      expect(raw).toBeDefined();
      const stored = registryStorage.Workers.get(state, pubkey)!;
      const decoded = decodeWorkerRecord(raw!);
      expect(decoded).toEqual(stored);
      expect(toHex(workerRecordCodec.enc(decoded))).toBe(toHex(raw!));
    }
    expect(decodeWorkerRecord(state.get(workerRecordKey(workerKey.publicKey))!)).toEqual({
      pubkey: workerKey.publicKey,
      ecdhPubkey: new Uint8Array(32).fill(2),
      runtimeVersion: 1,
      machineId: new Uint8Array(16).fill(1),
      features: [4, 0],
      operator: alice,
      attestationProvider: { type: "Simulated", value: undefined },
      measurement,
      confidenceLevel: 5,
      lastUpdated: NOW_MS,
    });
    expect(decodeWorkerRecord(state.get(workerRecordKey(anonymousKey.publicKey))!).operator).toBeUndefined();
    expect(state.get(workerRecordKey(strangerKey.publicKey))).toBeUndefined();
  });

  it("agrees on every attestation provider's index", () => {
    const overlay = new StateOverlay(buildGenesisState(createPhalaRuntime(), {}));
    for (const [type, index] of [
      ["Simulated", 0],
      ["SgxDcap", 1],
      ["SgxIas", 2],
    ] as const) {
      const pubkey = new Uint8Array(32).fill(index + 1);
      const record = {
        pubkey,
        ecdhPubkey: new Uint8Array(32),
        runtimeVersion: 1,
        machineId: new Uint8Array(),
        features: [],
        operator: undefined,
        attestationProvider: { type, value: undefined },
        measurement,
        confidenceLevel: 1,
        lastUpdated: 0n,
      };
      registryStorage.Workers.set(overlay, pubkey, record);
      const raw = overlay.get(workerRecordKey(pubkey))!;
      expect(raw[32 + 32 + 4 + 1 + 1 + 1]).toBe(index);
      expect(decodeWorkerRecord(raw)).toEqual(record);
    }
  });
});
