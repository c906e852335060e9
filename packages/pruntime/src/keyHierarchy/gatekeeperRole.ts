import {
  CLUSTER_KEY_PURPOSE,
  CLUSTER_KEY_SHARE_TOPIC,
  CLUSTER_KEYS_TOPIC,
  type ClusterEvent,
  clusterKeySeed,
  clusterKeyShareCodec,
  clusterKeysPublicationCodec,
  ed25519Generate,
  encodeEnvelope,
  equalBytes,
  type GatekeeperEvent,
  type GatekeeperKeyStatus,
  gatekeeperOrigin,
  type KeyShare,
  keyShareCodec,
  MASTER_KEY_HISTORY_PURPOSE,
  MASTER_KEY_LAUNCH_TOPIC,
  MASTER_KEY_PURPOSE,
  MASTER_KEY_ROTATION_TOPIC,
  MASTER_KEY_SHARE_TOPIC,
  masterKeyLaunchCodec,
  masterKeyRotationCodec,
  publicKeysFromSeed,
  type SignedMessage,
  sealDeterministicEnvelope,
  sealEnvelope,
  toHex,
  type WorkerKeys,
  workerOrigin,
} from "@phala-ts/core";
import { Bytes, Struct, u64 } from "@polkadot-api/substrate-bindings";
import { gatekeepers, masterPubkey, type VerifiedStorage } from "../chain/chainStorage.js";
import type { BlockContext } from "../dispatch/messageRouter.js";
import type { EnclaveKeys } from "../keys/enclaveKeys.js";
import { DeterministicOutbox, type DueItem, outboxStateCodec, type Produced } from "./deterministicOutbox.js";
import { type GatekeeperWork, gatekeeperWorkCodec } from "./gatekeeperWork.js";
import { KeyHierarchyError } from "./keyHierarchyError.js";
import { MasterKeyHistory } from "./masterKeyHistory.js";
import { openShare } from "./openShare.js";

const stateCodec = Struct({ history: Bytes(), outbox: outboxStateCodec(gatekeeperWorkCodec) });

/**
 * The gatekeeper side of the key hierarchy, present in every pRuntime: it numbers the Gatekeeper
 * origin's due messages from the chain's events (so that a worker made gatekeeper later signs
 * under the same sequences as the others), and, while the chain lists this worker as a gatekeeper
 * and it holds the master key, produces them: master key shares to later gatekeepers, rotations,
 * cluster public keys and cluster key shares.
 */
export class GatekeeperRole {
  readonly #keys: EnclaveKeys;
  readonly #outbox = new DeterministicOutbox<GatekeeperWork>(gatekeeperOrigin());
  #history = MasterKeyHistory.empty();

  constructor(keys: EnclaveKeys) {
    this.#keys = keys;
  }

  get history(): MasterKeyHistory {
    return this.#history;
  }

  isGatekeeper(state: VerifiedStorage | undefined): boolean {
    if (state === undefined) return false;
    const me = this.#keys.identity.publicKey;
    return gatekeepers(state).some((key) => equalBytes(key, me));
  }

  status(): GatekeeperKeyStatus {
    const current = this.#history.current();
    return {
      masterKey: current === undefined ? "none" : "holding",
      rotationId: this.#history.currentRotationId?.toString() ?? null,
      masterPubkey: current === undefined ? null : toHex(current.identity.publicKey),
      historyLength: this.#history.length,
    };
  }

