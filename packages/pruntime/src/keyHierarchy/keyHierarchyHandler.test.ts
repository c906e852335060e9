import {
  CLUSTER_EVENT_TOPIC,
  CLUSTER_KEY_SHARE_TOPIC,
  CLUSTER_KEYS_TOPIC,
  type ClusterEvent,
  CONTRACT_KEYS_TOPIC,
  clusterEventCodec,
  clusterIdFromIndex,
  clusterInfoCodec,
  clusterInfoKey,
  clusterKeyShareCodec,
  clusterKeysKey,
  clusterKeysPublicationCodec,
  clusterOrigin,
  contractKeysPublicationCodec,
  GATEKEEPER_EVENT_TOPIC,
  type GatekeeperEvent,
  gatekeeperEventCodec,
  gatekeeperListCodec,
  gatekeeperOrigin,
  KEY_HIERARCHY_STORAGE,
  MASTER_KEY_LAUNCH_TOPIC,
  MASTER_KEY_ROTATION_TOPIC,
  MASTER_KEY_SHARE_TOPIC,
  type Message,
  type MessageOrigin,
  masterKeyLaunchCodec,
  masterKeyRotationCodec,
  masterPubkeyCodec,
  openEnvelope,
  type PublicKeys,
  publicKeysCodec,
  type SignedMessage,
  sealEnvelope,
  signedMessageCodec,
  toHex,
  utf8,
  verifySignedMessage,
  workerOrigin,
} from "@phala-ts/core";
import { u64 } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { offchainIngressKey, type VerifiedStorage } from "../chain/chainStorage.js";
import { EgressQueue } from "../dispatch/egressQueue.js";
import type { BlockContext } from "../dispatch/messageRouter.js";
import { EnclaveKeys } from "../keys/enclaveKeys.js";
import { KeyHierarchyHandler } from "./keyHierarchyHandler.js";

const REGISTRY: MessageOrigin = { type: "Pallet", value: utf8("PhalaRegistry") };
const PHAT: MessageOrigin = { type: "Pallet", value: utf8("PhalaPhatContracts") };
const GATEKEEPER = gatekeeperOrigin();

/** The chain state pRuntime reads for the key hierarchy, written with core's keys and codecs. */
class ChainState implements VerifiedStorage {
  readonly #entries = new Map<string, Uint8Array>();
  get(key: Uint8Array): Uint8Array | undefined {
    return this.#entries.get(toHex(key));
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.#entries.set(toHex(key), value);
  }
  gatekeepers(...keys: Uint8Array[]): void {
    this.set(KEY_HIERARCHY_STORAGE.gatekeepers, gatekeeperListCodec.enc(keys));
  }
  masterPubkey(pubkey: Uint8Array): void {
    this.set(KEY_HIERARCHY_STORAGE.masterPubkey, masterPubkeyCodec.enc(pubkey));
  }
  cluster(id: Uint8Array, workers: Uint8Array[], masterRotationId = 0n): void {
    this.set(
      clusterInfoKey(id),
      clusterInfoCodec.enc({ permission: { type: "Public", value: undefined }, workers, masterRotationId }),
    );
  }
  clusterKeys(id: Uint8Array, keys: PublicKeys): void {
    this.set(clusterKeysKey(id), publicKeysCodec.enc(keys));
  }
  /** The chain took every message of `origin` below `next`. */
  ingress(origin: MessageOrigin, next: bigint): void {
    this.set(offchainIngressKey(origin), u64.enc(next));
  }
}

interface Enclave {
  readonly keys: EnclaveKeys;
  readonly handler: KeyHierarchyHandler;
  readonly egress: EgressQueue;
  readonly workerKeys: { pubkey: Uint8Array; ecdhPubkey: Uint8Array };
}

function enclave(): Enclave {
  const keys = EnclaveKeys.generate();
  const handler = new KeyHierarchyHandler(keys);
  const egress = new EgressQueue();
  egress.addSender(workerOrigin(keys.identity.publicKey), keys.identity, 0n);
  egress.addSource(handler);
  return { keys, handler, egress, workerKeys: { pubkey: keys.identity.publicKey, ecdhPubkey: keys.ecdh.publicKey } };
}

