import type { PRuntimePublicInfo } from "@phala-ts/core";
import { type ClusterView, devAccount, type PhalaClient, SdkError } from "@phala-ts/sdk";
import { describe, expect, it } from "vitest";
import {
  clusterCreated,
  clusterKeysHeld,
  clusterWith,
  gatekeeperRegistered,
  isTransient,
  measurementsToAllow,
  registrationGaps,
  type StageContext,
  workersRegistered,
} from "./bootstrapStages.js";
import type { PRuntimeName } from "./devnetLayout.js";

const hex = (byte: number) => `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
const identities = { gk: hex(1), w1: hex(2), w2: hex(3) } as const;
const keys = { pubkey: hex(0xc0), ecdhPubkey: hex(0xc1) };
const cluster = (workers: string[], withKeys = true): ClusterView => ({
  id: hex(0),
  permission: { type: "Public" },
  workers,
  masterRotationId: 0n,
  keys: withKeys ? keys : undefined,
  contracts: [],
});

describe("stage decisions", () => {
  it("allows only the measurements the chain lacks, once each, whatever their case", () => {
    expect(
      measurementsToAllow([hex(0xaa)], [hex(0xaa), hex(0xbb), hex(0xbb).toUpperCase().replace("0X", "0x")]),
    ).toEqual([hex(0xbb)]);
    expect(measurementsToAllow([hex(0xaa)], [hex(0xaa)])).toEqual([]);
  });

  it("tells missing registrations from registrations of another build or key", () => {
    const info = (m: number, e: number) => ({ measurement: hex(m), ecdhPublicKey: hex(e) });
    const record = (m: number, e: number) => ({ measurement: hex(m), ecdhPubkey: hex(e) });
    expect(
      registrationGaps(
        { gk: info(1, 1), w1: info(1, 2), w2: info(1, 3) },
        { gk: record(1, 1), w1: record(9, 2), w2: undefined },
      ),
    ).toEqual({ missing: ["w2"], stale: ["w1"] });
    expect(registrationGaps({ gk: info(1, 1) } as never, { gk: record(1, 5) })).toEqual({ missing: [], stale: ["gk"] });
    expect(registrationGaps({ gk: info(1, 1) } as never, { gk: record(1, 1) })).toEqual({ missing: [], stale: [] });
  });

  it("finds the cluster that has both workers, and whether both hold its keys", () => {
    const other = { ...cluster([identities.w1]), id: hex(9) };
    const both = cluster([identities.w2, identities.w1, hex(7)]);
    expect(clusterWith([other, both], [identities.w1, identities.w2])).toBe(both);
    expect(clusterWith([other], [identities.w1, identities.w2])).toBeUndefined();
    const holding = (pubkey: string) => ({ clusters: [{ cluster: hex(0), pubkey, ecdhPubkey: "", contracts: 0 }] });
    const infos = [holding(keys.pubkey), holding(keys.pubkey)] as unknown as PRuntimePublicInfo[];
    expect(clusterKeysHeld(both, infos)).toBe(true);
    expect(clusterKeysHeld(cluster([], false), infos)).toBe(false);
    expect(clusterKeysHeld(both, [infos[0]!, holding(hex(5)) as unknown as PRuntimePublicInfo])).toBe(false);
    expect(clusterKeysHeld(both, [infos[0]!, { clusters: [] } as unknown as PRuntimePublicInfo])).toBe(false);
  });

  it("retries on the node or a pRuntime going away, and on nothing else", () => {
    for (const code of ["NODE_DISCONNECTED", "NODE_UNREACHABLE", "CLIENT_CLOSED", "TX_DROPPED", "WORKER_UNREACHABLE"])
      expect(isTransient({ code })).toBe(true);
    expect(isTransient(new TypeError("fetch failed"))).toBe(true);
    for (const error of [{ code: "TX_FAILED" }, { code: "DEVNET_STAGE_FAILED" }, new Error("x"), undefined])
      expect(isTransient(error)).toBe(false);
  });
});

/** A chain and three pRuntimes in memory: what the stages read, and the calls they submit. */
function fakeNetwork(options: { allowList?: string[]; gatekeepers?: string[]; clusters?: ClusterView[] } = {}) {
  const calls: string[] = [];
  const reregistered: [PRuntimeName, boolean][] = [];
  const chain = {
    allowList: options.allowList ?? [hex(0xaa)],
    gatekeepers: options.gatekeepers ?? [],
    clusters: options.clusters ?? [],
    records: {} as Record<string, { identity: string; measurement: string; ecdhPubkey: string }>,
  };
  const infos = Object.fromEntries(
    Object.entries(identities).map(([name, identity]) => [
      name,
      { identityPublicKey: identity, measurement: hex(0xaa), ecdhPublicKey: hex(0xee), clusters: [] },
    ]),
  ) as unknown as Record<PRuntimeName, PRuntimePublicInfo>;
  /** What pherry does: registers its pRuntime with what it runs. */
  const register = (name: PRuntimeName) => {
    const info = infos[name];
    chain.records[info.identityPublicKey] = {
      identity: info.identityPublicKey,
      measurement: info.measurement,
      ecdhPubkey: info.ecdhPublicKey,
    };
  };
  const client = {
    storage: async () => chain.allowList,
    worker: async (identity: string) => chain.records[identity],
    gatekeepers: async () => ({ gatekeepers: chain.gatekeepers.map((identity) => ({ identity })) }),
    clusters: async () => chain.clusters,
    sudo: async (_signer: unknown, pallet: string, call: string, args: Record<string, unknown>) => {
      calls.push(`${pallet}.${call}`);
      if (call === "add_pruntime") chain.allowList.push(args["measurement"] as string);
      if (call === "register_gatekeeper") chain.gatekeepers.push(args["gatekeeper"] as string);
      if (call === "add_cluster") chain.clusters.push(cluster(args["workers"] as string[]));
      return { ok: true };
    },
  };
  const ctx: StageContext = {
    client: async () => client as unknown as PhalaClient,
    info: async (name) => infos[name],
    identities,
    sudo: devAccount("Alice"),
    reregister: async (name, on) => {
      reregistered.push([name, on]);
      if (on) register(name);
    },
    async until(_what, probe) {
      for (let i = 0; i < 5; i++) {
        const value = await probe();
        if (value !== undefined) return value;
      }
      throw new Error("timed out");
    },
  };
  return { ctx, chain, calls, infos, register, reregistered };
}

describe("stages read the chain before they act", () => {
  it("registration: waits for the pherries, allows a new build and has a stale registration renewed", async () => {
    const net = fakeNetwork();
    await expect(workersRegistered.run(net.ctx)).rejects.toThrow("timed out");
    for (const name of ["gk", "w1", "w2"] as const) net.register(name);
    expect(await workersRegistered.run(net.ctx)).toBe("already");
    expect(net.calls).toEqual([]);

    // w1 was rebuilt: another measurement, not yet allowed.
    (net.infos.w1 as { measurement: string }).measurement = hex(0xbb);
    expect(await workersRegistered.run(net.ctx)).toBe("done");
    expect(net.calls).toEqual(["PhalaRegistry.add_pruntime"]);
    expect(net.chain.allowList).toEqual([hex(0xaa), hex(0xbb)]);
    expect(net.reregistered).toEqual([
      ["w1", true],
      ["w1", false],
    ]);
    expect(net.chain.records[identities.w1]?.measurement).toBe(hex(0xbb));
    expect(await workersRegistered.run(net.ctx)).toBe("already");
  });

  it("gatekeeper: registers gk by sudo once; a second run finds it", async () => {
    const net = fakeNetwork();
    expect(await gatekeeperRegistered.run(net.ctx)).toBe("done");
    expect(await gatekeeperRegistered.run(net.ctx)).toBe("already");
    expect(net.calls).toEqual(["PhalaRegistry.register_gatekeeper"]);
  });

  it("cluster: adds one with w1 and w2 unless one has them both", async () => {
    const net = fakeNetwork({ clusters: [{ ...cluster([identities.w1]), id: hex(4) }] });
    expect(await clusterCreated.run(net.ctx)).toBe("done");
    expect(await clusterCreated.run(net.ctx)).toBe("already");
    expect(net.calls).toEqual(["PhalaPhatContracts.add_cluster"]);
    expect(net.chain.clusters.at(-1)?.workers).toEqual([identities.w1, identities.w2]);
  });

  it("stops at a sudo call that failed, and never waits for what it did not do", async () => {
    const net = fakeNetwork();
    const failure = new SdkError("TX_FAILED", "PhalaRegistry.register_gatekeeper failed under sudo: BadOrigin", {
      error: "BadOrigin",
      sudo: true,
    });
    const client = await net.ctx.client();
    (client as unknown as { sudo: () => Promise<unknown> }).sudo = () => Promise.reject(failure);
    await expect(gatekeeperRegistered.run(net.ctx)).rejects.toBe(failure);
    expect(isTransient(failure)).toBe(false);
  });
});
