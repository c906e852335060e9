import {
  CLUSTER_KEYS_TOPIC,
  type ClusterPermission,
  CONTRACT_KEYS_TOPIC,
  clusterIdFromIndex,
  clusterInfoKey,
  clusterKeysKey,
  clusterKeysPublicationCodec,
  clusterOrigin,
  contractId,
  contractInfoKey,
  contractKeysKey,
  contractKeysPublicationCodec,
  contractOrigin,
  devAccounts,
  ed25519Generate,
  KEY_HIERARCHY_STORAGE,
  MASTER_KEY_ROTATION_TOPIC,
  masterKeyRotationCodec,
  publicKeysFromSeed,
  topicFromString,
  workerOrigin,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { alice, bob, GATEKEEPER, hierarchyKey, labelOf } from "./keyHierarchy.test-util.js";
import { mqStorage } from "./mq.js";
import { MAX_CODE_SIZE, MAX_SALT_LENGTH, phatContractsStorage as storage, uploadCodeWeight } from "./phatContracts.js";
import {
  CLUSTER_SEED_FILL,
  CONTRACT_SEED_FILL,
  cluster0,
  cluster1,
  clusterKey,
  code,
  codeHash,
  contractKey,
  gk,
  master,
  nobody,
  PUBLIC,
  phatEvent,
  refused,
  setupPhat,
  w1,
  w2,
  w3,
} from "./phatContracts.test-util.js";

const charlie = devAccounts("sr25519").Charlie.accountId;
const setup = setupPhat;

describe("PhalaPhatContracts clusters", () => {
  it("creates clusters of registered workers once the master key exists, and tells pRuntimes", () => {
    const { exec, phat, launch, told, lastEvent, signed } = setup();
    const create = (workers: Uint8Array[], permission: ClusterPermission = PUBLIC) =>
      phat("addCluster", { workers, permission });
    expect(labelOf(() => create([w1.keys.pubkey]))).toBe("PhalaPhatContracts.MasterKeyNotReady");
    launch(gk, master);
    expect(labelOf(() => create([w1.keys.pubkey, nobody.keys.pubkey]))).toBe("PhalaPhatContracts.WorkerNotRegistered");
    expect(labelOf(() => create([w1.keys.pubkey, w2.keys.pubkey, w1.keys.pubkey]))).toBe(
      "PhalaPhatContracts.DuplicateWorker",
    );
    const args = { workers: [w1.keys.pubkey], permission: PUBLIC };
    expect(labelOf(() => signed(alice, "PhalaPhatContracts", "addCluster", args))).toBe("BadOrigin");
    expect(storage.ClusterCounter.get(exec.state)).toBe(0n);

    create([w1.keys.pubkey, w2.keys.pubkey]);
    expect(lastEvent()).toEqual(phatEvent("ClusterCreated", { cluster: cluster0 }));
    expect(storage.ClusterCounter.get(exec.state)).toBe(1n);
    expect(storage.Clusters.get(exec.state, cluster0)).toEqual({
      permission: PUBLIC,
      workers: [w1.keys.pubkey, w2.keys.pubkey],
      masterRotationId: 0n,
    });
    expect(told()).toEqual([
      { type: "ClusterCreated", value: { cluster: cluster0, masterRotationId: 0n, workers: [w1.keys, w2.keys] } },
    ]);
    const owners: ClusterPermission = { type: "OnlyOwners", value: [bob] };
    create([], owners);
    expect(storage.Clusters.get(exec.state, cluster1)?.permission).toEqual(owners);
    expect(storage.ClusterCounter.get(exec.state)).toBe(2n);
  });

  it("adds and removes a cluster's workers", () => {
    const { exec, phat, launch, told, lastEvent } = setup();
    launch(gk, master);
    phat("addCluster", { workers: [w1.keys.pubkey], permission: PUBLIC });
    const add = (cluster: Uint8Array, worker: Uint8Array) => phat("addWorkerToCluster", { cluster, worker });
    const remove = (cluster: Uint8Array, worker: Uint8Array) => phat("removeWorkerFromCluster", { cluster, worker });
    expect(labelOf(() => add(cluster1, w2.keys.pubkey))).toBe("PhalaPhatContracts.ClusterNotFound");
    expect(labelOf(() => add(cluster0, nobody.keys.pubkey))).toBe("PhalaPhatContracts.WorkerNotRegistered");
    expect(labelOf(() => add(cluster0, w1.keys.pubkey))).toBe("PhalaPhatContracts.WorkerAlreadyInCluster");
    add(cluster0, w2.keys.pubkey);
    expect(lastEvent()).toEqual(phatEvent("WorkerAddedToCluster", { cluster: cluster0, worker: w2.keys.pubkey }));
    expect(told().at(-1)).toEqual({
      type: "WorkerAdded",
      value: { cluster: cluster0, masterRotationId: 0n, worker: w2.keys },
    });

    expect(labelOf(() => remove(cluster1, w1.keys.pubkey))).toBe("PhalaPhatContracts.ClusterNotFound");
    expect(labelOf(() => remove(cluster0, w3.keys.pubkey))).toBe("PhalaPhatContracts.WorkerNotInCluster");
    remove(cluster0, w1.keys.pubkey);
    expect(lastEvent()).toEqual(phatEvent("WorkerRemovedFromCluster", { cluster: cluster0, worker: w1.keys.pubkey }));
    expect(told().at(-1)).toEqual({ type: "WorkerRemoved", value: { cluster: cluster0, worker: w1.keys.pubkey } });
    expect(storage.Clusters.get(exec.state, cluster0)?.workers).toEqual([w2.keys.pubkey]);
  });

  it("names the master key a cluster's key derives from: the one current when it was created", () => {
    const { exec, phat, launch, root, relay, told } = setup();
    launch(gk, master);
    root("PhalaRegistry", "rotateMasterKey", {});
    relay(
      master,
      GATEKEEPER,
      MASTER_KEY_ROTATION_TOPIC,
      masterKeyRotationCodec.enc({
        rotationId: 1n,
        masterPubkey: hierarchyKey(0x12).publicKey,
        shares: [{ recipient: gk.keys.pubkey, envelope: Uint8Array.of(1) }],
      }),
    );
    phat("addCluster", { workers: [w1.keys.pubkey], permission: PUBLIC });
    expect(storage.Clusters.get(exec.state, cluster0)?.masterRotationId).toBe(1n);
    phat("addWorkerToCluster", { cluster: cluster0, worker: w2.keys.pubkey });
    expect(told().map((e) => (e.value as { masterRotationId?: bigint }).masterRotationId)).toEqual([1n, 1n]);
  });
});

describe("PhalaPhatContracts code and contracts", () => {
  it("stores code under its hash, once, up to MaxCodeSize, at a weight that grows with it", () => {
    const { exec, phatAs, lastEvent, root } = setup();
    phatAs(alice, "uploadCode", { code });
    expect(storage.Code.get(exec.state, codeHash)).toEqual(code);
    expect(lastEvent()).toEqual(phatEvent("CodeUploaded", { codeHash, uploader: alice }));
    expect(labelOf(() => phatAs(bob, "uploadCode", { code }))).toBe("PhalaPhatContracts.CodeAlreadyUploaded");
    expect(labelOf(() => phatAs(bob, "uploadCode", { code: new Uint8Array(MAX_CODE_SIZE + 1) }))).toBe(
      "PhalaPhatContracts.CodeTooLarge",
    );
    expect(labelOf(() => root("PhalaPhatContracts", "uploadCode", { code: Uint8Array.of(1) }))).toBe("BadOrigin");
    phatAs(bob, "uploadCode", { code: new Uint8Array(MAX_CODE_SIZE) });
    const small = uploadCodeWeight(code).refTime;
    const large = uploadCodeWeight(new Uint8Array(MAX_CODE_SIZE)).refTime;
    expect(large).toBeGreaterThan(small);
    expect(uploadCodeWeight(new Uint8Array(MAX_CODE_SIZE * 2)).refTime).toBe(large);
  });

  it("instantiates uploaded code in a cluster with published keys, as its permission allows", () => {
    const { exec, phat, phatAs, launch, publishClusterKeys, told, phatEvents } = setup();
    const instantiate = (who: Uint8Array, cluster: Uint8Array, salt = Uint8Array.of(1)) =>
      phatAs(who, "instantiate", { codeHash, cluster, args: Uint8Array.of(7), salt, gasLimit: 0n, deposit: 0n });
    launch(gk, master);
    phat("addCluster", { workers: [w1.keys.pubkey], permission: PUBLIC });
    phat("addCluster", { workers: [w2.keys.pubkey], permission: { type: "OnlyOwners", value: [bob] } });
    expect(labelOf(() => instantiate(alice, cluster0))).toBe("PhalaPhatContracts.CodeNotFound");
    phatAs(alice, "uploadCode", { code });
    expect(labelOf(() => instantiate(alice, clusterIdFromIndex(7n)))).toBe("PhalaPhatContracts.ClusterNotFound");
    expect(labelOf(() => instantiate(alice, cluster0))).toBe("PhalaPhatContracts.ClusterKeysNotReady");
    publishClusterKeys(cluster0);
    publishClusterKeys(cluster1);
    expect(labelOf(() => instantiate(alice, cluster0, new Uint8Array(MAX_SALT_LENGTH + 1)))).toBe(
      "PhalaPhatContracts.SaltTooLong",
    );
    expect(labelOf(() => instantiate(alice, cluster1))).toBe("PhalaPhatContracts.NoDeployPermission");

    const salt = new Uint8Array(MAX_SALT_LENGTH).fill(5);
    instantiate(alice, cluster0, salt);
    const contract = contractId(alice, codeHash, cluster0, salt);
    expect(storage.Contracts.get(exec.state, contract)).toEqual({ deployer: alice, codeHash, cluster: cluster0, salt });
    expect(phatEvents().slice(-2)).toEqual([
      phatEvent("ContractInstantiated", { contract, cluster: cluster0, deployer: alice, codeHash }),
      phatEvent("CommandPushed", { contract, index: 0n, caller: alice }),
    ]);
    expect(told().at(-1)).toEqual({
      type: "ContractInstantiated",
      value: { cluster: cluster0, contract, deployer: alice, codeHash },
    });
    expect(labelOf(() => instantiate(alice, cluster0, salt))).toBe("PhalaPhatContracts.ContractAlreadyExists");
    // Another deployer, salt or cluster is another contract.
    instantiate(charlie, cluster0, salt);
    instantiate(bob, cluster1, salt);
    expect(storage.Contracts.contains(exec.state, contractId(bob, codeHash, cluster1, salt))).toBe(true);
  });
});

describe("PhalaPhatContracts keys", () => {
  it("takes a cluster's keys from the gatekeepers, once, and refuses the rest as events", () => {
    const { exec, phat, launch, relay, publishClusterKeys } = setup();
    launch(gk, master);
    const keys = publicKeysFromSeed(new Uint8Array(32).fill(CLUSTER_SEED_FILL));
    const refusal = (cluster: Uint8Array, reason: string) => refused("ClusterKeysRefused", "cluster", cluster, reason);
    expect(publishClusterKeys(cluster0)).toEqual([refusal(cluster0, "NotFound")]);
    phat("addCluster", { workers: [w1.keys.pubkey], permission: PUBLIC });
    const fromWorker = relay(
      w1.keypair,
      workerOrigin(w1.keys.pubkey),
      CLUSTER_KEYS_TOPIC,
      clusterKeysPublicationCodec.enc({ cluster: cluster0, ...keys }),
    );
    expect(fromWorker.events).toEqual([refusal(cluster0, "WrongSender")]);
    expect(relay(master, GATEKEEPER, CLUSTER_KEYS_TOPIC, Uint8Array.of(0)).events).toEqual([
      refusal(new Uint8Array(32), "Malformed"),
    ]);
    expect(storage.ClusterKeys.get(exec.state, cluster0)).toBeUndefined();

    expect(publishClusterKeys(cluster0)).toEqual([
      { type: "ClusterKeysPublished", value: { cluster: cluster0, pubkey: keys.pubkey } },
    ]);
    expect(storage.ClusterKeys.get(exec.state, cluster0)).toEqual(keys);
    expect(publishClusterKeys(cluster0, 0x55)).toEqual([refusal(cluster0, "AlreadyPublished")]);
    expect(storage.ClusterKeys.get(exec.state, cluster0)).toEqual(keys);
  });

  it("takes a contract's keys from its own cluster only, and then its signed messages", () => {
    const { exec, phat, ready, relay, sign, submit, publishClusterKeys, instantiate } = setup();
    ready();
    phat("addCluster", { workers: [w3.keys.pubkey], permission: PUBLIC });
    publishClusterKeys(cluster1);
    const contract = instantiate(alice);
    const keys = publicKeysFromSeed(new Uint8Array(32).fill(CONTRACT_SEED_FILL));
    const publication = (id: Uint8Array) => contractKeysPublicationCodec.enc({ contract: id, ...keys });
    const refusal = (id: Uint8Array, reason: string) => refused("ContractKeysRefused", "contract", id, reason);

    // cluster1's key signs for Cluster(cluster1): both clusters share a key here, which is enough.
    const fromCluster = (cluster: Uint8Array, payload: Uint8Array) =>
      relay(clusterKey, clusterOrigin(cluster), CONTRACT_KEYS_TOPIC, payload).events;
    expect(fromCluster(cluster1, publication(contract))).toEqual([refusal(contract, "WrongCluster")]);
    expect(fromCluster(cluster0, publication(new Uint8Array(32).fill(9)))).toEqual([
      refusal(new Uint8Array(32).fill(9), "NotFound"),
    ]);
    expect(fromCluster(cluster0, Uint8Array.of(1, 2))).toEqual([refusal(new Uint8Array(32), "Malformed")]);
    expect(relay(master, GATEKEEPER, CONTRACT_KEYS_TOPIC, publication(contract)).events).toEqual([
      refusal(contract, "WrongSender"),
    ]);
    expect(storage.ContractKeys.get(exec.state, contract)).toBeUndefined();
    // The contract cannot sign before its keys are published.
    const contractMessage = (signer = contractKey) =>
      sign(signer, contractOrigin(contract), topicFromString("phala/contract/out"), Uint8Array.of(1));
    expect(labelOf(() => submit(contractMessage()))).toBe("PhalaMq.BadSender");

    expect(fromCluster(cluster0, publication(contract))).toEqual([
      { type: "ContractKeysPublished", value: { contract, pubkey: keys.pubkey } },
    ]);
    expect(storage.ContractKeys.get(exec.state, contract)).toEqual(keys);
    expect(fromCluster(cluster0, publication(contract))).toEqual([refusal(contract, "AlreadyPublished")]);

    expect(labelOf(() => submit(contractMessage(ed25519Generate().keypair)))).toBe("PhalaMq.BadSignature");
    const accepted = contractMessage();
    submit(accepted);
    expect(mqStorage.OffchainIngress.get(exec.state, contractOrigin(contract))).toBe(1n);
    // On an ordinary topic, a contract's message is queued for pRuntimes like any other.
    expect(mqStorage.OutboundMessages.get(exec.state).at(-1)).toEqual(accepted.message);
  });

  it("takes Cluster-origin messages signed by the cluster's published key only", () => {
    const { exec, phat, launch, sign, submit, publishClusterKeys } = setup();
    launch(gk, master);
    phat("addCluster", { workers: [w1.keys.pubkey], permission: PUBLIC });
    const message = (signer = clusterKey) =>
      sign(signer, clusterOrigin(cluster0), topicFromString("phala/cluster/out"), Uint8Array.of(1));
    expect(labelOf(() => submit(message()))).toBe("PhalaMq.BadSender");
    publishClusterKeys(cluster0);
    expect(labelOf(() => submit(message(ed25519Generate().keypair)))).toBe("PhalaMq.BadSignature");
    // A worker of the cluster cannot sign for it with its own key either.
    expect(labelOf(() => submit(message(w1.keypair)))).toBe("PhalaMq.BadSignature");
    const accepted = message();
    submit(accepted);
    expect(mqStorage.OffchainIngress.get(exec.state, clusterOrigin(cluster0))).toBe(1n);
    expect(labelOf(() => submit(accepted))).toBe("PhalaMq.BadSequence");
  });
});

describe("PhalaPhatContracts storage", () => {
  it("keeps its items where core reads them", () => {
    const id = new Uint8Array(32).fill(3);
    expect(storage.ClusterCounter.key).toEqual(KEY_HIERARCHY_STORAGE.clusterCounter);
    expect(storage.Clusters.keyFor(id)).toEqual(clusterInfoKey(id));
    expect(storage.ClusterKeys.keyFor(id)).toEqual(clusterKeysKey(id));
    expect(storage.Contracts.keyFor(id)).toEqual(contractInfoKey(id));
    expect(storage.ContractKeys.keyFor(id)).toEqual(contractKeysKey(id));
  });
});