/** A small network: every enclave dispatches every message, as every pRuntime does. */
class Network {
  readonly state = new ChainState();
  number = 1;
  constructor(readonly enclaves: Enclave[]) {}

  deliver(message: Message, only: readonly Enclave[] = this.enclaves): void {
    for (const e of only) e.handler.handle(message, this.context(e));
  }
  context(e: Enclave): BlockContext {
    return { number: this.number, hash: new Uint8Array(32), timestamp: 0n, state: this.state, egress: e.egress };
  }
  gatekeeperEvent(event: GatekeeperEvent): void {
    this.deliver({ sender: REGISTRY, destination: GATEKEEPER_EVENT_TOPIC, payload: gatekeeperEventCodec.enc(event) });
  }
  clusterEvent(event: ClusterEvent): void {
    this.deliver({ sender: PHAT, destination: CLUSTER_EVENT_TOPIC, payload: clusterEventCodec.enc(event) });
  }
  pending(e: Enclave): SignedMessage[] {
    return e.egress.pending(this.state);
  }
  /** What the chain would do with the launch: record the key and tell every pRuntime. */
  launch(first: Enclave): Uint8Array {
    this.state.gatekeepers(first.keys.identity.publicKey);
    this.gatekeeperEvent({ type: "FirstGatekeeper", value: first.workerKeys });
    const launch = this.pending(first).find((m) => toHex(m.message.destination) === toHex(MASTER_KEY_LAUNCH_TOPIC))!;
    expect(launch.message.sender).toEqual(workerOrigin(first.keys.identity.publicKey));
    const { masterPubkey, share } = masterKeyLaunchCodec.dec(launch.message.payload);
    this.state.masterPubkey(masterPubkey);
    this.state.ingress(launch.message.sender, launch.sequence + 1n);
    first.egress.purge(this.state);
    this.gatekeeperEvent({
      type: "MasterKeyLaunched",
      value: { gatekeeper: first.keys.identity.publicKey, masterPubkey, share },
    });
    return masterPubkey;
  }
  /** Lands a Gatekeeper-origin message as the chain would: right sequence, right signature, then dispatch. */
  land(message: SignedMessage, masterPubkey: Uint8Array): void {
    expect(verifySignedMessage(message, masterPubkey)).toBe(true);
    this.state.ingress(message.message.sender, message.sequence + 1n);
    for (const e of this.enclaves) e.egress.purge(this.state);
    this.number += 1;
    this.deliver(message.message);
  }
}

const statusOf = (e: Enclave) => e.handler.gatekeeper.status();

