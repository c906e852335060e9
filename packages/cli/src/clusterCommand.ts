import { type ClusterPermission, type PublicKeys, toHex } from "@phala-ts/core";
import type { Command } from "commander";
import { addChainQuery, blockJson, blockLine, field, item, listLines } from "./chainQuery.js";
import type { ClusterView, ContractView } from "./keyHierarchyView.js";
import type { Snapshot } from "./nodeStorage.js";

const NOT_PUBLISHED = "keys not yet published";

const keysJson = (keys: PublicKeys | undefined) =>
  keys === undefined ? null : { pubkey: toHex(keys.pubkey), ecdhPubkey: toHex(keys.ecdhPubkey) };

const permissionJson = (permission: ClusterPermission) =>
  permission.type === "Public" ? { type: "Public" } : { type: "OnlyOwners", owners: permission.value.map(toHex) };

function contractJson({ id, info, keys }: ContractView): Record<string, unknown> {
  return {
    id: toHex(id),
    deployer: toHex(info.deployer),
    codeHash: toHex(info.codeHash),
    salt: toHex(info.salt),
    keys: keysJson(keys),
  };
}

function clusterJson({ id, info, keys, contracts }: ClusterView): Record<string, unknown> {
  return {
    id: toHex(id),
    permission: permissionJson(info.permission),
    workers: info.workers.map(toHex),
    masterRotationId: info.masterRotationId.toString(),
    keys: keysJson(keys),
    contracts: contracts.map(contractJson),
  };
}

/** The view as one JSON object: bytes in hex, u64 as decimal strings, null for keys not published. */
export function clustersJson({ at, value }: Snapshot<ClusterView[]>): Record<string, unknown> {
  return { at: blockJson(at), clusters: value.map(clusterJson) };
}

function keysLines(depth: number, keys: PublicKeys | undefined): string[] {
  if (keys === undefined) return [field(depth, "pubkey", NOT_PUBLISHED)];
  return [field(depth, "pubkey", toHex(keys.pubkey)), field(depth, "ecdh pubkey", toHex(keys.ecdhPubkey))];
}

const permissionText = (permission: ClusterPermission) =>
  permission.type === "Public" ? "public" : `only owners (${permission.value.length})`;

function contractLines({ id, info, keys }: ContractView): string[] {
  return [
    item(2, toHex(id)),
    field(3, "deployer", toHex(info.deployer)),
    field(3, "code hash", toHex(info.codeHash)),
    field(3, "salt", toHex(info.salt)),
    ...keysLines(3, keys),
  ];
}

function clusterLines({ id, info, keys, contracts }: ClusterView): string[] {
  const owners = info.permission.type === "OnlyOwners" ? info.permission.value : [];
  return [
    "",
    `cluster ${toHex(id)}`,
    field(1, "permission", permissionText(info.permission)),
    ...owners.map((owner) => item(2, toHex(owner))),
    field(1, "master rotation id", info.masterRotationId.toString()),
    ...keysLines(1, keys),
    ...listLines(
      1,
      "workers",
      info.workers.map((worker) => item(2, toHex(worker))),
    ),
    ...listLines(1, "contracts", contracts.flatMap(contractLines), contracts.length),
  ];
}

export function clustersHuman({ at, value }: Snapshot<ClusterView[]>): string[] {
  return [blockLine(at), ...listLines(0, "clusters", value.flatMap(clusterLines), value.length)];
}

export function addClusterCommand(program: Command): void {
  const cluster = program.command("cluster").description("the chain's clusters of workers and their contracts");
  addChainQuery(cluster, "list", {
    description: "show every cluster: permission, workers, keys and contracts, as finalized",
    help: `Reads PhalaPhatContracts at the node's finalized head: each cluster (by id, i.e. in creation
order) with its deploy permission, its workers, the master key rotation its key derives from,
the public keys the gatekeepers published for it, and its contracts with their published keys.`,
    examples: ["phala cluster list", "phala cluster list --node ws://10.0.0.5:9944 --json"],
    read: async () => (await import("./keyHierarchyView.js")).readClusterView,
    json: clustersJson,
    lines: clustersHuman,
  });
}
