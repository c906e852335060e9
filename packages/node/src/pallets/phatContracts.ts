import {
  blake2_256,
  CLUSTER_EVENT_TOPIC,
  CLUSTER_KEYS_TOPIC,
  type ClusterEvent,
  type ClusterKeysPublication,
  CONTRACT_KEYS_TOPIC,
  type ContractKeysPublication,
  clusterEventCodec,
  clusterIdFromIndex,
  clusterInfoCodec,
  clusterKeysPublicationCodec,
  clusterPermissionCodec,
  contractId,
  contractInfoCodec,
  contractKeysPublicationCodec,
  equalBytes,
  type MessageOrigin,
  publicKeysCodec,
  topicToString,
  type WorkerKeys,
} from "@phala-ts/core";
import type { Codec } from "@polkadot-api/substrate-bindings";
import type { ExecutionContext } from "../runtime/context.js";
import { DispatchError, PalletErrors } from "../runtime/dispatchError.js";
import { bindStorage, call, definePallet } from "../runtime/pallet.js";
import { AccountId32, H256, type TypeOf, t } from "../runtime/scaleType.js";
import { type StorageReader, storageMap, storageValue } from "../runtime/storageItem.js";
import { DB_READ, DB_WRITE, type Weight, weight } from "../runtime/weight.js";
import { includesBytes, withAdded, withRemoved } from "./byteLists.js";
import { decodeOnChainPayload, type OnChainHandler, pushPalletMessage } from "./mq.js";
import { PALLET_INDEX } from "./palletIndices.js";
import { registryStorage, WorkerPublicKey, workerKeys } from "./registryState.js";

const ClusterId = t.named(["phala_types", "contract", "ContractClusterId"], t.fixed(32));
const ContractId = t.named(["phala_types", "contract", "ContractId"], t.fixed(32));

const ClusterPermissionType = t.withCodec(
  clusterPermissionCodec,
  t.variant(["phala_types", "contract", "ClusterPermission"], { Public: [0], OnlyOwners: [1, t.vec(AccountId32)] }),
);

const ClusterInfoType = t.withCodec(
  clusterInfoCodec,
  t.struct(["phala_pallets", "phat", "ClusterInfo"], {
    permission: ClusterPermissionType,
    workers: t.vec(WorkerPublicKey),
    masterRotationId: t.u64,
  }),
);

const PublicKeysType = t.withCodec(
  publicKeysCodec,
  t.struct(["phala_pallets", "phat", "PublicKeys"], { pubkey: t.fixed(32), ecdhPubkey: t.fixed(32) }),
);

const ContractInfoType = t.withCodec(
  contractInfoCodec,
  t.struct(["phala_pallets", "phat", "ContractInfo"], {
    deployer: AccountId32,
    codeHash: H256,
    cluster: ClusterId,
    salt: t.bytes,
  }),
);

/** The largest contract code `upload_code` takes. */
export const MAX_CODE_SIZE = 512 * 1024;
/** The longest salt `instantiate` takes. */
export const MAX_SALT_LENGTH = 128;

const storage = bindStorage("PhalaPhatContracts", {
  ClusterCounter: storageValue(t.u64, {
    default: 0n,
    docs: "How many clusters were created: the next cluster's id is this number as 32 big-endian bytes.",
  }),
  Clusters: storageMap("Twox64Concat", ClusterId, ClusterInfoType, {
    docs: "Each cluster's deploy permission, workers, and the master key rotation its key derives from.",
  }),
  ClusterKeys: storageMap("Twox64Concat", ClusterId, PublicKeysType, {
    docs: "Each cluster's public keys, published by the gatekeepers: what Cluster-origin messages are signed by.",
  }),
  Code: storageMap("Identity", H256, t.bytes, {
    docs: "Uploaded contract code by its blake2-256 hash.",
  }),
  Contracts: storageMap("Twox64Concat", ContractId, ContractInfoType, {
    docs: "Each contract's deployer, code, cluster and salt.",
  }),
  ContractKeys: storageMap("Twox64Concat", ContractId, PublicKeysType, {
    docs: "Each contract's public keys, published by its cluster: what Contract-origin messages are signed by.",
  }),
});

