import {
  equalBytes,
  GATEKEEPER_EVENT_TOPIC,
  type GatekeeperEvent,
  gatekeeperEventCodec,
  MASTER_KEY_LAUNCH_TOPIC,
  MASTER_KEY_ROTATION_TOPIC,
  masterKeyLaunchCodec,
  masterKeyRotationCodec,
  topicToString,
  type WorkerKeys,
} from "@phala-ts/core";
import type { ExecutionContext } from "../runtime/context.js";
import { call } from "../runtime/pallet.js";
import type { StorageReader } from "../runtime/storageItem.js";
import { DB_READ, DB_WRITE, weight } from "../runtime/weight.js";
import { includesBytes, withAdded, withRemoved } from "./byteLists.js";
import { decodeOnChainPayload, MAX_PAYLOAD_BYTES, type OnChainHandler, pushPalletMessage } from "./mq.js";
import {
  registryErrors as errors,
  type MasterKeyLaunchRefusal,
  type MasterKeyRotationRefusal,
  registryStorage as storage,
  WorkerPublicKey,
  workerKeys,
} from "./registryState.js";

/**
 * The gatekeepers and the master key, part of PhalaRegistry. Governance names gatekeepers (only
 * registered workers). The first one is asked to launch the master key; its pRuntime answers
 * (Worker origin) with the master public key and the key sealed to itself, which the chain records
 * once. Later gatekeepers get the key from the holders. A rotation is started by governance and
 * answered (Gatekeeper origin, signed by the current master key) with a new key sealed to exactly
 * the current gatekeepers; gatekeepers cannot change while it is in progress.
 */

function tellGatekeepers(exec: ExecutionContext, event: GatekeeperEvent): void {
  pushPalletMessage(exec, "PhalaRegistry", GATEKEEPER_EVENT_TOPIC, gatekeeperEventCodec.enc(event));
}

function refuseWhileRotating(state: StorageReader): void {
  if (storage.MasterKeyRotationLock.get(state) !== undefined) throw errors.error("MasterKeyRotationInProgress");
}

/** The current gatekeepers' keys, in list order. */
function gatekeeperKeys(state: StorageReader): WorkerKeys[] {
  return storage.Gatekeepers.get(state).map((pubkey) => {
    const keys = workerKeys(state, pubkey);
    // Workers are never removed, so a gatekeeper always has its record.
    if (keys === undefined) throw errors.error("WorkerNotRegistered");
    return keys;
  });
}

