import { join } from "node:path";
import {
  blake2_256,
  CLUSTER_KEYS_TOPIC,
  clusterIdFromIndex,
  clusterKeySeed,
  clusterKeysKey,
  clusterOrigin,
  contractId,
  contractKeySeed,
  contractKeysKey,
  decodeExtrinsic,
  decodeWorkerRecord,
  deriveKey,
  devAccounts,
  ed25519Generate,
  encodeMessageOrigin,
  fromHex,
  gatekeeperListCodec,
  gatekeeperOrigin,
  KEY_HIERARCHY_STORAGE,
  MASTER_KEY_SHARE_TOPIC,
  masterPubkeyCodec,
  type PRuntimePublicInfo,
  type PublicKeys,
  publicKeysCodec,
  publicKeysFromSeed,
  type SignedMessage,
  signMessage,
  storageKey,
  toHex,
  utf8,
  workerRecordKey,
} from "@phala-ts/core";
import { u64 } from "@polkadot-api/substrate-bindings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesAsHaystacks, findSecrets } from "../../packages/core/src/testing/secretScan.test-util.js";
import type { RuntimeCall } from "../../packages/node/src/runtime/runtime.js";
import { decodeCheckpoint } from "../../packages/pruntime/src/checkpoint/checkpointCodec.js";
import { CheckpointStore } from "../../packages/pruntime/src/checkpoint/checkpointStore.js";
import { KeyHierarchyHandler } from "../../packages/pruntime/src/keyHierarchy/keyHierarchyHandler.js";
import { EnclaveKeys } from "../../packages/pruntime/src/keys/enclaveKeys.js";
import { openSimPlatform } from "../../packages/pruntime/src/platform/simPlatform.js";
import { runtime, submitCall, sudoCall, until } from "./chainHelpers.test-util.js";
import { type NodeProcess, runPhala, spawnDevValidator, spawnNode, tempBasePath } from "./nodeProcess.test-util.js";
import { RpcClient } from "./rpcClient.test-util.js";
import { WorkerProcesses } from "./workerProcess.test-util.js";

const sr = devAccounts("sr25519");
const SALT = utf8("key-hierarchy-e2e");
const CODE = utf8("export default { init() {}, handle() {}, query() {} } // key hierarchy e2e");

/**
 * Five workers (three become gatekeepers, two form a cluster), each a real pRuntime with its own
 * real pherry, around one real node on loopback.
 */