const errors = new PalletErrors("PhalaPhatContracts", PALLET_INDEX.PhalaPhatContracts, [
  "MasterKeyNotReady",
  "WorkerNotRegistered",
  "DuplicateWorker",
  "ClusterNotFound",
  "WorkerAlreadyInCluster",
  "WorkerNotInCluster",
  "CodeTooLarge",
  "CodeAlreadyUploaded",
  "CodeNotFound",
  "ClusterKeysNotReady",
  "SaltTooLong",
  "NoDeployPermission",
  "ContractAlreadyExists",
]);

const KeysRefusal = t.variant(["phala_pallets", "phat", "KeysRefusal"], {
  /** The payload is not exactly a publication. */
  Malformed: [0],
  /** Cluster keys come from the Gatekeeper origin, contract keys from their cluster's origin. */
  WrongSender: [1],
  /** No such cluster or contract. */
  NotFound: [2],
  /** The contract belongs to another cluster than the sender. */
  WrongCluster: [3],
  /** Its keys are published already. */
  AlreadyPublished: [4],
});
type Refusal = TypeOf<typeof KeysRefusal>["type"];

const events = t.variant(["phala_pallets", "phat", "Event"], {
  ClusterCreated: [0, { cluster: ClusterId }],
  WorkerAddedToCluster: [1, { cluster: ClusterId, worker: WorkerPublicKey }],
  WorkerRemovedFromCluster: [2, { cluster: ClusterId, worker: WorkerPublicKey }],
  CodeUploaded: [3, { codeHash: H256, uploader: AccountId32 }],
  ContractInstantiated: [4, { contract: ContractId, cluster: ClusterId, deployer: AccountId32, codeHash: H256 }],
  ClusterKeysPublished: [5, { cluster: ClusterId, pubkey: t.fixed(32) }],
  ClusterKeysRefused: [6, { cluster: ClusterId, reason: KeysRefusal }],
  ContractKeysPublished: [7, { contract: ContractId, pubkey: t.fixed(32) }],
  ContractKeysRefused: [8, { contract: ContractId, reason: KeysRefusal }],
});
export type PhatContractsEvent = TypeOf<typeof events>;

function tellClusters(exec: ExecutionContext, event: ClusterEvent): void {
  pushPalletMessage(exec, "PhalaPhatContracts", CLUSTER_EVENT_TOPIC, clusterEventCodec.enc(event));
}

function registeredWorker(state: StorageReader, worker: Uint8Array): WorkerKeys {
  const keys = workerKeys(state, worker);
  if (keys === undefined) throw errors.error("WorkerNotRegistered");
  return keys;
}

function clusterInfo(state: StorageReader, cluster: Uint8Array) {
  const info = storage.Clusters.get(state, cluster);
  if (info === undefined) throw errors.error("ClusterNotFound");
  return info;
}

/** Uploading: hashing and storing the code grows with its length, 10 ns a byte up to MAX_CODE_SIZE. */
export function uploadCodeWeight(code: Uint8Array): Weight {
  const length = BigInt(Math.min(code.length, MAX_CODE_SIZE));
  return weight(DB_READ.refTime + DB_WRITE.refTime + length * 10_000n);
}

/**
 * Sets a contract's or cluster's keys from a publication, unless `check` refuses it. Like every
 * on-chain handler it never throws, so that the sender's sequence is taken whatever the verdict;
 * a refusal is an event and changes nothing else.
 */
function keysPublication<P extends ClusterKeysPublication | ContractKeysPublication>(spec: {
  readonly codec: Codec<P>;
  readonly subject: (publication: P) => Uint8Array;
  readonly check: (exec: ExecutionContext, subject: Uint8Array, sender: MessageOrigin) => Refusal | undefined;
  readonly keys: typeof storage.ClusterKeys;
  readonly published: (subject: Uint8Array, pubkey: Uint8Array) => PhatContractsEvent;
  readonly refused: (subject: Uint8Array, reason: Refusal) => PhatContractsEvent;
}): OnChainHandler {
  return (exec, message) => {
    const publication = decodeOnChainPayload(spec.codec, message.payload, "keys publication");
    if (publication === undefined) {
      return exec.deposit("PhalaPhatContracts", spec.refused(new Uint8Array(32), "Malformed"));
    }
    const subject = spec.subject(publication);
    const refusal =
      spec.check(exec, subject, message.sender) ??
      (spec.keys.contains(exec.state, subject) ? "AlreadyPublished" : undefined);
    if (refusal !== undefined) return exec.deposit("PhalaPhatContracts", spec.refused(subject, refusal));
    const { pubkey, ecdhPubkey } = publication;
    spec.keys.set(exec.state, subject, { pubkey, ecdhPubkey });
    exec.deposit("PhalaPhatContracts", spec.published(subject, pubkey));
  };
}