export const masterKeyCalls = {
  registerGatekeeper: call({
    index: 3,
    args: { gatekeeper: WorkerPublicKey },
    origin: "root",
    weight: weight(DB_READ.refTime * 5n + DB_WRITE.refTime * 3n),
    docs:
      "Make a registered worker a gatekeeper. Before the master key exists, the first gatekeeper is " +
      "asked to launch it, and no other is taken until it has; later ones receive it from the holders.",
    execute({ exec }, { gatekeeper }) {
      refuseWhileRotating(exec.state);
      const keys = workerKeys(exec.state, gatekeeper);
      if (keys === undefined) throw errors.error("WorkerNotRegistered");
      const list = withAdded(storage.Gatekeepers.get(exec.state), gatekeeper, errors, "GatekeeperAlreadyRegistered");
      if (storage.GatekeeperMasterPubkey.get(exec.state) === undefined) {
        if (storage.MasterKeyLaunchPending.get(exec.state) !== undefined) {
          throw errors.error("MasterKeyLaunchInProgress");
        }
        storage.MasterKeyLaunchPending.set(exec.state, gatekeeper);
        tellGatekeepers(exec, { type: "FirstGatekeeper", value: keys });
      } else {
        tellGatekeepers(exec, { type: "GatekeeperRegistered", value: keys });
      }
      storage.Gatekeepers.set(exec.state, list);
      exec.deposit("PhalaRegistry", { type: "GatekeeperAdded", value: { pubkey: gatekeeper } });
    },
  }),
  unregisterGatekeeper: call({
    index: 4,
    args: { gatekeeper: WorkerPublicKey },
    origin: "root",
    weight: weight(DB_READ.refTime * 3n + DB_WRITE.refTime * 3n),
    docs: "Stop a worker being a gatekeeper; it learns no later master key. Cancels its pending launch.",
    execute({ exec }, { gatekeeper }) {
      refuseWhileRotating(exec.state);
      const list = withRemoved(storage.Gatekeepers.get(exec.state), gatekeeper, errors, "GatekeeperNotFound");
      storage.Gatekeepers.set(exec.state, list);
      const pending = storage.MasterKeyLaunchPending.get(exec.state);
      if (pending !== undefined && equalBytes(pending, gatekeeper)) storage.MasterKeyLaunchPending.remove(exec.state);
      tellGatekeepers(exec, { type: "GatekeeperUnregistered", value: { pubkey: gatekeeper } });
      exec.deposit("PhalaRegistry", { type: "GatekeeperRemoved", value: { pubkey: gatekeeper } });
    },
  }),
  rotateMasterKey: call({
    index: 5,
    args: {},
    origin: "root",
    weight: weight(DB_READ.refTime * 4n + DB_WRITE.refTime * 2n),
    docs:
      "Start a master key rotation (the next rotation id): the gatekeepers answer with a new key for " +
      "the current gatekeepers; gatekeepers cannot change until the chain records it.",
    execute({ exec }) {
      if (storage.GatekeeperMasterPubkey.get(exec.state) === undefined) throw errors.error("MasterKeyNotReady");
      refuseWhileRotating(exec.state);
      const gatekeepers = gatekeeperKeys(exec.state);
      if (gatekeepers.length === 0) throw errors.error("NoGatekeeper");
      const rotationId = storage.RotationCounter.get(exec.state) + 1n;
      storage.MasterKeyRotationLock.set(exec.state, rotationId);
      tellGatekeepers(exec, { type: "RotateMasterKey", value: { rotationId, gatekeepers } });
      exec.deposit("PhalaRegistry", { type: "MasterKeyRotationStarted", value: { rotationId } });
    },
  }),
  cancelMasterKeyRotation: call({
    index: 6,
    args: {},
    origin: "root",
    weight: weight(DB_READ.refTime + DB_WRITE.refTime),
    docs:
      "Give up the rotation in progress (when no gatekeeper can answer it), so that gatekeepers may " +
      "change again. A late answer to it is refused as NotInProgress, or, once another rotation " +
      "is under way, taken only if sealed to exactly the gatekeepers of that one.",
    execute({ exec }) {
      const rotationId = storage.MasterKeyRotationLock.get(exec.state);
      if (rotationId === undefined) throw errors.error("MasterKeyRotationNotInProgress");
      storage.MasterKeyRotationLock.remove(exec.state);
      exec.deposit("PhalaRegistry", { type: "MasterKeyRotationCancelled", value: { rotationId } });
    },
  }),
};

/** What the accepted answer tells pRuntimes, or undefined when it would not fit in a message. */
function gatekeeperEventPayload(event: GatekeeperEvent): Uint8Array | undefined {
  const payload = gatekeeperEventCodec.enc(event);
  return payload.length > MAX_PAYLOAD_BYTES ? undefined : payload;
}

/**
 * The first gatekeeper's launch (`^phala/registry/master-key-launch`, Worker origin). Like every
 * on-chain handler it never throws, so that the sender's sequence is taken whatever the verdict;
 * a refusal is an event and changes nothing else.
 */
