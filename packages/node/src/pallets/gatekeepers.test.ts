import {
  ed25519Generate,
  GATEKEEPER_EVENT_TOPIC,
  type GatekeeperEvent,
  gatekeeperEventCodec,
  KEY_HIERARCHY_STORAGE,
  type KeyShare,
  MASTER_KEY_LAUNCH_TOPIC,
  MASTER_KEY_ROTATION_TOPIC,
  masterKeyLaunchCodec,
  masterKeyRotationCodec,
  topicFromString,
  workerOrigin,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { signedOrigin } from "../runtime/origin.js";
import {
  alice,
  call,
  GATEKEEPER,
  hierarchyKey,
  labelOf,
  setupChain,
  workerIdentity,
} from "./keyHierarchy.test-util.js";
import { MAX_PAYLOAD_BYTES, mqStorage } from "./mq.js";
import { registryStorage } from "./registry.js";

const gk1 = workerIdentity("//gk1");
const gk2 = workerIdentity("//gk2");
const gk3 = workerIdentity("//gk3");
const stranger = workerIdentity("//stranger");
const master = hierarchyKey(0x11);
const nextMaster = hierarchyKey(0x22);

function setup() {
  const chain = setupChain();
  for (const worker of [gk1, gk2, gk3, stranger]) chain.registerWorker(worker);
  const gatekeeperCall = (name: string, gatekeeper: Uint8Array) => chain.root("PhalaRegistry", name, { gatekeeper });
  const told = (): GatekeeperEvent[] => chain.outbound(GATEKEEPER_EVENT_TOPIC, gatekeeperEventCodec, "PhalaRegistry");
  const launchPayload = (masterPubkey: Uint8Array, recipient: Uint8Array) =>
    masterKeyLaunchCodec.enc({ masterPubkey, share: { recipient, envelope: Uint8Array.of(9) } });
  /** `who` (as its Worker origin) sends `payload` as a launch: the events it caused. */
  const launchFrom = (who: typeof gk1, payload: Uint8Array) =>
    chain.relay(who.keypair, workerOrigin(who.keys.pubkey), MASTER_KEY_LAUNCH_TOPIC, payload).events;
  return { ...chain, gatekeeperCall, told, launchPayload, launchFrom };
}

const refusedLaunch = (sender: Uint8Array | undefined, reason: string) => ({
  type: "MasterKeyLaunchRefused",
  value: { sender, reason: { type: reason, value: undefined } },
});
const refusedRotation = (rotationId: bigint, reason: string) => ({
  type: "MasterKeyRotationRefused",
  value: { rotationId, reason: { type: reason, value: undefined } },
});
const shares = (...recipients: Uint8Array[]): KeyShare[] =>
  recipients.map((recipient, i) => ({ recipient, envelope: Uint8Array.of(i) }));

describe("PhalaRegistry gatekeepers", () => {
  it("sudo makes registered workers gatekeepers, in order, tells pRuntimes, and removes them", () => {
    const { exec, gatekeeperCall, launch, told, runtime } = setup();
    launch(gk1, master);
    gatekeeperCall("registerGatekeeper", gk2.keys.pubkey);
    expect(registryStorage.Gatekeepers.get(exec.state)).toEqual([gk1.keys.pubkey, gk2.keys.pubkey]);
    gatekeeperCall("unregisterGatekeeper", gk1.keys.pubkey);
    expect(registryStorage.Gatekeepers.get(exec.state)).toEqual([gk2.keys.pubkey]);
    expect(told().map((e) => e.type)).toEqual([
      "FirstGatekeeper",
      "MasterKeyLaunched",
      "GatekeeperRegistered",
      "GatekeeperUnregistered",
    ]);
    expect(told()[2]).toEqual({ type: "GatekeeperRegistered", value: gk2.keys });
    expect(told()[3]).toEqual({ type: "GatekeeperUnregistered", value: { pubkey: gk1.keys.pubkey } });
    const registryEvents = exec.events.filter((e) => e.event.type === "PhalaRegistry");
    expect(registryEvents.map((e) => (e.event.value as { type: string }).type)).toContain("GatekeeperAdded");

    expect(labelOf(() => gatekeeperCall("registerGatekeeper", gk2.keys.pubkey))).toBe(
      "PhalaRegistry.GatekeeperAlreadyRegistered",
    );
    expect(labelOf(() => gatekeeperCall("unregisterGatekeeper", gk1.keys.pubkey))).toBe(
      "PhalaRegistry.GatekeeperNotFound",
    );
    expect(labelOf(() => gatekeeperCall("registerGatekeeper", workerIdentity("//nobody").keys.pubkey))).toBe(
      "PhalaRegistry.WorkerNotRegistered",
    );
    const signed = call("PhalaRegistry", "registerGatekeeper", { gatekeeper: gk1.keys.pubkey });
    expect(labelOf(() => runtime.dispatch(exec, signedOrigin(alice), signed))).toBe("BadOrigin");
    expect(registryStorage.Gatekeepers.get(exec.state)).toEqual([gk2.keys.pubkey]);
  });

  it("asks the first gatekeeper to launch the master key, takes no other until then, and records it once", () => {
    const { exec, gatekeeperCall, told, launchPayload, launchFrom } = setup();
    gatekeeperCall("registerGatekeeper", gk1.keys.pubkey);
    expect(told()).toEqual([{ type: "FirstGatekeeper", value: gk1.keys }]);
    expect(registryStorage.MasterKeyLaunchPending.get(exec.state)).toEqual(gk1.keys.pubkey);
    expect(labelOf(() => gatekeeperCall("registerGatekeeper", gk2.keys.pubkey))).toBe(
      "PhalaRegistry.MasterKeyLaunchInProgress",
    );

    // Refusals are events: the sequence is taken and nothing else changes.
    expect(launchFrom(stranger, launchPayload(master.publicKey, stranger.keys.pubkey))).toEqual([
      refusedLaunch(stranger.keys.pubkey, "NotLaunchTarget"),
    ]);
    expect(launchFrom(gk1, launchPayload(master.publicKey, gk2.keys.pubkey))).toEqual([
      refusedLaunch(gk1.keys.pubkey, "ShareMismatch"),
    ]);
    expect(launchFrom(gk1, Uint8Array.of(1, 2, 3))).toEqual([refusedLaunch(gk1.keys.pubkey, "Malformed")]);
    expect(launchFrom(gk1, Uint8Array.of(...launchPayload(master.publicKey, gk1.keys.pubkey), 0))).toEqual([
      refusedLaunch(gk1.keys.pubkey, "Malformed"),
    ]);
    expect(registryStorage.GatekeeperMasterPubkey.get(exec.state)).toBeUndefined();

    expect(launchFrom(gk1, launchPayload(master.publicKey, gk1.keys.pubkey))).toEqual([
      { type: "MasterKeyLaunched", value: { gatekeeper: gk1.keys.pubkey, masterPubkey: master.publicKey } },
    ]);
    expect(registryStorage.GatekeeperMasterPubkey.get(exec.state)).toEqual(master.publicKey);
    expect(registryStorage.MasterKeyLaunchPending.get(exec.state)).toBeUndefined();
    expect(registryStorage.RotationCounter.get(exec.state)).toBe(0n);
    expect(told().at(-1)).toEqual({
      type: "MasterKeyLaunched",
      value: {
        gatekeeper: gk1.keys.pubkey,
        masterPubkey: master.publicKey,
        share: { recipient: gk1.keys.pubkey, envelope: Uint8Array.of(9) },
      },
    });

    // A second first-launch, even by the same gatekeeper, is refused.
    expect(launchFrom(gk1, launchPayload(nextMaster.publicKey, gk1.keys.pubkey))).toEqual([
      refusedLaunch(gk1.keys.pubkey, "AlreadyLaunched"),
    ]);
    expect(registryStorage.GatekeeperMasterPubkey.get(exec.state)).toEqual(master.publicKey);
    expect(told().filter((e) => e.type === "MasterKeyLaunched")).toHaveLength(1);
  });

  it("refuses a launch too large to tell pRuntimes, rather than failing the message", () => {
    const { exec, gatekeeperCall, launchFrom } = setup();
    gatekeeperCall("registerGatekeeper", gk1.keys.pubkey);
    const share = { recipient: gk1.keys.pubkey, envelope: new Uint8Array(MAX_PAYLOAD_BYTES) };
    expect(launchFrom(gk1, masterKeyLaunchCodec.enc({ masterPubkey: master.publicKey, share }))).toEqual([
      refusedLaunch(gk1.keys.pubkey, "TooLarge"),
    ]);
    expect(registryStorage.GatekeeperMasterPubkey.get(exec.state)).toBeUndefined();
    expect(registryStorage.MasterKeyLaunchPending.get(exec.state)).toEqual(gk1.keys.pubkey);
  });

  it("refuses a launch from any origin but the launch target's worker", () => {
    const { gatekeeperCall, launchPayload, launchFrom, sign, submit } = setup();
    gatekeeperCall("registerGatekeeper", gk1.keys.pubkey);
    // No master key yet: nobody can sign as the Gatekeeper origin.
    const asGatekeeper = sign(
      master,
      GATEKEEPER,
      MASTER_KEY_LAUNCH_TOPIC,
      launchPayload(master.publicKey, gk1.keys.pubkey),
    );
    expect(labelOf(() => submit(asGatekeeper))).toBe("PhalaMq.BadSender");
    // A worker signing for another worker's origin.
    const forged = sign(
      stranger.keypair,
      workerOrigin(gk1.keys.pubkey),
      MASTER_KEY_LAUNCH_TOPIC,
      launchPayload(master.publicKey, gk1.keys.pubkey),
    );
    expect(labelOf(() => submit(forged))).toBe("PhalaMq.BadSignature");
    expect(launchFrom(gk2, launchPayload(master.publicKey, gk2.keys.pubkey))).toEqual([
      refusedLaunch(gk2.keys.pubkey, "NotLaunchTarget"),
    ]);
  });

  it("cancels the launch of a gatekeeper unregistered before it launched", () => {
    const { exec, gatekeeperCall, launchPayload, launchFrom, told } = setup();
    gatekeeperCall("registerGatekeeper", gk1.keys.pubkey);
    gatekeeperCall("unregisterGatekeeper", gk1.keys.pubkey);
    expect(registryStorage.MasterKeyLaunchPending.get(exec.state)).toBeUndefined();
    gatekeeperCall("registerGatekeeper", gk2.keys.pubkey);
    expect(registryStorage.MasterKeyLaunchPending.get(exec.state)).toEqual(gk2.keys.pubkey);
    expect(told().map((e) => e.type)).toEqual(["FirstGatekeeper", "GatekeeperUnregistered", "FirstGatekeeper"]);
    expect(launchFrom(gk1, launchPayload(master.publicKey, gk1.keys.pubkey))).toEqual([
      refusedLaunch(gk1.keys.pubkey, "NotLaunchTarget"),
    ]);
  });

  it("rotates the master key under a lock, for exactly the current gatekeepers", () => {
    const { exec, gatekeeperCall, launch, root, relay, sign, submit, told } = setup();
    const rotate = () => root("PhalaRegistry", "rotateMasterKey", {});
    expect(labelOf(rotate)).toBe("PhalaRegistry.MasterKeyNotReady");
    launch(gk1, master);
    gatekeeperCall("registerGatekeeper", gk2.keys.pubkey);
    rotate();
    expect(registryStorage.MasterKeyRotationLock.get(exec.state)).toBe(1n);
    expect(exec.events.at(-1)?.event).toEqual({
      type: "PhalaRegistry",
      value: { type: "MasterKeyRotationStarted", value: { rotationId: 1n } },
    });
    expect(told().at(-1)).toEqual({
      type: "RotateMasterKey",
      value: { rotationId: 1n, gatekeepers: [gk1.keys, gk2.keys] },
    });

    // No gatekeeper change and no second rotation while it is in progress.
    expect(labelOf(() => gatekeeperCall("registerGatekeeper", gk3.keys.pubkey))).toBe(
      "PhalaRegistry.MasterKeyRotationInProgress",
    );
    expect(labelOf(() => gatekeeperCall("unregisterGatekeeper", gk2.keys.pubkey))).toBe(
      "PhalaRegistry.MasterKeyRotationInProgress",
    );
    expect(labelOf(rotate)).toBe("PhalaRegistry.MasterKeyRotationInProgress");

    const answer = (rotationId: bigint, ...recipients: Uint8Array[]) =>
      masterKeyRotationCodec.enc({ rotationId, masterPubkey: nextMaster.publicKey, shares: shares(...recipients) });
    const fromGatekeepers = (payload: Uint8Array) => relay(master, GATEKEEPER, MASTER_KEY_ROTATION_TOPIC, payload);
    const [one, two, three] = [gk1.keys.pubkey, gk2.keys.pubkey, gk3.keys.pubkey];
    expect(fromGatekeepers(answer(2n, one, two)).events).toEqual([refusedRotation(2n, "WrongRotationId")]);
    expect(fromGatekeepers(answer(1n, one)).events).toEqual([refusedRotation(1n, "RecipientMismatch")]);
    expect(fromGatekeepers(answer(1n, one, one)).events).toEqual([refusedRotation(1n, "RecipientMismatch")]);
    expect(fromGatekeepers(answer(1n, one, two, three)).events).toEqual([refusedRotation(1n, "RecipientMismatch")]);
    expect(fromGatekeepers(Uint8Array.of(7)).events).toEqual([refusedRotation(0n, "Malformed")]);
    const fromWorker = relay(gk1.keypair, workerOrigin(one), MASTER_KEY_ROTATION_TOPIC, answer(1n, one, two));
    expect(fromWorker.events).toEqual([refusedRotation(1n, "NotGatekeeper")]);
    expect(registryStorage.GatekeeperMasterPubkey.get(exec.state)).toEqual(master.publicKey);
    expect(registryStorage.MasterKeyRotationLock.get(exec.state)).toBe(1n);

    // The shares may come in any order.
    const accepted = fromGatekeepers(answer(1n, two, one));
    expect(accepted.events).toEqual([
      { type: "MasterKeyRotated", value: { rotationId: 1n, masterPubkey: nextMaster.publicKey } },
    ]);
    expect(registryStorage.GatekeeperMasterPubkey.get(exec.state)).toEqual(nextMaster.publicKey);
    expect(registryStorage.RotationCounter.get(exec.state)).toBe(1n);
    expect(registryStorage.MasterKeyRotationLock.get(exec.state)).toBeUndefined();
    expect(told().at(-1)).toEqual({
      type: "MasterKeyRotated",
      value: { rotationId: 1n, masterPubkey: nextMaster.publicKey, shares: shares(two, one) },
    });

    // Another gatekeeper's answer to the same rotation, or the same answer replayed, is stale.
    expect(labelOf(() => submit(accepted.signedMessage))).toBe("PhalaMq.BadSequence");
    const late = sign(
      master,
      GATEKEEPER,
      MASTER_KEY_ROTATION_TOPIC,
      answer(1n, one, two),
      accepted.signedMessage.sequence,
    );
    expect(labelOf(() => submit(late))).toBe("PhalaMq.BadSequence");
    // The old master key no longer signs for the Gatekeeper origin.
    expect(labelOf(() => submit(sign(master, GATEKEEPER, MASTER_KEY_ROTATION_TOPIC, answer(1n, one, two))))).toBe(
      "PhalaMq.BadSignature",
    );
    expect(relay(nextMaster, GATEKEEPER, MASTER_KEY_ROTATION_TOPIC, answer(1n, one, two)).events).toEqual([
      refusedRotation(1n, "NotInProgress"),
    ]);
    // Gatekeepers may change again, and the next rotation has the next id.
    gatekeeperCall("unregisterGatekeeper", gk2.keys.pubkey);
    rotate();
    expect(registryStorage.MasterKeyRotationLock.get(exec.state)).toBe(2n);
    expect(told().at(-1)).toEqual({ type: "RotateMasterKey", value: { rotationId: 2n, gatekeepers: [gk1.keys] } });
  });

  it("lets sudo cancel a rotation nobody answers, after which gatekeepers may change", () => {
    const { exec, gatekeeperCall, launch, root, relay } = setup();
    const cancel = () => root("PhalaRegistry", "cancelMasterKeyRotation", {});
    expect(labelOf(cancel)).toBe("PhalaRegistry.MasterKeyRotationNotInProgress");
    launch(gk1, master);
    root("PhalaRegistry", "rotateMasterKey", {});
    expect(labelOf(() => gatekeeperCall("registerGatekeeper", gk2.keys.pubkey))).toBe(
      "PhalaRegistry.MasterKeyRotationInProgress",
    );
    cancel();
    expect(registryStorage.MasterKeyRotationLock.get(exec.state)).toBeUndefined();
    expect(exec.events.at(-1)?.event).toEqual({
      type: "PhalaRegistry",
      value: { type: "MasterKeyRotationCancelled", value: { rotationId: 1n } },
    });
    gatekeeperCall("registerGatekeeper", gk2.keys.pubkey);
    // A late answer to the cancelled rotation changes nothing.
    const late = masterKeyRotationCodec.enc({
      rotationId: 1n,
      masterPubkey: nextMaster.publicKey,
      shares: shares(gk1.keys.pubkey),
    });
    expect(relay(master, GATEKEEPER, MASTER_KEY_ROTATION_TOPIC, late).events).toEqual([
      refusedRotation(1n, "NotInProgress"),
    ]);
    expect(registryStorage.GatekeeperMasterPubkey.get(exec.state)).toEqual(master.publicKey);
    expect(registryStorage.RotationCounter.get(exec.state)).toBe(0n);
  });

  it("refuses a rotation without gatekeepers", () => {
    const { gatekeeperCall, launch, root } = setup();
    launch(gk1, master);
    gatekeeperCall("unregisterGatekeeper", gk1.keys.pubkey);
    expect(labelOf(() => root("PhalaRegistry", "rotateMasterKey", {}))).toBe("PhalaRegistry.NoGatekeeper");
  });

  it("takes Gatekeeper-origin messages signed by the master key only, once it is published", () => {
    const { exec, sign, submit } = setup();
    const { keypair: key } = ed25519Generate();
    const message = (signer: typeof key) => sign(signer, GATEKEEPER, topicFromString("phala/gk"), Uint8Array.of(1));
    expect(labelOf(() => submit(message(key)))).toBe("PhalaMq.BadSender");
    registryStorage.GatekeeperMasterPubkey.set(exec.state, key.publicKey);
    expect(labelOf(() => submit(message(ed25519Generate().keypair)))).toBe("PhalaMq.BadSignature");
    submit(message(key));
    expect(mqStorage.OffchainIngress.get(exec.state, GATEKEEPER)).toBe(1n);
  });

  it("keeps the key hierarchy's registry items where core reads them", () => {
    expect(registryStorage.Gatekeepers.key).toEqual(KEY_HIERARCHY_STORAGE.gatekeepers);
    expect(registryStorage.GatekeeperMasterPubkey.key).toEqual(KEY_HIERARCHY_STORAGE.masterPubkey);
    expect(registryStorage.RotationCounter.key).toEqual(KEY_HIERARCHY_STORAGE.rotationCounter);
    expect(registryStorage.MasterKeyRotationLock.key).toEqual(KEY_HIERARCHY_STORAGE.rotationLock);
  });
});
