import {
  byteKey,
  type ClusterInfo,
  type ContractInfo,
  clusterIdFromIndex,
  clusterInfoCodec,
  clusterInfoKey,
  clusterKeysKey,
  compareBytes,
  contractInfoCodec,
  contractInfoKey,
  contractKeysKey,
  gatekeeperListCodec,
  KEY_HIERARCHY_STORAGE,
  masterPubkeyCodec,
  publicKeysCodec,
  rotationCounterCodec,
  rotationLockCodec,
  type WorkerRecord,
  workerRecordCodec,
  workerRecordKey,
} from "@phala-ts/core";
import { u64 } from "@polkadot-api/substrate-bindings";
import type { StorageReader } from "./keyHierarchyView.js";

/** 32 bytes of `n`: ids and keys whose hex says which they are. */
export const bytes32 = (n: number): Uint8Array => new Uint8Array(32).fill(n);
export const hex32 = (n: number): string => `0x${n.toString(16).padStart(2, "0").repeat(32)}`;

/** Chain state as a sorted key/value list, as a node's trie holds it. */
export type StateEntries = Map<string, { key: Uint8Array; value: Uint8Array }>;

export function memoryState(entries: readonly (readonly [Uint8Array, Uint8Array])[]): StateEntries {
  return new Map(entries.map(([key, value]) => [byteKey(key), { key, value }]));
}

export function sortedKeys(state: StateEntries, prefix: Uint8Array): Uint8Array[] {
  return [...state.values()]
    .map(({ key }) => key)
    .filter((key) => compareBytes(key.subarray(0, prefix.length), prefix) === 0)
    .sort(compareBytes);
}

export function memoryReader(state: StateEntries): StorageReader {
  return {
    get: async (key) => state.get(byteKey(key))?.value,
    keys: async (prefix) => sortedKeys(state, prefix),
  };
}

function worker(n: number, provider: WorkerRecord["attestationProvider"]["type"], confidence: number): WorkerRecord {
  return {
    pubkey: bytes32(n),
    ecdhPubkey: bytes32(n + 0x10),
    runtimeVersion: 1,
    machineId: new Uint8Array([n]),
    features: [],
    operator: undefined,
    attestationProvider: { type: provider, value: undefined } as WorkerRecord["attestationProvider"],
    measurement: bytes32(0xee),
    confidenceLevel: confidence,
    lastUpdated: 1_700_000_000_000n,
  };
}

const workerEntry = (record: WorkerRecord) => [workerRecordKey(record.pubkey), workerRecordCodec.enc(record)] as const;
const keysEntry = (key: Uint8Array, n: number) =>
  [key, publicKeysCodec.enc({ pubkey: bytes32(n), ecdhPubkey: bytes32(n + 1) })] as const;

/**
 * A chain with gatekeepers 0x01… (SGX DCAP, confidence 1) and 0x02… (simulated, 5), the master key
 * 0xaa… at rotation 2 with rotation 3 in progress; cluster 0 (public, workers 0x03… and 0x04…, keys
 * 0xc0…/0xc1…, contract 0xd1… with keys 0xd8…/0xd9…) and cluster 1 (owner 0x0a…, worker 0x05…,
 * rotation 1, no keys yet, contract 0xd2… without keys).
 */
export function fixtureState(): StateEntries {
  const cluster0: ClusterInfo = {
    permission: { type: "Public", value: undefined },
    workers: [bytes32(3), bytes32(4)],
    masterRotationId: 0n,
  };
  const cluster1: ClusterInfo = {
    permission: { type: "OnlyOwners", value: [bytes32(0x0a)] },
    workers: [bytes32(5)],
    masterRotationId: 1n,
  };
  const contract = (cluster: Uint8Array, n: number): ContractInfo => ({
    deployer: bytes32(0x0a),
    codeHash: bytes32(n + 0x10),
    cluster,
    salt: new Uint8Array([n]),
  });
  const [id0, id1] = [clusterIdFromIndex(0n), clusterIdFromIndex(1n)];
  return memoryState([
    [KEY_HIERARCHY_STORAGE.gatekeepers, gatekeeperListCodec.enc([bytes32(1), bytes32(2)])],
    workerEntry(worker(1, "SgxDcap", 1)),
    workerEntry(worker(2, "Simulated", 5)),
    workerEntry(worker(3, "Simulated", 5)),
    [KEY_HIERARCHY_STORAGE.masterPubkey, masterPubkeyCodec.enc(bytes32(0xaa))],
    [KEY_HIERARCHY_STORAGE.rotationCounter, rotationCounterCodec.enc(2n)],
    [KEY_HIERARCHY_STORAGE.rotationLock, rotationLockCodec.enc(3n)],
    [KEY_HIERARCHY_STORAGE.clusterCounter, u64.enc(2n)],
    [clusterInfoKey(id1), clusterInfoCodec.enc(cluster1)],
    [clusterInfoKey(id0), clusterInfoCodec.enc(cluster0)],
    keysEntry(clusterKeysKey(id0), 0xc0),
    [contractInfoKey(bytes32(0xd2)), contractInfoCodec.enc(contract(id1, 2))],
    [contractInfoKey(bytes32(0xd1)), contractInfoCodec.enc(contract(id0, 1))],
    keysEntry(contractKeysKey(bytes32(0xd1)), 0xd8),
  ]);
}

/** The chain before any gatekeeper: a pending launch names the first one. */
export function launchPendingState(): StateEntries {
  return memoryState([
    [KEY_HIERARCHY_STORAGE.gatekeepers, gatekeeperListCodec.enc([bytes32(1)])],
    workerEntry(worker(1, "SgxIas", 3)),
    // Some(pubkey), spelled out: the layout the local codec must read.
    [KEY_HIERARCHY_STORAGE.launchPending, new Uint8Array([1, ...bytes32(1)])],
  ]);
}
