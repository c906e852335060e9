import { describe, expect, it } from "vitest";
import { type ChainStatusView, chainStatusJson, chainStatusLines } from "./chainCommand.js";
import { jsonText } from "./jsonOutput.js";

const hex32 = (byte: number) => `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
const at = { number: 42, hash: hex32(0xab) };

describe("chain status output", () => {
  const status: ChainStatusView = {
    node: "ws://127.0.0.1:9944",
    nodeVersion: "phala-ts-node 0.1.0",
    chain: "Development",
    genesisHash: hex32(0),
    runtime: { specName: "phala-ts", specVersion: 1, transactionVersion: 1 },
    ss58Prefix: 30,
    best: { number: 43, hash: hex32(0xac) },
    finalized: at,
    peers: 0,
    syncing: false,
    counts: { workers: 3, gatekeepers: 1, clusters: 1, contracts: 2 },
    masterPubkey: hex32(0xaa),
  };

  it("shows the chain, runtime, heads, peers and the network's counts", () => {
    expect(chainStatusLines(status)).toEqual([
      "chain:                  Development",
      "node:                   ws://127.0.0.1:9944 (phala-ts-node 0.1.0)",
      `genesis:                ${hex32(0)}`,
      "runtime:                phala-ts spec 1, transaction version 1",
      "ss58 prefix:            30",
      `best block:             #43 ${hex32(0xac)}`,
      `finalized block:        #42 ${at.hash}`,
      "peers:                  0",
      "workers:                3",
      `gatekeepers:            1 (master key ${hex32(0xaa)})`,
      "clusters:               1",
      "contracts:              2",
    ]);
    const bare = chainStatusLines({ ...status, nodeVersion: undefined, peers: undefined, masterPubkey: undefined });
    expect(bare[1]).toBe("node:                   ws://127.0.0.1:9944");
    expect(bare[7]).toBe("peers:                  not reported");
    expect(bare[9]).toBe("gatekeepers:            1 (master key not launched)");
  });

  it("prints JSON with null for what the node did not report", () => {
    const json = JSON.parse(jsonText(chainStatusJson({ ...status, peers: undefined, masterPubkey: undefined })));
    expect(json).toMatchObject({
      chain: "Development",
      runtime: { specName: "phala-ts", specVersion: 1, transactionVersion: 1 },
      best: { number: 43 },
      finalized: { number: 42 },
      peers: null,
      masterPubkey: null,
      counts: { workers: 3, gatekeepers: 1, clusters: 1, contracts: 2 },
    });
  });
});
