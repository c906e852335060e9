import {
  type ClusterInfo,
  type ContractInfo,
  clusterInfoCodec,
  clusterKeysKey,
  compareBytes,
  contractInfoCodec,
  contractKeysKey,
  decodeExact,
  equalBytes,
  gatekeeperListCodec,
  KEY_HIERARCHY_STORAGE,
  launchPendingCodec,
  masterPubkeyCodec,
  type PublicKeys,
  publicKeysCodec,
  rotationCounterCodec,
  rotationLockCodec,
  splitStorageKey,
  storagePrefix,
  type WorkerRecord,
  workerRecordCodec,
  workerRecordKey,
} from "@phala-ts/core";
import type { Decoder } from "@polkadot-api/substrate-bindings";

/** One block's chain state, as the view reads it. */
export interface StorageReader {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Every key that starts with `prefix`. */
  keys(prefix: Uint8Array): Promise<Uint8Array[]>;
}

export interface GatekeeperEntry {
  readonly pubkey: Uint8Array;
  /** Its `PhalaRegistry.Workers` record: undefined only if the chain lost it. */
  readonly worker: WorkerRecord | undefined;
}

export interface GatekeeperView {
  /** In the order they were added. */
  readonly gatekeepers: GatekeeperEntry[];
  /** Undefined until the first gatekeeper launches the master key. */
  readonly masterPubkey: Uint8Array | undefined;
  readonly rotationId: bigint;
  readonly rotationInProgress: bigint | undefined;
  /** The gatekeeper asked to launch the master key, until the chain records its launch. */
  readonly launchPending: Uint8Array | undefined;
}

export interface ContractView {
  readonly id: Uint8Array;
  readonly info: ContractInfo;
  /** Undefined until its cluster publishes them. */
  readonly keys: PublicKeys | undefined;
}

export interface ClusterView {
  readonly id: Uint8Array;
  readonly info: ClusterInfo;
  /** Undefined until the gatekeepers publish them. */
  readonly keys: PublicKeys | undefined;
  /** Its contracts, by id. */
  readonly contracts: ContractView[];
}

async function read<T>(
  reader: StorageReader,
  key: Uint8Array,
  decoder: Decoder<T>,
  what: string,
): Promise<T | undefined> {
  const raw = await reader.get(key);
  return raw === undefined ? undefined : decodeExact(decoder, raw, what);
}

export async function readGatekeeperView(reader: StorageReader): Promise<GatekeeperView> {
  const [list, masterPubkey, rotationId, rotationLock, launchPending] = await Promise.all([
    read(reader, KEY_HIERARCHY_STORAGE.gatekeepers, gatekeeperListCodec.dec, "PhalaRegistry.Gatekeepers"),
    read(reader, KEY_HIERARCHY_STORAGE.masterPubkey, masterPubkeyCodec.dec, "PhalaRegistry.GatekeeperMasterPubkey"),
    read(reader, KEY_HIERARCHY_STORAGE.rotationCounter, rotationCounterCodec.dec, "PhalaRegistry.RotationCounter"),
    read(reader, KEY_HIERARCHY_STORAGE.rotationLock, rotationLockCodec.dec, "PhalaRegistry.MasterKeyRotationLock"),
    read(reader, KEY_HIERARCHY_STORAGE.launchPending, launchPendingCodec.dec, "PhalaRegistry.MasterKeyLaunchPending"),
  ]);
  const gatekeepers = await Promise.all(
    (list ?? []).map(async (pubkey) => ({
      pubkey,
      worker: await read(reader, workerRecordKey(pubkey), workerRecordCodec.dec, "PhalaRegistry.Workers"),
    })),
  );
  return {
    gatekeepers,
    masterPubkey,
    rotationId: rotationId ?? 0n,
    rotationInProgress: rotationLock,
    launchPending,
  };
}

const PHAT = "PhalaPhatContracts";

/** Every entry of a PhalaPhatContracts map keyed by Twox64Concat of a 32-byte id, by id. */
async function entries<T>(reader: StorageReader, item: string, decoder: Decoder<T>) {
  const keys = await reader.keys(storagePrefix(PHAT, item));
  const found = await Promise.all(
    keys.map(async (key) => {
      const [id] = splitStorageKey(key, PHAT, item, [["Twox64Concat", 32]]) as [Uint8Array];
      const value = await read(reader, key, decoder, `${PHAT}.${item}`);
      return value === undefined ? [] : [{ id, value }];
    }),
  );
  return found.flat().sort((a, b) => compareBytes(a.id, b.id));
}

/** Every cluster, by id (their creation order), each with its keys and contracts. */
export async function readClusterView(reader: StorageReader): Promise<ClusterView[]> {
  const [clusters, contracts] = await Promise.all([
    entries(reader, "Clusters", clusterInfoCodec.dec),
    entries(reader, "Contracts", contractInfoCodec.dec),
  ]);
  const keysOf = (key: Uint8Array, item: "ClusterKeys" | "ContractKeys") =>
    read(reader, key, publicKeysCodec.dec, `${PHAT}.${item}`);
  const contractViews = await Promise.all(
    contracts.map(async ({ id, value }) => ({
      id,
      info: value,
      keys: await keysOf(contractKeysKey(id), "ContractKeys"),
    })),
  );
  return Promise.all(
    clusters.map(async ({ id, value }) => ({
      id,
      info: value,
      keys: await keysOf(clusterKeysKey(id), "ClusterKeys"),
      contracts: contractViews.filter((contract) => equalBytes(contract.info.cluster, id)),
    })),
  );
}
