import { Bytes, type Codec, Struct, u64, Variant, Vector } from "@polkadot-api/substrate-bindings";
import { type Topic, topicFromString } from "../mq/topic.js";
import type { PublicKeys } from "./derivedKeys.js";
import { type KeyShare, keyShareCodec, type WorkerKeys, workerKeysCodec } from "./gatekeeperMessages.js";

const key32 = Bytes(32);

/**
 * What the contracts pallet tells pRuntimes about clusters (sender `Pallet("PhalaPhatContracts")`).
 * `masterRotationId` names the master key the cluster key is derived from, so that a worker added
 * after a rotation receives the same cluster key as the first ones.
 */
export type ClusterEvent =
  | {
      readonly type: "ClusterCreated";
      readonly value: {
        readonly cluster: Uint8Array;
        readonly masterRotationId: bigint;
        readonly workers: WorkerKeys[];
      };
    }
  | {
      readonly type: "WorkerAdded";
      readonly value: { readonly cluster: Uint8Array; readonly masterRotationId: bigint; readonly worker: WorkerKeys };
    }
  | { readonly type: "WorkerRemoved"; readonly value: { readonly cluster: Uint8Array; readonly worker: Uint8Array } }
  | {
      readonly type: "ContractInstantiated";
      readonly value: {
        readonly cluster: Uint8Array;
        readonly contract: Uint8Array;
        readonly deployer: Uint8Array;
        readonly codeHash: Uint8Array;
      };
    };

export const clusterEventCodec = Variant({
  ClusterCreated: Struct({ cluster: key32, masterRotationId: u64, workers: Vector(workerKeysCodec) }),
  WorkerAdded: Struct({ cluster: key32, masterRotationId: u64, worker: workerKeysCodec }),
  WorkerRemoved: Struct({ cluster: key32, worker: key32 }),
  ContractInstantiated: Struct({ cluster: key32, contract: key32, deployer: key32, codeHash: key32 }),
}) as unknown as Codec<ClusterEvent>;

/** A cluster's public keys, which the gatekeepers publish (Gatekeeper origin) as the cluster is created. */
export interface ClusterKeysPublication extends PublicKeys {
  readonly cluster: Uint8Array;
}
export const clusterKeysPublicationCodec: Codec<ClusterKeysPublication> = Struct({
  cluster: key32,
  pubkey: key32,
  ecdhPubkey: key32,
});

/** A cluster key sealed to one of its workers (Gatekeeper origin, `CLUSTER_KEY_PURPOSE`). */
export interface ClusterKeyShare {
  readonly cluster: Uint8Array;
  readonly share: KeyShare;
}
export const clusterKeyShareCodec: Codec<ClusterKeyShare> = Struct({ cluster: key32, share: keyShareCodec });

/** A contract's public keys, which its cluster's workers publish (Cluster origin). */
export interface ContractKeysPublication extends PublicKeys {
  readonly contract: Uint8Array;
}
export const contractKeysPublicationCodec: Codec<ContractKeysPublication> = Struct({
  contract: key32,
  pubkey: key32,
  ecdhPubkey: key32,
});

/** Contracts pallet → pRuntimes: ClusterEvent. */
export const CLUSTER_EVENT_TOPIC: Topic = topicFromString("phala/cluster/event");
/** Gatekeeper → a cluster's workers: ClusterKeyShare. */
export const CLUSTER_KEY_SHARE_TOPIC: Topic = topicFromString("phala/cluster/key");
/** Gatekeeper → contracts pallet, on chain only: ClusterKeysPublication. */
export const CLUSTER_KEYS_TOPIC: Topic = new TextEncoder().encode("^phala/phat/cluster-keys");
/** Cluster → contracts pallet, on chain only: ContractKeysPublication. */
export const CONTRACT_KEYS_TOPIC: Topic = new TextEncoder().encode("^phala/phat/contract-keys");