describe("KeyHierarchyHandler: master key", () => {
  it("launches on the first gatekeeper only, and holds exactly the key the chain recorded", () => {
    const [first, other] = [enclave(), enclave()];
    const net = new Network([first, other]);
    net.state.gatekeepers(first.keys.identity.publicKey);
    net.gatekeeperEvent({ type: "FirstGatekeeper", value: first.workerKeys });
    expect(net.pending(other)).toEqual([]);
    // Drawn, not yet held: the chain has the last word on which launch counts.
    expect(statusOf(first).masterKey).toBe("none");
    const masterPubkey = net.launch(first);
    expect(statusOf(first)).toEqual({
      masterKey: "holding",
      rotationId: "0",
      masterPubkey: toHex(masterPubkey),
      historyLength: 1,
    });
    expect(statusOf(other).masterKey).toBe("none");
  });

  it("refuses a launch record whose share does not match the public key, and keeps no key", () => {
    const [first] = [enclave()];
    const net = new Network([first]);
    net.state.gatekeepers(first.keys.identity.publicKey);
    net.gatekeeperEvent({ type: "FirstGatekeeper", value: first.workerKeys });
    const { share } = masterKeyLaunchCodec.dec(net.pending(first)[0]!.message.payload);
    const wrong = new Uint8Array(32).fill(9);
    const message: Message = {
      sender: REGISTRY,
      destination: GATEKEEPER_EVENT_TOPIC,
      payload: gatekeeperEventCodec.enc({
        type: "MasterKeyLaunched",
        value: { gatekeeper: first.keys.identity.publicKey, masterPubkey: wrong, share },
      }),
    };
    expect(errorCodeOf(() => first.handler.handle(message, net.context(first)))).toBe("KEYS_PUBKEY_MISMATCH");
    expect(statusOf(first).masterKey).toBe("none");
  });

  it("sends later gatekeepers the history: every holder seals the same bytes, and the receiver holds the same key", () => {
    const [gk1, gk2, gk3] = [enclave(), enclave(), enclave()];
    const net = new Network([gk1, gk2, gk3]);
    const masterPubkey = net.launch(gk1);
    // gk2 joins; gk1 alone holds the key and owes it a share.
    net.state.gatekeepers(gk1.keys.identity.publicKey, gk2.keys.identity.publicKey);
    net.gatekeeperEvent({ type: "GatekeeperRegistered", value: gk2.workerKeys });
    const [share] = net.pending(gk1);
    expect(share!.message.sender).toEqual(GATEKEEPER);
    expect(share!.message.destination).toEqual(MASTER_KEY_SHARE_TOPIC);
    expect(share!.sequence).toBe(0n);
    expect(net.pending(gk2)).toEqual([]); // registered, no key: silent
    net.land(share!, masterPubkey);
    expect(statusOf(gk2)).toEqual(statusOf(gk1));

    // gk3 joins: both holders owe it the same share, byte for byte.
    net.state.gatekeepers(gk1.keys.identity.publicKey, gk2.keys.identity.publicKey, gk3.keys.identity.publicKey);
    net.gatekeeperEvent({ type: "GatekeeperRegistered", value: gk3.workerKeys });
    const [a] = net.pending(gk1);
    const [b] = net.pending(gk2);
    expect(a!.sequence).toBe(1n);
    expect(toHex(encodeSigned(a!))).toBe(toHex(encodeSigned(b!)));
    // Fetched again, the same message (pherry may fetch many times).
    expect(toHex(encodeSigned(net.pending(gk1)[0]!))).toBe(toHex(encodeSigned(a!)));
    net.land(a!, masterPubkey);
    expect(statusOf(gk3).masterPubkey).toBe(toHex(masterPubkey));
    for (const e of [gk1, gk2, gk3]) expect(net.pending(e)).toEqual([]);
  });

  it("refuses a master key share while the chain does not list the receiver as a gatekeeper", () => {
    const [gk1, gk2] = [enclave(), enclave()];
    const net = new Network([gk1, gk2]);
    net.launch(gk1);
    net.state.gatekeepers(gk1.keys.identity.publicKey, gk2.keys.identity.publicKey);
    net.gatekeeperEvent({ type: "GatekeeperRegistered", value: gk2.workerKeys });
    const [share] = net.pending(gk1);
    net.state.gatekeepers(gk1.keys.identity.publicKey); // unregistered before the share landed
    net.state.ingress(GATEKEEPER, 1n);
    expect(errorCodeOf(() => gk2.handler.handle(share!.message, net.context(gk2)))).toBe("KEYS_NOT_GATEKEEPER");
    expect(statusOf(gk2).masterKey).toBe("none");
  });

  it("sends the whole history again to a gatekeeper registered anew after it missed a rotation", () => {
    const [gk1, back] = [enclave(), enclave()];
    const net = new Network([gk1, back]);
    const launchPubkey = net.launch(gk1);
    const ids = (...e: Enclave[]) => e.map((x) => x.keys.identity.publicKey);
    net.state.gatekeepers(...ids(gk1, back));
    net.gatekeeperEvent({ type: "GatekeeperRegistered", value: back.workerKeys });
    net.land(net.pending(gk1)[0]!, launchPubkey);
    net.state.gatekeepers(...ids(gk1));
    net.gatekeeperEvent({ type: "GatekeeperUnregistered", value: { pubkey: back.keys.identity.publicKey } });
    net.gatekeeperEvent({ type: "RotateMasterKey", value: { rotationId: 1n, gatekeepers: [gk1.workerKeys] } });
    const [answer] = net.pending(gk1);
    const rotation = masterKeyRotationCodec.dec(answer!.message.payload);
    net.land(answer!, launchPubkey);
    net.state.masterPubkey(rotation.masterPubkey);
    net.gatekeeperEvent({ type: "MasterKeyRotated", value: rotation });
    expect(statusOf(back).rotationId).toBe("0");
    // Listed again while holding the stale key: it sends nothing, and takes the new history.
    net.state.gatekeepers(...ids(gk1, back));
    net.gatekeeperEvent({ type: "GatekeeperRegistered", value: back.workerKeys });
    expect(net.pending(back)).toEqual([]);
    net.land(net.pending(gk1)[0]!, rotation.masterPubkey);
    expect(statusOf(back)).toEqual(statusOf(gk1));
    expect(statusOf(back)).toMatchObject({ rotationId: "1", historyLength: 2 });
  });

  it("numbers the Gatekeeper origin's messages in every pRuntime, so a late key holder owes the same sequence", () => {
    const [gk1, late] = [enclave(), enclave()];
    const net = new Network([gk1, late]);
    const masterPubkey = net.launch(gk1);
    const cluster = clusterIdFromIndex(0n);
    net.state.cluster(cluster, []);
    net.clusterEvent({ type: "ClusterCreated", value: { cluster, masterRotationId: 0n, workers: [] } });
    net.state.gatekeepers(gk1.keys.identity.publicKey, late.keys.identity.publicKey);
    net.gatekeeperEvent({ type: "GatekeeperRegistered", value: late.workerKeys });
    const owed = net.pending(gk1);
    expect(owed.map((m) => m.sequence)).toEqual([0n, 1n]);
    // The share (sequence 1) cannot land before the cluster keys (sequence 0).
    net.land(owed[0]!, masterPubkey);
    net.land(net.pending(gk1)[0]!, masterPubkey);
    expect(statusOf(late).masterPubkey).toBe(toHex(masterPubkey));
    // Another cluster: both now owe its public keys under sequence 2, identically.
    const second = clusterIdFromIndex(1n);
    net.state.cluster(second, []);
    net.clusterEvent({ type: "ClusterCreated", value: { cluster: second, masterRotationId: 0n, workers: [] } });
    const [x] = net.pending(gk1);
    const [y] = net.pending(late);
    expect(x!.sequence).toBe(2n);
    expect(toHex(encodeSigned(x!))).toBe(toHex(encodeSigned(y!)));
  });

  it("ignores key-hierarchy topics from senders that may not use them", () => {
    const [gk1, w] = [enclave(), enclave()];
    const net = new Network([gk1, w]);
    net.launch(gk1);
    const forged: GatekeeperEvent = { type: "GatekeeperRegistered", value: w.workerKeys };
    for (const sender of [workerOrigin(w.keys.identity.publicKey), PHAT, GATEKEEPER]) {
      net.deliver({ sender, destination: GATEKEEPER_EVENT_TOPIC, payload: gatekeeperEventCodec.enc(forged) });
    }
    net.deliver({
      sender: REGISTRY,
      destination: CLUSTER_EVENT_TOPIC,
      payload: clusterEventCodec.enc({
        type: "ClusterCreated",
        value: { cluster: clusterIdFromIndex(0n), masterRotationId: 0n, workers: [] },
      }),
    });
    expect(net.pending(gk1)).toEqual([]);
  });
});

