import {
  byteKey,
  CLUSTER_KEY_PURPOSE,
  type ClusterEvent,
  type ClusterKeyShare,
  type ClusterKeyStatus,
  CONTRACT_KEYS_TOPIC,
  clusterOrigin,
  contractKeySeed,
  contractKeysPublicationCodec,
  type DerivedKeypairs,
  deriveKey,
  equalBytes,
  keypairsFromSeed,
  publicKeysFromSeed,
  type SignedMessage,
  toHex,
} from "@phala-ts/core";
import { Bytes, Option, Struct, Vector } from "@polkadot-api/substrate-bindings";
import { clusterInfo, clusterKeys, type VerifiedStorage } from "../chain/chainStorage.js";
import type { BlockContext } from "../dispatch/messageRouter.js";
import type { EnclaveKeys } from "../keys/enclaveKeys.js";
import { DeterministicOutbox, outboxStateCodec } from "./deterministicOutbox.js";
import { KeyHierarchyError } from "./keyHierarchyError.js";
import { openShare } from "./openShare.js";

/** A contract's keys as its cluster's workers hold them. */
export interface ContractSecrets extends DerivedKeypairs {
  /** What each call's random seed and each reply's deterministic envelope derive from. */
  readonly derivation: Uint8Array;
}

interface ClusterEntry {
  readonly cluster: Uint8Array;
  /** The cluster's due messages (each a contract whose keys to publish), numbered by every pRuntime. */
  readonly outbox: DeterministicOutbox<Uint8Array>;
  readonly contracts: Uint8Array[];
  seed: Uint8Array | undefined;
  keypairs: DerivedKeypairs | undefined;
}

const stateCodec = Vector(
  Struct({
    cluster: Bytes(32),
    seed: Option(Bytes(32)),
    contracts: Vector(Bytes(32)),
    outbox: outboxStateCodec(Bytes(32)),
  }),
);

/**
 * The worker side of the key hierarchy: cluster keys sent by the gatekeepers to this worker,
 * and the contract keys derived from them, whose public halves the cluster's workers publish on
 * chain under the Cluster origin (byte-identical from every worker of the cluster).
 */
export class ClusterRole {
  readonly #keys: EnclaveKeys;
  readonly #clusters = new Map<string, ClusterEntry>();
  /** Derived contract keys, by contract: an X25519 import costs about 0.4 ms. */
  readonly #contractSecrets = new Map<string, ContractSecrets>();
  /** Called once this worker holds a cluster's key (while the share's message is handled). */
  onClusterKey: ((cluster: Uint8Array, block: BlockContext) => void) | undefined;

  constructor(keys: EnclaveKeys) {
    this.#keys = keys;
  }

