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
  clusterKeysPublicationCodec,
  contractId,
  contractKeysPublicationCodec,
  equalBytes,
  type MessageOrigin,
  topicToString,
  type WorkerKeys,
} from "@phala-ts/core";
import type { Codec } from "@polkadot-api/substrate-bindings";
import type { ExecutionContext } from "../runtime/context.js";
import { DispatchError } from "../runtime/dispatchError.js";
import { call, definePallet } from "../runtime/pallet.js";
import { H256, t } from "../runtime/scaleType.js";
import type { StorageReader } from "../runtime/storageItem.js";
import { DB_READ, DB_WRITE, type Weight, weight } from "../runtime/weight.js";
import { includesBytes, withAdded, withRemoved } from "./byteLists.js";
import { decodeOnChainPayload, type OnChainHandler, pushPalletMessage } from "./mq.js";
import { PALLET_INDEX } from "./palletIndices.js";
import { checkCommand, commandWeight, phatCommandsHandlers, queueCommand } from "./phatCommands.js";
import {
  ClusterId,
  ClusterPermissionType,
  ContractId,
  depositPhatEvent,
  phatErrors as errors,
  phatEvents as events,
  type KeysRefusal,
  MAX_CODE_SIZE,
  MAX_SALT_LENGTH,
  type PhatContractsEvent,
  phatConstants,
  reasonOf,
  phatContractsStorage as storage,
} from "./phatContractsState.js";
import { registryStorage, WorkerPublicKey, workerKeys } from "./registryState.js";

export {
  GAS_PRICE,
  MAX_CODE_SIZE,
  MAX_COMMAND_BYTES,
  MAX_GAS_PER_COMMAND,
  MAX_REPLY_BYTES,
  MAX_SALT_LENGTH,
  type PhatContractsEvent,
  phatContractsStorage,
} from "./phatContractsState.js";

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
  readonly check: (exec: ExecutionContext, subject: Uint8Array, sender: MessageOrigin) => KeysRefusal | undefined;
  readonly keys: typeof storage.ClusterKeys;
  readonly published: (subject: Uint8Array, pubkey: Uint8Array) => PhatContractsEvent;
  readonly refused: (subject: Uint8Array, reason: KeysRefusal) => PhatContractsEvent;
}): OnChainHandler {
  return (exec, message) => {
    const publication = decodeOnChainPayload(spec.codec, message.payload, "keys publication");
    if (publication === undefined) {
      return depositPhatEvent(exec, spec.refused(new Uint8Array(32), "Malformed"));
    }
    const subject = spec.subject(publication);
    const refusal =
      spec.check(exec, subject, message.sender) ??
      (spec.keys.contains(exec.state, subject) ? "AlreadyPublished" : undefined);
    if (refusal !== undefined) return depositPhatEvent(exec, spec.refused(subject, refusal));
    const { pubkey, ecdhPubkey } = publication;
    spec.keys.set(exec.state, subject, { pubkey, ecdhPubkey });
    depositPhatEvent(exec, spec.published(subject, pubkey));
  };
}

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
  ...phatCommandsHandlers,
]);

/**
 * Clusters of workers that run contracts, and the contracts themselves. Governance creates
 * clusters of registered workers once the master key exists; the gatekeepers derive each
 * cluster's key, send it to its workers and publish its public keys here. Anyone may upload code;
 * a contract is instantiated into a cluster whose keys are published, and its workers publish the
 * contract's public keys. Callers then push commands sealed to the contract's key, paying for
 * their gas out of a deposit (phatCommands.ts).
 */
export const phatContracts = definePallet({
  name: "PhalaPhatContracts",
  index: PALLET_INDEX.PhalaPhatContracts,
  docs:
    "Clusters of workers, contract code, contracts, the cluster and contract public keys, and the " +
    "contracts' sealed commands, their gas deposits and their workers' state roots.",
  storage,
  events,
  errors,
  constants: phatConstants,
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
        depositPhatEvent(exec, { type: "ClusterCreated", value: { cluster } });
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
        depositPhatEvent(exec, { type: "WorkerAddedToCluster", value: { cluster, worker } });
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
        depositPhatEvent(exec, { type: "WorkerRemovedFromCluster", value: { cluster, worker } });
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
        depositPhatEvent(exec, { type: "CodeUploaded", value: { codeHash, uploader: origin.who } });
      },
    }),
    instantiate: call({
      index: 4,
      args: {
        codeHash: H256,
        cluster: ClusterId,
        args: t.bytes,
        salt: t.bytes,
        gasLimit: t.u64,
        deposit: t.u128,
      },
      origin: "signed",
      weight: ({ args }) => commandWeight(6n, 6n, args),
      docs:
        "Instantiate uploaded code in a cluster whose keys are published; the contract id is " +
        "blake2-256(deployer ++ codeHash ++ cluster ++ salt), and the cluster's workers publish its keys. " +
        "`args` (the init arguments sealed to the cluster's key) is queued as the contract's command 0, " +
        "paid for out of `deposit` like any command.",
      execute({ exec, origin }, { codeHash, cluster, args, salt, gasLimit, deposit }) {
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
        checkCommand(args, gasLimit, deposit);
        storage.Contracts.set(exec.state, contract, { deployer, codeHash, cluster, salt });
        depositPhatEvent(exec, {
          type: "ContractInstantiated",
          value: { contract, cluster, deployer, codeHash },
        });
        tellClusters(exec, { type: "ContractInstantiated", value: { cluster, contract, deployer, codeHash } });
        queueCommand(exec, { caller: deployer, contract, index: 0n, gasLimit, deposit, envelope: args });
      },
    }),
    pushCommand: call({
      index: 5,
      args: { contractId: ContractId, payload: t.bytes, gasLimit: t.u64, deposit: t.u128 },
      origin: "signed",
      weight: ({ payload }) => commandWeight(5n, 4n, payload),
      docs:
        "Queue a command sealed to the contract's key for its cluster, reserving `deposit` (at least " +
        "`gasLimit * GasPrice`); when the cluster reports it, the gas used is burned from it and the rest returned.",
      execute({ exec, origin }, { contractId: contract, payload, gasLimit, deposit }) {
        if (origin.kind !== "signed") throw DispatchError.badOrigin();
        if (!storage.Contracts.contains(exec.state, contract)) throw errors.error("ContractNotFound");
        if (!storage.ContractKeys.contains(exec.state, contract)) throw errors.error("ContractKeysNotReady");
        checkCommand(payload, gasLimit, deposit);
        const index = storage.CommandCounter.get(exec.state, contract);
        queueCommand(exec, { caller: origin.who, contract, index, gasLimit, deposit, envelope: payload });
      },
    }),
  },
});