describe("gatekeepers and the key hierarchy", () => {
  const base = tempBasePath();
  let node: NodeProcess;
  let rpc: RpcClient;
  const enclaves: Record<"gk1" | "gk2" | "gk3" | "w1" | "w2", WorkerProcesses> = {} as never;
  const identity: Record<string, Uint8Array> = {};
  const cluster0 = clusterIdFromIndex(0n);
  const cluster1 = clusterIdFromIndex(1n);
  let contract: Uint8Array;

  const storageAt = async (key: Uint8Array, at?: string) =>
    rpc.call<string | null>("state_getStorage", [toHex(key), ...(at === undefined ? [] : [at])]);
  const read = async <T>(key: Uint8Array, dec: (bytes: Uint8Array) => T): Promise<T | undefined> => {
    const raw = await storageAt(key);
    return raw === null ? undefined : dec(fromHex(raw));
  };
  const masterPubkey = () => read(KEY_HIERARCHY_STORAGE.masterPubkey, masterPubkeyCodec.dec);
  const rotationCounter = async () => (await read(KEY_HIERARCHY_STORAGE.rotationCounter, u64.dec)) ?? 0n;
  const gatekeepers = async () => (await read(KEY_HIERARCHY_STORAGE.gatekeepers, gatekeeperListCodec.dec)) ?? [];
  const chainClusterKeys = (id: Uint8Array) => read(clusterKeysKey(id), publicKeysCodec.dec);
  const chainContractKeys = (id: Uint8Array) => read(contractKeysKey(id), publicKeysCodec.dec);
  const sudo = (call: RuntimeCall) => sudoCall(rpc, call);
  const registry = (type: string, value: unknown): RuntimeCall => ({ type: "PhalaRegistry", value: { type, value } });
  const phat = (type: string, value: unknown): RuntimeCall => ({ type: "PhalaPhatContracts", value: { type, value } });
  const infoWhen = (
    name: keyof typeof enclaves,
    ready: (info: PRuntimePublicInfo) => boolean,
    what: string,
    timeoutMs = 60_000,
  ) =>
    until(
      async () => {
        const info = await enclaves[name].info().catch(() => undefined);
        return info !== undefined && ready(info) ? info : undefined;
      },
      timeoutMs,
      what,
    );
  const hexOf = (keys: PublicKeys | undefined) =>
    keys && { pubkey: toHex(keys.pubkey), ecdhPubkey: toHex(keys.ecdhPubkey) };

  beforeAll(async () => {
    const operators = { gk1: "//Bob", gk2: "//Charlie", gk3: "//Dave", w1: "//Eve", w2: "//Ferdie" } as const;
    for (const [name, operator] of Object.entries(operators)) {
      const worker = new WorkerProcesses(join(base.path, name), () => node.wsUrl, operator);
      enclaves[name as keyof typeof enclaves] = worker;
    }
    await Promise.all(Object.values(enclaves).map((e) => e.startPRuntime()));
    const first = await enclaves.gk1.info();
    for (const [name, e] of Object.entries(enclaves)) identity[name] = fromHex((await e.info()).identityPublicKey);
    node = await spawnDevValidator(base.path, fromHex(first.measurement));
    rpc = await RpcClient.connect(node.url);
    await Promise.all(Object.values(enclaves).map((e) => e.startPherry()));
    for (const key of Object.values(identity)) {
      await until(() => read(workerRecordKey(key), decodeWorkerRecord), 60_000, "every worker to register");
    }
  }, 120_000);

  afterAll(async () => {
    rpc?.close();
    await Promise.all(Object.values(enclaves).map((e) => e.stop()));
    await node?.stop();
    base.remove();
  });

  it("launches the master key on the first gatekeeper and hands it to later gatekeepers", async () => {
    await sudo(registry("registerGatekeeper", { gatekeeper: identity.gk1 }));
    const launched = await until(masterPubkey, 60_000, "the master key launch");
    const gk1 = await infoWhen("gk1", (i) => i.gatekeeper.masterKey === "holding", "gk1 to hold the master key");
    expect(gk1.role).toBe("gatekeeper");
    expect(gk1.gatekeeper).toEqual({
      masterKey: "holding",
      rotationId: "0",
      masterPubkey: toHex(launched),
      historyLength: 1,
    });
    for (const name of ["gk2", "gk3"] as const) {
      await sudo(registry("registerGatekeeper", { gatekeeper: identity[name] }));
      const info = await infoWhen(
        name,
        (i) => i.gatekeeper.masterKey === "holding",
        `${name} to receive the master key`,
      );
      expect(info.gatekeeper).toEqual(gk1.gatekeeper);
    }
    expect((await gatekeepers()).map(toHex)).toEqual(["gk1", "gk2", "gk3"].map((n) => toHex(identity[n]!)));
    // A worker that is not a gatekeeper holds nothing.
    expect((await enclaves.w1.info()).gatekeeper.masterKey).toBe("none");
  }, 120_000);

  it("gives a cluster's workers its key and publishes a contract's keys; a later cluster is served by the second gatekeeper alone", async () => {
    await sudo(
      phat("addCluster", { workers: [identity.w1, identity.w2], permission: { type: "Public", value: undefined } }),
    );
    const published = await until(() => chainClusterKeys(cluster0), 60_000, "cluster 0's keys on chain");
    for (const name of ["w1", "w2"] as const) {
      const info = await infoWhen(name, (i) => i.clusters.length === 1, `${name} to receive the cluster key`);
      expect(info.clusters[0]).toMatchObject({ cluster: toHex(cluster0), ...hexOf(published) });
    }
    // A contract: its keys are derived by the cluster's workers and published under the Cluster origin.
    await submitCall(rpc, sr.Alice, phat("uploadCode", { code: CODE }));
    const codeHash = blake2_256(CODE);
    await until(
      async () =>
        (await storageAt(storageKey("PhalaPhatContracts", "Code", ["Identity", codeHash]))) ? true : undefined,
      30_000,
      "the code upload",
    );
    await submitCall(
      rpc,
      sr.Alice,
      phat("instantiate", {
        codeHash,
        cluster: cluster0,
        args: new Uint8Array(),
        salt: SALT,
        gasLimit: 0n,
        deposit: 0n,
      }),
    );
    contract = contractId(sr.Alice.accountId, codeHash, cluster0, SALT);
    await until(() => chainContractKeys(contract), 60_000, "the contract's keys on chain");

    // Only gk2 runs now: the keys of cluster 1 can only come from its copy of the master key.
    await enclaves.gk1.pherry.stop();
    await sudo(phat("addCluster", { workers: [identity.w1], permission: { type: "Public", value: undefined } }));
    await until(() => chainClusterKeys(cluster1), 60_000, "cluster 1's keys on chain, from gk2");
    await enclaves.gk1.startPherry();
  }, 180_000);

  it("refuses Gatekeeper and Cluster messages signed by another key, and a key share replayed later", async () => {
    const { ExtrinsicSubmitter, NodeRpc, syncOffchainMessageCall } = await import("../../packages/pherry/src/index.js");
    const submitter = await ExtrinsicSubmitter.connect(new NodeRpc(node.url), sr.Ferdie);
    const verdict = (message: SignedMessage) => submitter.dryRun(syncOffchainMessageCall(submitter.metadata, message));
    const nextSequence = async (origin: Parameters<typeof encodeMessageOrigin>[0]) =>
      BigInt(await rpc.call<number>("pha_getMqNextSequence", [toHex(encodeMessageOrigin(origin))]));
    const impostor = ed25519Generate().keypair;
    const forge = async (origin: Parameters<typeof encodeMessageOrigin>[0], destination: Uint8Array) =>
      signMessage(impostor, { sender: origin, destination, payload: new Uint8Array(96) }, await nextSequence(origin));
    expect(await verdict(await forge(gatekeeperOrigin(), CLUSTER_KEYS_TOPIC))).toEqual({
      ok: false,
      kind: "dispatch",
      error: "PhalaMq.BadSignature",
    });
    expect(await verdict(await forge(clusterOrigin(cluster0), CLUSTER_KEYS_TOPIC))).toEqual({
      ok: false,
      kind: "dispatch",
      error: "PhalaMq.BadSignature",
    });
    // A master key share the chain took: submitted again in a later block, it is stale.
    const share = await findLandedMessage((m) => toHex(m.message.destination) === toHex(MASTER_KEY_SHARE_TOPIC));
    expect(await verdict(share)).toEqual({ ok: false, kind: "dispatch", error: "PhalaMq.BadSequence" });
  }, 60_000);

  async function findLandedMessage(match: (message: SignedMessage) => boolean): Promise<SignedMessage> {
    const head = Number((await rpc.call<{ number: string }>("chain_getHeader")).number);
    for (let n = 1; n <= head; n++) {
      const hash = await rpc.call<string>("chain_getBlockHash", [n]);
      const block = await rpc.call<{ block: { extrinsics: string[] } }>("chain_getBlock", [hash]);
      for (const xt of block.block.extrinsics) {
        const call = runtime.decodeCall(decodeExtrinsic(fromHex(xt)).call) as {
          type: string;
          value: { type: string; value: { signedMessage?: SignedMessage; signedMessages?: SignedMessage[] } };
        };
        if (call.type !== "PhalaMq") continue;
        const { signedMessage, signedMessages = [] } = call.value.value;
        const carried = signedMessage === undefined ? signedMessages : [signedMessage];
        const found = carried.find(match);
        if (found !== undefined) return found;
      }
    }
    throw new Error("no such message on chain");
  }

  it("rotates the master key among the current gatekeepers; earlier keys stay usable", async () => {
    const before = (await masterPubkey())!;
    // w2 leaves cluster 0 (and drops its key); gk3 stops being a gatekeeper.
    await sudo(phat("removeWorkerFromCluster", { cluster: cluster0, worker: identity.w2 }));
    await infoWhen("w2", (i) => i.clusters.length === 0, "w2 to drop the cluster key");
    await sudo(registry("unregisterGatekeeper", { gatekeeper: identity.gk3 }));
    await until(async () => ((await gatekeepers()).length === 2 ? true : undefined), 30_000, "gk3 to be unregistered");
    await sudo(registry("rotateMasterKey", {}));
    await until(async () => ((await rotationCounter()) === 1n ? true : undefined), 60_000, "the rotation");
    const after = (await masterPubkey())!;
    expect(toHex(after)).not.toBe(toHex(before));
    for (const name of ["gk1", "gk2"] as const) {
      const info = await infoWhen(name, (i) => i.gatekeeper.rotationId === "1", `${name} to hold the new key`);
      expect(info.gatekeeper).toEqual({
        masterKey: "holding",
        rotationId: "1",
        masterPubkey: toHex(after),
        historyLength: 2,
      });
    }
    expect((await enclaves.gk3.info()).gatekeeper).toMatchObject({ rotationId: "0", masterPubkey: toHex(before) });
    expect((await enclaves.gk3.info()).role).toBe("worker");
    // Cluster 0 was created under the launch key: a worker added now still gets the same cluster key.
    await sudo(phat("addWorkerToCluster", { cluster: cluster0, worker: identity.w2 }));
    const w2 = await infoWhen("w2", (i) => i.clusters.length === 1, "w2 to receive cluster 0's key again");
    expect(w2.clusters[0]).toMatchObject({ cluster: toHex(cluster0), ...hexOf(await chainClusterKeys(cluster0)) });

    // The CLI shows the same, read at the finalized head.
    const gatekeeperList = await runPhala(["gatekeeper", "list", "--node", node.url, "--json"]);
    expect(gatekeeperList.status).toBe(0);
    expect(JSON.parse(gatekeeperList.stdout)).toMatchObject({
      masterPubkey: toHex(after),
      rotationId: "1",
      rotationInProgress: null,
      gatekeepers: [{ pubkey: toHex(identity.gk1!) }, { pubkey: toHex(identity.gk2!) }],
    });
    const clusterList = await runPhala(["cluster", "list", "--node", node.url, "--json"]);
    expect(clusterList.status).toBe(0);
    const { clusters } = JSON.parse(clusterList.stdout) as {
      clusters: { id: string; workers: string[]; keys: unknown; contracts: { id: string; keys: unknown }[] }[];
    };
    expect(clusters.map((c) => c.id)).toEqual([toHex(cluster0), toHex(cluster1)]);
    expect(clusters[0]!.workers).toEqual([toHex(identity.w1!), toHex(identity.w2!)]);
    expect(clusters[0]!.keys).toEqual(hexOf(await chainClusterKeys(cluster0)));
    expect(clusters[0]!.contracts).toEqual([
      expect.objectContaining({ id: toHex(contract), keys: hexOf(await chainContractKeys(contract)) }),
    ]);
    const human = await runPhala(["gatekeeper", "list", "--node", node.url]);
    expect(human.stdout).toContain(toHex(after));
  }, 180_000);

  it("restarts a gatekeeper from its checkpoint holding the same key and history", async () => {
    const gk2 = enclaves.gk2;
    const before = await gk2.info();
    await gk2.pherry.stop();
    // A checkpoint after the rotation: stop gracefully once, which seals one, then kill -9 the next run.
    await gk2.pruntime.stop();
    await gk2.startPRuntime();
    gk2.pruntime.child.kill("SIGKILL");
    await gk2.pruntime.exited;
    await gk2.startPRuntime();
    const resumed = await gk2.info();
    expect(resumed.gatekeeper).toEqual(before.gatekeeper);
    expect(resumed.dispatchedHeight).toBeGreaterThanOrEqual(before.dispatchedHeight);
    await gk2.startPherry();
  }, 60_000);

  it("never shows a master, cluster or contract secret in plaintext: chain database, logs, unsealed files", async () => {
    // Stop everything so every file is final; the gatekeeper's sealed checkpoint gives the test the keys.
    await Promise.all(Object.values(enclaves).map((e) => e.stop()));
    await node.stop();
    const gk1 = await unsealKeyHierarchy(enclaves.gk1.dataDir);
    const master0 = gk1.gatekeeper.history.seedAt(0n)!;
    const master1 = gk1.gatekeeper.history.seedAt(1n)!;
    const c0 = clusterKeySeed(master0, cluster0);
    const c1 = clusterKeySeed(master0, cluster1);
    const contractSeed = contractKeySeed(c0, contract);
    // The keys derived in this process are the ones the chain published: gk2 alone derived cluster 1's.
    const chainNode = await spawnNodeAgain();
    try {
      expect(hexOf(await chainClusterKeys(cluster0))).toEqual(hexOf(publicKeysFromSeed(c0)));
      expect(hexOf(await chainClusterKeys(cluster1))).toEqual(hexOf(publicKeysFromSeed(c1)));
      expect(hexOf(await chainContractKeys(contract))).toEqual(hexOf(publicKeysFromSeed(contractSeed)));
      expect(toHex((await masterPubkey())!)).toBe(toHex(publicKeysFromSeed(master1).pubkey));
    } finally {
      rpc.close();
      await chainNode.stop();
    }
    const secrets = [master0, master1, c0, c1, contractSeed].flatMap((seed) => [seed, deriveKey(seed, ["ecdh_key"])]);
    const processes = [node, ...Object.values(enclaves).flatMap((e) => e.processes)];
    const haystacks: [string, Uint8Array][] = [
      ...filesAsHaystacks(base.path),
      ...processes.map((p, i): [string, Uint8Array] => [`logs of process ${i}`, utf8(JSON.stringify(p.logs))]),
    ];
    expect(haystacks.some(([place]) => place.includes(join("node", "")))).toBe(true);
    expect(processes.length).toBeGreaterThanOrEqual(11);
    expect(findSecrets(secrets, haystacks)).toEqual([]);
    // The scan finds what it looks for: a control haystack holding one of the secrets in hex.
    expect(findSecrets(secrets, [["control", utf8(`x${toHex(c1)}x`)]])).toEqual([["control", 6]]);
  }, 120_000);

  async function spawnNodeAgain(): Promise<NodeProcess> {
    const restarted = await spawnNode([
      "--chain",
      join(base.path, "spec.json"),
      "--base-path",
      join(base.path, "node"),
    ]);
    rpc = await RpcClient.connect(restarted.url);
    return restarted;
  }
});

/** The key hierarchy state of a stopped sim pRuntime, from its newest sealed checkpoint. */
async function unsealKeyHierarchy(dataDir: string): Promise<KeyHierarchyHandler> {
  const platform = await openSimPlatform({ dataDir, measurement: new Uint8Array(32) });
  const content = await new CheckpointStore(platform.sealed).loadNewest(decodeCheckpoint, () => {});
  if (content === undefined) throw new Error("no checkpoint");
  const handler = new KeyHierarchyHandler(EnclaveKeys.decode(content.keys));
  const state = content.handlers.find(([name]) => name === handler.stateName);
  if (state === undefined) throw new Error("no key hierarchy state in the checkpoint");
  handler.loadState(state[1]);
  return handler;
}