  onGatekeeperEvent(event: GatekeeperEvent, block: BlockContext): void {
    const me = this.#keys.identity.publicKey;
    switch (event.type) {
      case "FirstGatekeeper":
        if (equalBytes(event.value.pubkey, me) && !this.#history.holding) this.#launch(block);
        return;
      case "MasterKeyLaunched": {
        if (!equalBytes(event.value.gatekeeper, me) || this.#history.holding) return;
        const seed = openShare(event.value.share, this.#keys.ecdh, MASTER_KEY_PURPOSE);
        this.#history = MasterKeyHistory.empty().withKey(0n, seed, event.value.masterPubkey);
        return;
      }
      case "GatekeeperRegistered":
        this.#outbox.record(block.number, { type: "MasterKeyShare", value: event.value });
        return;
      case "GatekeeperUnregistered":
        return;
      case "RotateMasterKey":
        this.#outbox.record(block.number, { type: "MasterKeyRotation", value: event.value });
        return;
      case "MasterKeyRotated": {
        const { rotationId, masterPubkey: pubkey, shares } = event.value;
        const mine = shares.find((share) => equalBytes(share.recipient, me));
        // A gatekeeper left out of the rotation (unregistered before it) never learns the key.
        if (mine === undefined || !this.#history.holding) return;
        const seed = openShare(mine, this.#keys.ecdh, MASTER_KEY_PURPOSE);
        this.#history = this.#history.withKey(rotationId, seed, pubkey);
        return;
      }
    }
  }

  /** The master key history a gatekeeper sent this one; the chain checked it came from the Gatekeeper origin. */
  onMasterKeyShare(share: KeyShare, block: BlockContext): void {
    if (!equalBytes(share.recipient, this.#keys.identity.publicKey)) return;
    if (!this.isGatekeeper(block.state)) {
      throw new KeyHierarchyError(
        "KEYS_NOT_GATEKEEPER",
        "a master key share reached a worker that is not a gatekeeper",
      );
    }
    const expected = masterPubkey(block.state);
    if (expected === undefined) {
      throw new KeyHierarchyError("KEYS_PUBKEY_MISMATCH", "the chain has no master public key");
    }
    // Already current: nothing to learn. A gatekeeper registered again after missing a rotation
    // holds an older key, and takes the whole history anew.
    if (this.#holdsCurrent(expected)) return;
    const plaintext = openShare(share, this.#keys.ecdh, MASTER_KEY_HISTORY_PURPOSE);
    this.#history = MasterKeyHistory.decode(plaintext, expected);
    plaintext.fill(0);
  }

  onClusterEvent(event: ClusterEvent, block: BlockContext): void {
    switch (event.type) {
      case "ClusterCreated": {
        const { cluster, masterRotationId, workers } = event.value;
        this.#outbox.record(block.number, { type: "ClusterKeys", value: { cluster, masterRotationId } });
        for (const worker of workers) {
          this.#outbox.record(block.number, { type: "ClusterKeyShare", value: { cluster, masterRotationId, worker } });
        }
        return;
      }
      case "WorkerAdded":
        this.#outbox.record(block.number, { type: "ClusterKeyShare", value: event.value });
        return;
      default:
        return;
    }
  }

  purge(state: VerifiedStorage): void {
    this.#outbox.purge(state);
  }

  /** What the Gatekeeper origin still owes, when this pRuntime is a gatekeeper holding the key. */
  pending(state: VerifiedStorage | undefined): SignedMessage[] {
    const current = this.#history.current();
    if (current === undefined || state === undefined || !this.isGatekeeper(state)) return [];
    // A key the chain no longer takes would only earn BadSignature: wait for the current one.
    const onChain = masterPubkey(state);
    if (onChain === undefined || !this.#holdsCurrent(onChain)) return [];
    return this.#outbox.pending(state, current.identity, (item) => this.#produce(item));
  }

  #holdsCurrent(masterPubkey: Uint8Array): boolean {
    const current = this.#history.current();
    return current !== undefined && equalBytes(current.identity.publicKey, masterPubkey);
  }

  saveState(): Uint8Array {
    return stateCodec.enc({ history: this.#history.encode(), outbox: this.#outbox.save() });
  }

  loadState(bytes: Uint8Array): void {
    const { history, outbox } = stateCodec.dec(bytes);
    const loaded = MasterKeyHistory.decode(history);
    this.#outbox.load(outbox);
    this.#history = loaded;
  }

  /** The first gatekeeper draws the master key and sends the chain its public key, sealed to itself. */
  #launch(block: BlockContext): void {
    const { seed } = ed25519Generate();
    const { pubkey } = publicKeysFromSeed(seed);
    const envelope = sealEnvelope({
      recipientPublic: this.#keys.ecdh.publicKey,
      purpose: MASTER_KEY_PURPOSE,
      plaintext: seed,
    });
    seed.fill(0);
    const share = { recipient: this.#keys.identity.publicKey, envelope: encodeEnvelope(envelope) };
    block.egress.push(
      workerOrigin(this.#keys.identity.publicKey),
      MASTER_KEY_LAUNCH_TOPIC,
      masterKeyLaunchCodec.enc({ masterPubkey: pubkey, share }),
    );
  }

  #produce(item: DueItem<GatekeeperWork>): Produced | undefined {
    const { work } = item;
    switch (work.type) {
      case "MasterKeyShare": {
        const seed = this.#history.seedAt(this.#history.currentRotationId!)!;
        const share = this.#sealShare(seed, item, 0, work.value, MASTER_KEY_HISTORY_PURPOSE, this.#history.encode());
        return { destination: MASTER_KEY_SHARE_TOPIC, payload: keyShareCodec.enc(share) };
      }
      case "MasterKeyRotation": {
        // Fresh randomness, never derived from the current key: whoever learns this key must not learn the next.
        const { seed } = ed25519Generate();
        const shares = work.value.gatekeepers.map((gatekeeper, index) =>
          this.#sealShare(seed, item, index, gatekeeper, MASTER_KEY_PURPOSE, seed),
        );
        const payload = masterKeyRotationCodec.enc({
          rotationId: work.value.rotationId,
          masterPubkey: publicKeysFromSeed(seed).pubkey,
          shares,
        });
        seed.fill(0);
        return { destination: MASTER_KEY_ROTATION_TOPIC, payload };
      }
      case "ClusterKeys": {
        const clusterSeed = this.#clusterSeed(work.value.cluster, work.value.masterRotationId);
        if (clusterSeed === undefined) return undefined;
        const keys = publicKeysFromSeed(clusterSeed);
        clusterSeed.fill(0);
        return {
          destination: CLUSTER_KEYS_TOPIC,
          payload: clusterKeysPublicationCodec.enc({ cluster: work.value.cluster, ...keys }),
        };
      }
      case "ClusterKeyShare": {
        const { cluster, masterRotationId, worker } = work.value;
        const masterSeed = this.#history.seedAt(masterRotationId);
        const clusterSeed = this.#clusterSeed(cluster, masterRotationId);
        if (masterSeed === undefined || clusterSeed === undefined) return undefined;
        const share = this.#sealShare(masterSeed, item, 0, worker, CLUSTER_KEY_PURPOSE, clusterSeed);
        clusterSeed.fill(0);
        return { destination: CLUSTER_KEY_SHARE_TOPIC, payload: clusterKeyShareCodec.enc({ cluster, share }) };
      }
    }
  }

  #clusterSeed(cluster: Uint8Array, masterRotationId: bigint): Uint8Array | undefined {
    const masterSeed = this.#history.seedAt(masterRotationId);
    return masterSeed === undefined ? undefined : clusterKeySeed(masterSeed, cluster);
  }

  /** Sealed with an ephemeral key and IV derived from `derivationSecret`, the block and the sequence. */
  #sealShare(
    derivationSecret: Uint8Array,
    item: DueItem<GatekeeperWork>,
    index: number,
    recipient: WorkerKeys,
    purpose: string,
    plaintext: Uint8Array,
  ): KeyShare {
    const envelope = sealDeterministicEnvelope({
      derivationSecret,
      context: [u64.enc(BigInt(item.blockNumber)), u64.enc(item.sequence), u64.enc(BigInt(index))],
      recipientPublic: recipient.ecdhPubkey,
      purpose,
      plaintext,
    });
    return { recipient: recipient.pubkey, envelope: encodeEnvelope(envelope) };
  }
}