describe("KeyHierarchyHandler: rotation", () => {
  it("rotates among the current gatekeepers only, keeps the history, and re-signs what is still owed", () => {
    const [gk1, gk2, gone] = [enclave(), enclave(), enclave()];
    const net = new Network([gk1, gk2, gone]);
    const launchPubkey = net.launch(gk1);
    const ids = (...e: Enclave[]) => e.map((x) => x.keys.identity.publicKey);
    for (const joining of [gk2, gone]) {
      net.state.gatekeepers(...ids(gk1, gk2, ...(joining === gone ? [gone] : [])));
      net.gatekeeperEvent({ type: "GatekeeperRegistered", value: joining.workerKeys });
      net.land(net.pending(gk1)[0]!, launchPubkey);
    }
    expect(statusOf(gone).masterPubkey).toBe(toHex(launchPubkey));
    // `gone` is unregistered; then the rotation for gk1 and gk2.
    net.state.gatekeepers(...ids(gk1, gk2));
    net.gatekeeperEvent({ type: "GatekeeperUnregistered", value: { pubkey: gone.keys.identity.publicKey } });
    net.gatekeeperEvent({
      type: "RotateMasterKey",
      value: { rotationId: 1n, gatekeepers: [gk1.workerKeys, gk2.workerKeys] },
    });
    // A cluster created under the launch key while the rotation is under way.
    const cluster = clusterIdFromIndex(0n);
    net.state.cluster(cluster, []);
    net.clusterEvent({ type: "ClusterCreated", value: { cluster, masterRotationId: 0n, workers: [] } });
    expect(net.pending(gone)).toEqual([]);
    const [r1, c1] = net.pending(gk1);
    const [r2] = net.pending(gk2);
    expect(r1!.message.destination).toEqual(MASTER_KEY_ROTATION_TOPIC);
    // Fresh randomness: two holders propose different keys, and the first to land wins.
    expect(toHex(r1!.message.payload)).not.toBe(toHex(r2!.message.payload));
    const rotation = masterKeyRotationCodec.dec(r2!.message.payload);
    expect(rotation.shares.map((s) => toHex(s.recipient))).toEqual(ids(gk1, gk2).map(toHex));
    net.land(r2!, launchPubkey);
    // As the chain re-sends an accepted rotation:
    net.state.masterPubkey(rotation.masterPubkey);
    net.gatekeeperEvent({ type: "MasterKeyRotated", value: rotation });
    for (const e of [gk1, gk2]) {
      expect(statusOf(e)).toEqual({
        masterKey: "holding",
        rotationId: "1",
        masterPubkey: toHex(rotation.masterPubkey),
        historyLength: 2,
      });
    }
    expect(statusOf(gone).rotationId).toBe("0");
    // What was owed before the rotation is now signed by the new key, the same from both.
    const [after1] = net.pending(gk1);
    const [after2] = net.pending(gk2);
    expect(after1!.sequence).toBe(c1!.sequence);
    expect(verifySignedMessage(after1!, rotation.masterPubkey)).toBe(true);
    expect(toHex(encodeSigned(after1!))).toBe(toHex(encodeSigned(after2!)));
    // The cluster keys still derive from the launch key, so data sealed under it stays readable.
    expect(toHex(after1!.message.payload)).toBe(toHex(c1!.message.payload));
    const old = gk2.handler.gatekeeper.history.keypairsAt(0n)!;
    const sealed = sealEnvelope({
      recipientPublic: old.ecdh.publicKey,
      purpose: "test/old-data",
      plaintext: utf8("old"),
    });
    expect(openEnvelope({ recipientSecret: old.ecdh, envelope: sealed, purpose: "test/old-data" })).toEqual(
      utf8("old"),
    );
  });
});