  onClusterEvent(event: ClusterEvent, block: BlockContext): void {
    switch (event.type) {
      case "ClusterCreated":
        this.#entry(event.value.cluster);
        return;
      case "WorkerRemoved": {
        if (!equalBytes(event.value.worker, this.#keys.identity.publicKey)) return;
        const entry = this.#entry(event.value.cluster);
        entry.seed?.fill(0);
        entry.seed = undefined;
        entry.keypairs = undefined;
        this.#contractSecrets.clear();
        return;
      }
      case "ContractInstantiated": {
        const entry = this.#entry(event.value.cluster);
        entry.outbox.record(block.number, event.value.contract);
        entry.contracts.push(event.value.contract);
        return;
      }
      default:
        return;
    }
  }

  /** A cluster key the Gatekeeper origin sealed to this worker; taken only as a member of that cluster. */
  onClusterKeyShare({ cluster, share }: ClusterKeyShare, block: BlockContext): void {
    const me = this.#keys.identity.publicKey;
    if (!equalBytes(share.recipient, me)) return;
    const info = clusterInfo(block.state, cluster);
    if (info === undefined || !info.workers.some((worker) => equalBytes(worker, me))) {
      throw new KeyHierarchyError("KEYS_NOT_CLUSTER_MEMBER", "a cluster key reached a worker outside the cluster", {
        cluster: toHex(cluster),
      });
    }
    const expected = clusterKeys(block.state, cluster);
    const seed = openShare(share, this.#keys.ecdh, CLUSTER_KEY_PURPOSE);
    const derived = publicKeysFromSeed(seed);
    if (
      expected === undefined ||
      !equalBytes(derived.pubkey, expected.pubkey) ||
      !equalBytes(derived.ecdhPubkey, expected.ecdhPubkey)
    ) {
      seed.fill(0);
      throw new KeyHierarchyError("KEYS_PUBKEY_MISMATCH", "the cluster key does not match the chain's cluster keys", {
        cluster: toHex(cluster),
      });
    }
    const entry = this.#entry(cluster);
    entry.seed = seed;
    entry.keypairs = keypairsFromSeed(seed);
    this.onClusterKey?.(cluster, block);
  }

  /** The cluster's own keys, once this worker holds them. */
  clusterKeypairs(cluster: Uint8Array): DerivedKeypairs | undefined {
    return this.#clusters.get(byteKey(cluster))?.keypairs;
  }

  /** A contract's keys and derivation secret, cached, once this worker holds its cluster's key. */
  contractSecrets(cluster: Uint8Array, contract: Uint8Array): ContractSecrets | undefined {
    const id = byteKey(contract);
    const cached = this.#contractSecrets.get(id);
    if (cached !== undefined) return cached;
    const seed = this.#clusters.get(byteKey(cluster))?.seed;
    if (seed === undefined) return undefined;
    const contractSeed = contractKeySeed(seed, contract);
    const secrets = { ...keypairsFromSeed(contractSeed), derivation: deriveKey(contractSeed, ["contract_derivation"]) };
    contractSeed.fill(0);
    this.#contractSecrets.set(id, secrets);
    return secrets;
  }

  status(): ClusterKeyStatus[] {
    return [...this.#clusters.values()]
      .filter((entry) => entry.keypairs !== undefined)
      .map(({ cluster, keypairs, contracts }) => ({
        cluster: toHex(cluster),
        pubkey: toHex(keypairs!.identity.publicKey),
        ecdhPubkey: toHex(keypairs!.ecdh.publicKey),
        contracts: contracts.length,
      }));
  }

  purge(state: VerifiedStorage): void {
    for (const entry of this.#clusters.values()) entry.outbox.purge(state);
  }

  pending(state: VerifiedStorage | undefined): SignedMessage[] {
    if (state === undefined) return [];
    const me = this.#keys.identity.publicKey;
    const out: SignedMessage[] = [];
    for (const entry of this.#clusters.values()) {
      const { keypairs } = entry;
      if (keypairs === undefined || entry.outbox.dueCount === 0) continue;
      if (!clusterInfo(state, entry.cluster)?.workers.some((worker) => equalBytes(worker, me))) continue;
      // Until the chain holds the cluster's key it refuses the cluster's messages (BadSender).
      const published = clusterKeys(state, entry.cluster)?.pubkey;
      if (published === undefined || !equalBytes(published, keypairs.identity.publicKey)) continue;
      out.push(
        ...entry.outbox.pending(state, keypairs.identity, ({ work: contract }) => {
          const contractKeys = this.contractSecrets(entry.cluster, contract)!;
          return {
            destination: CONTRACT_KEYS_TOPIC,
            payload: contractKeysPublicationCodec.enc({
              contract,
              pubkey: contractKeys.identity.publicKey,
              ecdhPubkey: contractKeys.ecdh.publicKey,
            }),
          };
        }),
      );
    }
    return out;
  }

  saveState(): Uint8Array {
    return stateCodec.enc(
      [...this.#clusters.values()].map(({ cluster, seed, contracts, outbox }) => ({
        cluster,
        seed,
        contracts,
        outbox: outbox.save(),
      })),
    );
  }

  loadState(bytes: Uint8Array): void {
    const saved = stateCodec.dec(bytes);
    this.#clusters.clear();
    this.#contractSecrets.clear();
    for (const { cluster, seed, contracts, outbox } of saved) {
      const entry = this.#entry(cluster);
      entry.outbox.load(outbox);
      entry.contracts.push(...contracts);
      entry.seed = seed;
      entry.keypairs = seed === undefined ? undefined : keypairsFromSeed(seed);
    }
  }

  #entry(cluster: Uint8Array): ClusterEntry {
    const key = byteKey(cluster);
    let entry = this.#clusters.get(key);
    if (entry === undefined) {
      entry = {
        cluster,
        outbox: new DeterministicOutbox(clusterOrigin(cluster)),
        contracts: [],
        seed: undefined,
        keypairs: undefined,
      };
      this.#clusters.set(key, entry);
    }
    return entry;
  }
}