const reasonOf = (reason: Refusal) => ({ type: reason, value: undefined });

/** A cluster's keys (`^phala/phat/cluster-keys`), from the gatekeepers once the cluster exists. */
const takeClusterKeys = keysPublication<ClusterKeysPublication>({
  codec: clusterKeysPublicationCodec,
  subject: (publication) => publication.cluster,
  check: (exec, cluster, sender) => {
    if (sender.type !== "Gatekeeper") return "WrongSender";
    return storage.Clusters.contains(exec.state, cluster) ? undefined : "NotFound";
  },
  keys: storage.ClusterKeys,
  published: (cluster, pubkey) => ({ type: "ClusterKeysPublished", value: { cluster, pubkey } }),
  refused: (cluster, reason) => ({ type: "ClusterKeysRefused", value: { cluster, reason: reasonOf(reason) } }),
});

/** A contract's keys (`^phala/phat/contract-keys`), from its cluster's workers (Cluster origin). */
const takeContractKeys = keysPublication<ContractKeysPublication>({
  codec: contractKeysPublicationCodec,
  subject: (publication) => publication.contract,
  check: (exec, contract, sender) => {
    if (sender.type !== "Cluster") return "WrongSender";
    const info = storage.Contracts.get(exec.state, contract);
    if (info === undefined) return "NotFound";
    return equalBytes(info.cluster, sender.value) ? undefined : "WrongCluster";
  },
  keys: storage.ContractKeys,
  published: (contract, pubkey) => ({ type: "ContractKeysPublished", value: { contract, pubkey } }),
  refused: (contract, reason) => ({ type: "ContractKeysRefused", value: { contract, reason: reasonOf(reason) } }),
});

export const phatContractsHandlers: ReadonlyMap<string, OnChainHandler> = new Map([
  [topicToString(CLUSTER_KEYS_TOPIC), takeClusterKeys],
  [topicToString(CONTRACT_KEYS_TOPIC), takeContractKeys],
]);

/**
 * Clusters of workers that run contracts, and the contracts themselves. Governance creates
 * clusters of registered workers once the master key exists; the gatekeepers derive each
 * cluster's key, send it to its workers and publish its public keys here. Anyone may upload code;
 * a contract is instantiated into a cluster whose keys are published, and its workers publish the
 * contract's public keys. Deposits and contract commands come with issue 7.
 */