describe("KeyHierarchyHandler: clusters and contracts", () => {
  function clusterNetwork() {
    const [gk, w1, w2, outsider] = [enclave(), enclave(), enclave(), enclave()];
    const net = new Network([gk, w1, w2, outsider]);
    const masterPubkey = net.launch(gk);
    const cluster = clusterIdFromIndex(0n);
    const members = [w1.keys.identity.publicKey, w2.keys.identity.publicKey];
    net.state.cluster(cluster, members);
    net.clusterEvent({
      type: "ClusterCreated",
      value: { cluster, masterRotationId: 0n, workers: [w1.workerKeys, w2.workerKeys] },
    });
    const [keys, share1, share2] = net.pending(gk);
    expect(keys!.message.destination).toEqual(CLUSTER_KEYS_TOPIC);
    const published = clusterKeysPublicationCodec.dec(keys!.message.payload);
    net.land(keys!, masterPubkey);
    net.state.clusterKeys(cluster, published);
    return { gk, w1, w2, outsider, net, masterPubkey, cluster, published, shares: [share1!, share2!] };
  }

  it("gives each member the cluster key the chain published, and both publish a contract's keys identically", () => {
    const { w1, w2, net, masterPubkey, cluster, published, shares } = clusterNetwork();
    for (const share of shares) net.land(share, masterPubkey);
    for (const w of [w1, w2]) {
      expect(w.handler.clusters.status()).toEqual([
        {
          cluster: toHex(cluster),
          pubkey: toHex(published.pubkey),
          ecdhPubkey: toHex(published.ecdhPubkey),
          contracts: 0,
        },
      ]);
    }
    const contract = new Uint8Array(32).fill(0xc0);
    net.clusterEvent({
      type: "ContractInstantiated",
      value: { cluster, contract, deployer: new Uint8Array(32), codeHash: new Uint8Array(32) },
    });
    const [m1] = net.pending(w1);
    const [m2] = net.pending(w2);
    expect(m1!.message.sender).toEqual(clusterOrigin(cluster));
    expect(m1!.message.destination).toEqual(CONTRACT_KEYS_TOPIC);
    expect(verifySignedMessage(m1!, published.pubkey)).toBe(true);
    expect(toHex(encodeSigned(m1!))).toBe(toHex(encodeSigned(m2!)));
    const keys = contractKeysPublicationCodec.dec(m1!.message.payload);
    const derived = w1.handler.clusters.contractSecrets(cluster, contract)!;
    expect(keys).toEqual({ contract, pubkey: derived.identity.publicKey, ecdhPubkey: derived.ecdh.publicKey });
  });

  it("refuses a cluster key sent to a worker outside the cluster, and one that does not match the chain", () => {
    const { outsider, w1, net, cluster, shares } = clusterNetwork();
    // The gatekeeper never addresses an outsider; a share re-addressed to one (as if the master
    // key had signed it) is refused before any decryption.
    const { share } = clusterKeyShareCodec.dec(shares[0]!.message.payload);
    const forged: Message = {
      sender: GATEKEEPER,
      destination: CLUSTER_KEY_SHARE_TOPIC,
      payload: clusterKeyShareCodec.enc({ cluster, share: { ...share, recipient: outsider.keys.identity.publicKey } }),
    };
    expect(errorCodeOf(() => outsider.handler.handle(forged, net.context(outsider)))).toBe("KEYS_NOT_CLUSTER_MEMBER");
    expect(outsider.handler.clusters.status()).toEqual([]);
    // The chain's cluster keys differ from what the share holds: refused, nothing kept.
    net.state.clusterKeys(cluster, { pubkey: new Uint8Array(32).fill(1), ecdhPubkey: new Uint8Array(32).fill(2) });
    expect(errorCodeOf(() => w1.handler.handle(shares[0]!.message, net.context(w1)))).toBe("KEYS_PUBKEY_MISMATCH");
    expect(w1.handler.clusters.status()).toEqual([]);
  });

  it("keeps keys, history and what is owed across a checkpoint", () => {
    const { gk, w1, net, masterPubkey, shares } = clusterNetwork();
    net.land(shares[0]!, masterPubkey);
    for (const e of [gk, w1]) {
      const restored = new KeyHierarchyHandler(e.keys);
      restored.loadState(e.handler.saveState());
      expect(restored.gatekeeper.status()).toEqual(e.handler.gatekeeper.status());
      expect(restored.clusters.status()).toEqual(e.handler.clusters.status());
      expect(restored.pending(net.state).map(encodeSigned).map(toHex)).toEqual(
        e.handler.pending(net.state).map(encodeSigned).map(toHex),
      );
    }
  });
});

function encodeSigned(message: SignedMessage): Uint8Array {
  return signedMessageCodec.enc(message);
}
