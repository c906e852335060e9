import { describe, expect, it } from "vitest";
import { clustersHuman, clustersJson } from "./clusterCommand.js";
import { fixtureState, hex32, memoryReader, memoryState } from "./keyHierarchyFixture.test-util.js";
import { type ClusterView, readClusterView, type StorageReader } from "./keyHierarchyView.js";
import type { Snapshot } from "./nodeStorage.js";

const at = { hash: `0x${"ab".repeat(32)}`, number: 7 } as const;
const snapshot = async (reader: StorageReader): Promise<Snapshot<ClusterView[]>> => ({
  at,
  value: await readClusterView(reader),
});
const clusterId = (n: number) => `0x${"00".repeat(31)}0${n}`;

describe("cluster list output", () => {
  it("lists each cluster with its permission, rotation, keys, workers and contracts", async () => {
    expect(clustersHuman(await snapshot(memoryReader(fixtureState())))).toEqual([
      `finalized block:        #7 ${at.hash}`,
      "clusters:               2",
      "",
      `cluster ${clusterId(0)}`,
      "  permission:           public",
      "  master rotation id:   0",
      `  pubkey:               ${hex32(0xc0)}`,
      `  ecdh pubkey:          ${hex32(0xc1)}`,
      "  workers:              2",
      `    ${hex32(3)}`,
      `    ${hex32(4)}`,
      "  contracts:            1",
      `    ${hex32(0xd1)}`,
      `      deployer:         ${hex32(0x0a)}`,
      `      code hash:        ${hex32(0x11)}`,
      "      salt:             0x01",
      `      pubkey:           ${hex32(0xd8)}`,
      `      ecdh pubkey:      ${hex32(0xd9)}`,
      "",
      `cluster ${clusterId(1)}`,
      "  permission:           only owners (1)",
      `    ${hex32(0x0a)}`,
      "  master rotation id:   1",
      "  pubkey:               keys not yet published",
      "  workers:              1",
      `    ${hex32(5)}`,
      "  contracts:            1",
      `    ${hex32(0xd2)}`,
      `      deployer:         ${hex32(0x0a)}`,
      `      code hash:        ${hex32(0x12)}`,
      "      salt:             0x02",
      "      pubkey:           keys not yet published",
    ]);
    expect(clustersHuman(await snapshot(memoryReader(memoryState([]))))).toEqual([
      `finalized block:        #7 ${at.hash}`,
      "clusters:               none",
    ]);
  });

  it("prints JSON with hex bytes, decimal u64 and null for keys not published", async () => {
    const contract = (n: number, keys: unknown) => ({
      id: hex32(0xd0 + n),
      deployer: hex32(0x0a),
      codeHash: hex32(0x10 + n),
      salt: `0x0${n}`,
      keys,
    });
    expect(clustersJson(await snapshot(memoryReader(fixtureState())))).toEqual({
      at: { hash: at.hash, number: 7 },
      clusters: [
        {
          id: clusterId(0),
          permission: { type: "Public" },
          workers: [hex32(3), hex32(4)],
          masterRotationId: "0",
          keys: { pubkey: hex32(0xc0), ecdhPubkey: hex32(0xc1) },
          contracts: [contract(1, { pubkey: hex32(0xd8), ecdhPubkey: hex32(0xd9) })],
        },
        {
          id: clusterId(1),
          permission: { type: "OnlyOwners", owners: [hex32(0x0a)] },
          workers: [hex32(5)],
          masterRotationId: "1",
          keys: null,
          contracts: [contract(2, null)],
        },
      ],
    });
    expect(clustersJson(await snapshot(memoryReader(memoryState([]))))).toEqual({
      at: { hash: at.hash, number: 7 },
      clusters: [],
    });
  });
});
