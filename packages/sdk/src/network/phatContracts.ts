import { blockHashAt, type ChainContext, readEntries, readStorage } from "../chain/chainContext.js";
import { type ClusterRef, clusterIdOf, normalizeHex32 } from "./ids.js";
import type { ReadOptions } from "./registry.js";

/** A cluster's or contract's public keys (0x-hex), as the chain publishes them. */
export interface PublicKeysHex {
  /** Ed25519: signs what the cluster or contract sends. */
  readonly pubkey: string;
  /** X25519: what init arguments (cluster) or commands (contract) are sealed to. */
  readonly ecdhPubkey: string;
}

export type ClusterPermission =
  | { readonly type: "Public" }
  /** SS58 addresses of the accounts that may deploy. */
  | { readonly type: "OnlyOwners"; readonly owners: readonly string[] };

/** A cluster, as `PhalaPhatContracts` records it. */
export interface ClusterView {
  readonly id: string;
  readonly permission: ClusterPermission;
  /** Identity keys of its workers. */
  readonly workers: readonly string[];
  readonly masterRotationId: bigint;
  /** Undefined until the gatekeepers publish them. */
  readonly keys: PublicKeysHex | undefined;
  /** Ids of its contracts. */
  readonly contracts: readonly string[];
}

/** A contract, as `PhalaPhatContracts` records it. */
export interface ContractView {
  readonly id: string;
  /** SS58. */
  readonly deployer: string;
  readonly codeHash: string;
  readonly cluster: string;
  /** 0x-hex. */
  readonly salt: string;
  /** Undefined until its cluster publishes them. */
  readonly keys: PublicKeysHex | undefined;
  /** Commands pushed so far, init (command 0) included. */
  readonly commandCount: bigint;
}

const PHAT = "PhalaPhatContracts";

interface RawKeys {
  readonly pubkey: string;
  readonly ecdh_pubkey: string;
}
interface RawCluster {
  readonly permission: { readonly type: "Public" | "OnlyOwners"; readonly value?: string[] };
  readonly workers: string[];
  readonly master_rotation_id: bigint;
}
interface RawContract {
  readonly deployer: string;
  readonly code_hash: string;
  readonly cluster: string;
  readonly salt: Uint8Array;
}

const keysOf = (raw: RawKeys | undefined): PublicKeysHex | undefined =>
  raw === undefined ? undefined : { pubkey: raw.pubkey, ecdhPubkey: raw.ecdh_pubkey };

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id);

/** Values of a map keyed by one 32-byte id, by id. */
async function mapById<T>(ctx: ChainContext, item: string, at: string): Promise<Map<string, T>> {
  const entries = await readEntries(ctx, PHAT, item, at);
  return new Map(entries.map((entry) => [String(entry.keys[0]), entry.value as T]));
}

function contractView(id: string, raw: RawContract, keys: RawKeys | undefined, commandCount: bigint): ContractView {
  return {
    id,
    deployer: raw.deployer,
    codeHash: raw.code_hash,
    cluster: raw.cluster,
    salt: hex(raw.salt),
    keys: keysOf(keys),
    commandCount,
  };
}

/** Every contract on chain, by id. */
export async function readContracts(ctx: ChainContext, options: ReadOptions = {}): Promise<ContractView[]> {
  const at = options.at ?? (await blockHashAt(ctx));
  const [contracts, keys, counters] = await Promise.all([
    mapById<RawContract>(ctx, "Contracts", at),
    mapById<RawKeys>(ctx, "ContractKeys", at),
    mapById<bigint>(ctx, "CommandCounter", at),
  ]);
  return [...contracts].map(([id, raw]) => contractView(id, raw, keys.get(id), counters.get(id) ?? 0n)).sort(byId);
}

/** One contract, or undefined. */
export async function readContract(
  ctx: ChainContext,
  contract: string | Uint8Array,
  options: ReadOptions = {},
): Promise<ContractView | undefined> {
  const id = normalizeHex32(contract, "contract");
  const at = options.at ?? (await blockHashAt(ctx));
  const [raw, keys, counter] = await Promise.all([
    readStorage(ctx, PHAT, "Contracts", [id], at),
    readStorage(ctx, PHAT, "ContractKeys", [id], at),
    readStorage(ctx, PHAT, "CommandCounter", [id], at),
  ]);
  return raw === undefined
    ? undefined
    : contractView(id, raw as RawContract, keys as RawKeys | undefined, counter as bigint);
}

function clusterView(id: string, raw: RawCluster, keys: RawKeys | undefined, contracts: string[]): ClusterView {
  return {
    id,
    permission:
      raw.permission.type === "OnlyOwners"
        ? { type: "OnlyOwners", owners: raw.permission.value ?? [] }
        : { type: "Public" },
    workers: raw.workers,
    masterRotationId: raw.master_rotation_id,
    keys: keysOf(keys),
    contracts,
  };
}

/** Every cluster, by id (their creation order), with its keys and contracts. */
export async function readClusters(ctx: ChainContext, options: ReadOptions = {}): Promise<ClusterView[]> {
  const at = options.at ?? (await blockHashAt(ctx));
  const [clusters, keys, contracts] = await Promise.all([
    mapById<RawCluster>(ctx, "Clusters", at),
    mapById<RawKeys>(ctx, "ClusterKeys", at),
    mapById<RawContract>(ctx, "Contracts", at),
  ]);
  const contractsOf = (cluster: string) =>
    [...contracts]
      .filter(([, raw]) => raw.cluster === cluster)
      .map(([id]) => id)
      .sort();
  return [...clusters].map(([id, raw]) => clusterView(id, raw, keys.get(id), contractsOf(id))).sort(byId);
}

/** One cluster's record and keys (without its contracts, which need a scan), or undefined. */
export async function readCluster(
  ctx: ChainContext,
  cluster: ClusterRef,
  options: ReadOptions = {},
): Promise<Omit<ClusterView, "contracts"> | undefined> {
  const id = clusterIdOf(cluster);
  const at = options.at ?? (await blockHashAt(ctx));
  const [raw, keys] = await Promise.all([
    readStorage(ctx, PHAT, "Clusters", [id], at),
    readStorage(ctx, PHAT, "ClusterKeys", [id], at),
  ]);
  if (raw === undefined) return undefined;
  const { contracts: _, ...view } = clusterView(id, raw as RawCluster, keys as RawKeys | undefined, []);
  return view;
}
