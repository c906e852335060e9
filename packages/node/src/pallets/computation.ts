import {
  HEARTBEAT_CHALLENGE_TOPIC,
  HEARTBEAT_TOPIC,
  heartbeatChallengeCodec,
  heartbeatCodec,
  type Message,
  topicToString,
} from "@phala-ts/core";
import type { ExecutionContext } from "../runtime/context.js";
import { PalletErrors } from "../runtime/dispatchError.js";
import { bindStorage, call, definePallet } from "../runtime/pallet.js";
import { type TypeOf, t } from "../runtime/scaleType.js";
import { storageMap, storageValue } from "../runtime/storageItem.js";
import { DB_WRITE, weight } from "../runtime/weight.js";
import { decodeOnChainPayload, type OnChainHandler, pushPalletMessage } from "./mq.js";
import { PALLET_INDEX } from "./palletIndices.js";
import { registryStorage } from "./registry.js";

const WorkerPublicKey = t.named(["sp_core", "ed25519", "Public"], t.fixed(32));

const HeartbeatRecordType = t.struct(["phala_pallets", "computation", "HeartbeatRecord"], {
  /** The block whose challenge the worker last answered. */
  lastChallenge: t.u32,
  /** Heartbeats accepted so far. */
  count: t.u64,
});
export type HeartbeatRecord = TypeOf<typeof HeartbeatRecordType>;

const storage = bindStorage("PhalaComputation", {
  HeartbeatTarget: storageValue(t.option(t.u32), {
    default: undefined,
    docs: "The challenge target (a worker answers when its draw is at most this); no challenges when None.",
  }),
  HeartbeatWindow: storageValue(t.u32, {
    default: 10,
    docs: "How many blocks after its challenge a heartbeat still counts.",
  }),
  Heartbeats: storageMap("Twox64Concat", WorkerPublicKey, HeartbeatRecordType, {
    docs: "Each worker's last answered challenge and its count of accepted heartbeats.",
  }),
});

const errors = new PalletErrors("PhalaComputation", PALLET_INDEX.PhalaComputation, ["InvalidWindow"]);

const HeartbeatRefusal = t.variant(["phala_pallets", "computation", "HeartbeatRefusal"], {
  Malformed: [0],
  Unregistered: [1],
  Late: [2],
  Repeated: [3],
});

const events = t.variant(["phala_pallets", "computation", "Event"], {
  HeartbeatReceived: [0, { worker: WorkerPublicKey, challengeBlock: t.u32 }],
  HeartbeatRefused: [1, { worker: WorkerPublicKey, challengeBlock: t.u32, reason: HeartbeatRefusal }],
  HeartbeatParamsSet: [2, { target: t.option(t.u32), window: t.u32 }],
});
export type ComputationEvent = TypeOf<typeof events>;
type Refusal = TypeOf<typeof HeartbeatRefusal>["type"];

/**
 * Takes a worker's heartbeat (`^phala/computation/heartbeat`). It never throws: the message is
 * signed by an attested enclave and its sequence must be taken whatever the verdict, or the
 * worker's later messages would wait behind it forever. A late or repeated answer is recorded as
 * refused.
 */
const takeHeartbeat: OnChainHandler = (exec: ExecutionContext, message: Message) => {
  if (message.sender.type !== "Worker") return;
  const worker = message.sender.value;
  let challengeBlock = 0;
  const refuse = (reason: Refusal) =>
    exec.deposit("PhalaComputation", {
      type: "HeartbeatRefused",
      value: { worker, challengeBlock, reason: { type: reason, value: undefined } },
    });
  // Exactly a heartbeat: pRuntime sends four bytes, so trailing bytes are Malformed too.
  const heartbeat = decodeOnChainPayload(heartbeatCodec, message.payload, "Heartbeat");
  if (heartbeat === undefined) return refuse("Malformed");
  challengeBlock = heartbeat.challengeBlock;
  if (registryStorage.Workers.get(exec.state, worker) === undefined) return refuse("Unregistered");
  const now = exec.block.number;
  if (challengeBlock >= now || now - challengeBlock > storage.HeartbeatWindow.get(exec.state)) return refuse("Late");
  const record = storage.Heartbeats.get(exec.state, worker);
  if (record !== undefined && record.lastChallenge >= challengeBlock) return refuse("Repeated");
  storage.Heartbeats.set(exec.state, worker, { lastChallenge: challengeBlock, count: (record?.count ?? 0n) + 1n });
  exec.deposit("PhalaComputation", { type: "HeartbeatReceived", value: { worker, challengeBlock } });
};

export const computationHandlers: ReadonlyMap<string, OnChainHandler> = new Map([
  [topicToString(HEARTBEAT_TOPIC), takeHeartbeat],
]);

export interface ComputationGenesis {
  readonly heartbeatTarget?: number | undefined;
  readonly heartbeatWindow?: number | undefined;
}

/**
 * Workers' proven liveness: each block challenges every pRuntime, and the winners' signed
 * answers, relayed by pherry, are counted here. Rewards and stakes build on these counts.
 */
export const computation = definePallet({
  name: "PhalaComputation",
  index: PALLET_INDEX.PhalaComputation,
  docs: "Heartbeat challenges to workers and their answers: proven liveness.",
  storage,
  events,
  errors,
  calls: {
    setHeartbeatParams: call({
      index: 0,
      args: { target: t.option(t.u32), window: t.u32 },
      origin: "root",
      weight: weight(DB_WRITE.refTime * 2n),
      docs: "Set the challenge target (None stops challenges) and the answer window in blocks.",
      execute({ exec }, { target, window }) {
        if (window === 0) throw errors.error("InvalidWindow");
        storage.HeartbeatTarget.set(exec.state, target);
        storage.HeartbeatWindow.set(exec.state, window);
        exec.deposit("PhalaComputation", { type: "HeartbeatParamsSet", value: { target, window } });
      },
    }),
  },
  hooks: {
    onInitialize(exec) {
      const target = storage.HeartbeatTarget.get(exec.state);
      if (target === undefined) return;
      const { number, parentHash } = exec.block;
      pushPalletMessage(
        exec,
        "PhalaComputation",
        HEARTBEAT_CHALLENGE_TOPIC,
        heartbeatChallengeCodec.enc({ blockNumber: number, seed: parentHash, target }),
      );
    },
  },
  genesis(state, config) {
    const { heartbeatTarget, heartbeatWindow } = (config ?? {}) as ComputationGenesis;
    if (heartbeatTarget !== undefined) storage.HeartbeatTarget.set(state, heartbeatTarget);
    if (heartbeatWindow !== undefined) storage.HeartbeatWindow.set(state, heartbeatWindow);
  },
});

export const computationStorage = storage;