export const phatContracts = definePallet({
  name: "PhalaPhatContracts",
  index: PALLET_INDEX.PhalaPhatContracts,
  docs: "Clusters of workers, contract code, contracts, and the cluster and contract public keys.",
  storage,
  events,
  errors,
  constants: {
    MaxCodeSize: { type: t.u32, value: MAX_CODE_SIZE, docs: "The largest code upload_code takes." },
    MaxSaltLength: { type: t.u32, value: MAX_SALT_LENGTH, docs: "The longest salt instantiate takes." },
  },
  calls: {
    addCluster: call({
      index: 0,
      args: { workers: t.vec(WorkerPublicKey), permission: ClusterPermissionType },
      origin: "root",
      weight: ({ workers }) => weight(DB_READ.refTime * BigInt(3 + workers.length) + DB_WRITE.refTime * 3n),
      docs:
        "Create a cluster of registered workers, whose key the gatekeepers derive from the current master " +
        "key; `permission` says who may deploy to it.",
      execute({ exec }, { workers, permission }) {
        if (registryStorage.GatekeeperMasterPubkey.get(exec.state) === undefined) {
          throw errors.error("MasterKeyNotReady");
        }
        const keys = workers.map((worker, i) => {
          if (includesBytes(workers.slice(0, i), worker)) throw errors.error("DuplicateWorker");
          return registeredWorker(exec.state, worker);
        });
        const index = storage.ClusterCounter.get(exec.state);
        const cluster = clusterIdFromIndex(index);
        const masterRotationId = registryStorage.RotationCounter.get(exec.state);
        storage.ClusterCounter.set(exec.state, index + 1n);
        storage.Clusters.set(exec.state, cluster, { permission, workers, masterRotationId });
        exec.deposit("PhalaPhatContracts", { type: "ClusterCreated", value: { cluster } });
        tellClusters(exec, { type: "ClusterCreated", value: { cluster, masterRotationId, workers: keys } });
      },
    }),
    addWorkerToCluster: call({
      index: 1,
      args: { cluster: ClusterId, worker: WorkerPublicKey },
      origin: "root",
      weight: weight(DB_READ.refTime * 2n + DB_WRITE.refTime * 2n),
      docs: "Add a registered worker to a cluster; the gatekeepers send it the cluster key.",
      execute({ exec }, { cluster, worker }) {
        const info = clusterInfo(exec.state, cluster);
        const keys = registeredWorker(exec.state, worker);
        const workers = withAdded(info.workers, worker, errors, "WorkerAlreadyInCluster");
        storage.Clusters.set(exec.state, cluster, { ...info, workers });
        exec.deposit("PhalaPhatContracts", { type: "WorkerAddedToCluster", value: { cluster, worker } });
        tellClusters(exec, {
          type: "WorkerAdded",
          value: { cluster, masterRotationId: info.masterRotationId, worker: keys },
        });
      },
    }),
    removeWorkerFromCluster: call({
      index: 2,
      args: { cluster: ClusterId, worker: WorkerPublicKey },
      origin: "root",
      weight: weight(DB_READ.refTime + DB_WRITE.refTime * 2n),
      docs: "Remove a worker from a cluster.",
      execute({ exec }, { cluster, worker }) {
        const info = clusterInfo(exec.state, cluster);
        const workers = withRemoved(info.workers, worker, errors, "WorkerNotInCluster");
        storage.Clusters.set(exec.state, cluster, { ...info, workers });
        exec.deposit("PhalaPhatContracts", { type: "WorkerRemovedFromCluster", value: { cluster, worker } });
        tellClusters(exec, { type: "WorkerRemoved", value: { cluster, worker } });
      },
    }),
    uploadCode: call({
      index: 3,
      args: { code: t.bytes },
      origin: "signed",
      weight: ({ code }) => uploadCodeWeight(code),
      docs: "Store contract code under its blake2-256 hash, for anyone to instantiate.",
      execute({ exec, origin }, { code }) {
        if (origin.kind !== "signed") throw DispatchError.badOrigin();
        if (code.length > MAX_CODE_SIZE)
          throw errors.error("CodeTooLarge", { length: code.length, max: MAX_CODE_SIZE });
        const codeHash = blake2_256(code);
        if (storage.Code.contains(exec.state, codeHash)) throw errors.error("CodeAlreadyUploaded");
        storage.Code.set(exec.state, codeHash, code);
        exec.deposit("PhalaPhatContracts", { type: "CodeUploaded", value: { codeHash, uploader: origin.who } });
      },
    }),
    instantiate: call({
      index: 4,
      args: { codeHash: H256, cluster: ClusterId, salt: t.bytes },
      origin: "signed",
      weight: weight(DB_READ.refTime * 4n + DB_WRITE.refTime * 2n),
      docs:
        "Instantiate uploaded code in a cluster whose keys are published; the contract id is " +
        "blake2-256(deployer ++ codeHash ++ cluster ++ salt), and the cluster's workers publish its keys.",
      execute({ exec, origin }, { codeHash, cluster, salt }) {
        if (origin.kind !== "signed") throw DispatchError.badOrigin();
        if (!storage.Code.contains(exec.state, codeHash)) throw errors.error("CodeNotFound");
        const { permission } = clusterInfo(exec.state, cluster);
        if (!storage.ClusterKeys.contains(exec.state, cluster)) throw errors.error("ClusterKeysNotReady");
        if (salt.length > MAX_SALT_LENGTH) throw errors.error("SaltTooLong");
        const deployer = origin.who;
        if (permission.type === "OnlyOwners" && !includesBytes(permission.value, deployer)) {
          throw errors.error("NoDeployPermission");
        }
        const contract = contractId(deployer, codeHash, cluster, salt);
        if (storage.Contracts.contains(exec.state, contract)) throw errors.error("ContractAlreadyExists");
        storage.Contracts.set(exec.state, contract, { deployer, codeHash, cluster, salt });
        exec.deposit("PhalaPhatContracts", {
          type: "ContractInstantiated",
          value: { contract, cluster, deployer, codeHash },
        });
        tellClusters(exec, { type: "ContractInstantiated", value: { cluster, contract, deployer, codeHash } });
      },
    }),
  },
});

export const phatContractsStorage = storage;
