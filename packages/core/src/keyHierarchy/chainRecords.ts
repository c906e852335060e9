import {
  _void,
  Bytes,
  type Codec,
  Option,
  Struct,
  Tuple,
  u64,
  u128,
  Variant,
  Vector,
} from "@polkadot-api/substrate-bindings";
import { storageKey } from "../storage/storageKey.js";

const key32 = Bytes(32);

/**
 * The chain's records of the key hierarchy, with the node's storage keys and layouts, so that
 * pRuntimes (from verified state), pherry and clients read them without importing the node.
 */

/** Who may deploy contracts to a cluster. */
export type ClusterPermission =
  | { readonly type: "Public"; readonly value: undefined }
  | { readonly type: "OnlyOwners"; readonly value: Uint8Array[] };

export const clusterPermissionCodec = Variant({
  Public: _void,
  OnlyOwners: Vector(key32),
}) as unknown as Codec<ClusterPermission>;

/** `PhalaPhatContracts.Clusters`: a cluster's rule, workers, and the master key its key derives from. */
export interface ClusterInfo {
  readonly permission: ClusterPermission;
  readonly workers: Uint8Array[];
  readonly masterRotationId: bigint;
}
export const clusterInfoCodec: Codec<ClusterInfo> = Struct({
  permission: clusterPermissionCodec,
  workers: Vector(key32),
  masterRotationId: u64,
});

/** `PhalaPhatContracts.Contracts`: who deployed which code to which cluster. */
export interface ContractInfo {
  readonly deployer: Uint8Array;
  readonly codeHash: Uint8Array;
  readonly cluster: Uint8Array;
  readonly salt: Uint8Array;
}
export const contractInfoCodec: Codec<ContractInfo> = Struct({
  deployer: key32,
  codeHash: key32,
  cluster: key32,
  salt: Bytes(),
});

/** `PhalaPhatContracts.PendingCommands`: a command queued and not answered yet. */
export interface PendingCommand {
  readonly caller: Uint8Array;
  readonly gasLimit: bigint;
  readonly deposit: bigint;
}
export const pendingCommandCodec: Codec<PendingCommand> = Struct({ caller: key32, gasLimit: u64, deposit: u128 });

export const gatekeeperListCodec: Codec<Uint8Array[]> = Vector(key32);
export const masterPubkeyCodec: Codec<Uint8Array | undefined> = Option(key32);
/** `PhalaRegistry.RotationCounter`: the rotation id of the current master key (absent: 0, the launch). */
export const rotationCounterCodec: Codec<bigint> = u64;
/** `PhalaRegistry.MasterKeyRotationLock`: the rotation under way. */
export const rotationLockCodec: Codec<bigint | undefined> = Option(u64);
/** `PhalaRegistry.MasterKeyLaunchPending`: the gatekeeper asked to launch the master key. */
export const launchPendingCodec: Codec<Uint8Array | undefined> = Option(key32);

/** Cluster ids are the chain's cluster counter as a 32-byte big-endian number, as Phala's. */
export function clusterIdFromIndex(index: bigint): Uint8Array {
  const id = new Uint8Array(32);
  new DataView(id.buffer).setBigUint64(24, index);
  return id;
}

export const KEY_HIERARCHY_STORAGE = {
  gatekeepers: storageKey("PhalaRegistry", "Gatekeepers"),
  masterPubkey: storageKey("PhalaRegistry", "GatekeeperMasterPubkey"),
  rotationCounter: storageKey("PhalaRegistry", "RotationCounter"),
  rotationLock: storageKey("PhalaRegistry", "MasterKeyRotationLock"),
  launchPending: storageKey("PhalaRegistry", "MasterKeyLaunchPending"),
  clusterCounter: storageKey("PhalaPhatContracts", "ClusterCounter"),
} as const;

export function clusterInfoKey(cluster: Uint8Array): Uint8Array {
  return storageKey("PhalaPhatContracts", "Clusters", ["Twox64Concat", cluster]);
}

export function clusterKeysKey(cluster: Uint8Array): Uint8Array {
  return storageKey("PhalaPhatContracts", "ClusterKeys", ["Twox64Concat", cluster]);
}

export function contractInfoKey(contract: Uint8Array): Uint8Array {
  return storageKey("PhalaPhatContracts", "Contracts", ["Twox64Concat", contract]);
}

export function contractKeysKey(contract: Uint8Array): Uint8Array {
  return storageKey("PhalaPhatContracts", "ContractKeys", ["Twox64Concat", contract]);
}

/** `PhalaPhatContracts.Code`: uploaded code under its blake2-256 hash. */
export function contractCodeKey(codeHash: Uint8Array): Uint8Array {
  return storageKey("PhalaPhatContracts", "Code", ["Identity", codeHash]);
}

const commandKeyCodec = Tuple(key32, u64);

export function pendingCommandKey(contract: Uint8Array, index: bigint): Uint8Array {
  return storageKey("PhalaPhatContracts", "PendingCommands", ["Twox64Concat", commandKeyCodec.enc([contract, index])]);
}