const takeMasterKeyLaunch: OnChainHandler = (exec, message) => {
  const sender = message.sender.type === "Worker" ? message.sender.value : undefined;
  const refuse = (reason: MasterKeyLaunchRefusal) =>
    exec.deposit("PhalaRegistry", {
      type: "MasterKeyLaunchRefused",
      value: { sender, reason: { type: reason, value: undefined } },
    });
  const launch = decodeOnChainPayload(masterKeyLaunchCodec, message.payload, "MasterKeyLaunch");
  if (launch === undefined) return refuse("Malformed");
  if (storage.GatekeeperMasterPubkey.get(exec.state) !== undefined) return refuse("AlreadyLaunched");
  const target = storage.MasterKeyLaunchPending.get(exec.state);
  if (
    sender === undefined ||
    target === undefined ||
    !equalBytes(sender, target) ||
    !includesBytes(storage.Gatekeepers.get(exec.state), sender)
  ) {
    return refuse("NotLaunchTarget");
  }
  if (!equalBytes(launch.share.recipient, sender)) return refuse("ShareMismatch");
  const { masterPubkey, share } = launch;
  const payload = gatekeeperEventPayload({
    type: "MasterKeyLaunched",
    value: { gatekeeper: sender, masterPubkey, share },
  });
  if (payload === undefined) return refuse("TooLarge");
  storage.GatekeeperMasterPubkey.set(exec.state, masterPubkey);
  storage.MasterKeyLaunchPending.remove(exec.state);
  exec.deposit("PhalaRegistry", { type: "MasterKeyLaunched", value: { gatekeeper: sender, masterPubkey } });
  pushPalletMessage(exec, "PhalaRegistry", GATEKEEPER_EVENT_TOPIC, payload);
};

/** Whether `recipients` are exactly `gatekeepers` (which hold no duplicates), once each, in any order. */
function sealedToExactly(recipients: readonly Uint8Array[], gatekeepers: readonly Uint8Array[]): boolean {
  return recipients.length === gatekeepers.length && gatekeepers.every((g) => includesBytes(recipients, g));
}

/**
 * A gatekeeper's answer to a rotation (`^phala/registry/master-key-rotation`, Gatekeeper origin,
 * which the mq accepted only signed by the current master key). Gatekeepers may answer one rotation
 * with different keys: the first to land wins; the others share its origin's sequence, so the mq
 * refuses them as stale. Never throws (see takeMasterKeyLaunch).
 */
const takeMasterKeyRotation: OnChainHandler = (exec, message) => {
  let rotationId = 0n;
  const refuse = (reason: MasterKeyRotationRefusal) =>
    exec.deposit("PhalaRegistry", {
      type: "MasterKeyRotationRefused",
      value: { rotationId, reason: { type: reason, value: undefined } },
    });
  const rotation = decodeOnChainPayload(masterKeyRotationCodec, message.payload, "MasterKeyRotation");
  if (rotation === undefined) return refuse("Malformed");
  rotationId = rotation.rotationId;
  if (message.sender.type !== "Gatekeeper") return refuse("NotGatekeeper");
  const lock = storage.MasterKeyRotationLock.get(exec.state);
  if (lock === undefined) return refuse("NotInProgress");
  if (lock !== rotationId) return refuse("WrongRotationId");
  const recipients = rotation.shares.map((share) => share.recipient);
  if (!sealedToExactly(recipients, storage.Gatekeepers.get(exec.state))) return refuse("RecipientMismatch");
  const payload = gatekeeperEventPayload({ type: "MasterKeyRotated", value: rotation });
  if (payload === undefined) return refuse("TooLarge");
  const { masterPubkey } = rotation;
  storage.GatekeeperMasterPubkey.set(exec.state, masterPubkey);
  storage.RotationCounter.set(exec.state, rotationId);
  storage.MasterKeyRotationLock.remove(exec.state);
  exec.deposit("PhalaRegistry", { type: "MasterKeyRotated", value: { rotationId, masterPubkey } });
  pushPalletMessage(exec, "PhalaRegistry", GATEKEEPER_EVENT_TOPIC, payload);
};

export const masterKeyHandlers: ReadonlyMap<string, OnChainHandler> = new Map([
  [topicToString(MASTER_KEY_LAUNCH_TOPIC), takeMasterKeyLaunch],
  [topicToString(MASTER_KEY_ROTATION_TOPIC), takeMasterKeyRotation],
]);
