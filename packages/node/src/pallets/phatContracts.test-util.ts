import {
  blake2_256,
  CLUSTER_EVENT_TOPIC,
  CLUSTER_KEYS_TOPIC,
  type ClusterEvent,
  type ClusterPermission,
  CONTRACT_KEYS_TOPIC,
  clusterEventCodec,
  clusterIdFromIndex,
  clusterKeysPublicationCodec,
  clusterOrigin,
  contractCommandCodec,
  contractCommandTopic,
  contractId,
  contractKeysPublicationCodec,
  decodeExact,
  equalBytes,
  publicKeysFromSeed,
} from "@phala-ts/core";
import { addressOf } from "../runtime/multiAddress.js";
import { alice, GATEKEEPER, hierarchyKey, setupChain, workerIdentity } from "./keyHierarchy.test-util.js";
import { mqStorage } from "./mq.js";
import { systemStorage } from "./system.js";

/** PhalaPhatContracts' tests' chain: registered workers, a launched master key, clusters, code, funds. */

export const gk = workerIdentity("//gk");
export const w1 = workerIdentity("//w1");
export const w2 = workerIdentity("//w2");
export const w3 = workerIdentity("//w3");
export const nobody = workerIdentity("//nobody");
export const master = hierarchyKey(0x11);
export const CLUSTER_SEED_FILL = 0x33;
export const CONTRACT_SEED_FILL = 0x44;
export const clusterKey = hierarchyKey(CLUSTER_SEED_FILL);
export const contractKey = hierarchyKey(CONTRACT_SEED_FILL);
export const PUBLIC: ClusterPermission = { type: "Public", value: undefined };
export const code = new TextEncoder().encode("export default () => 42;");
export const codeHash = blake2_256(code);
export const [cluster0, cluster1] = [clusterIdFromIndex(0n), clusterIdFromIndex(1n)];

/** A PhalaPhatContracts event as `exec.events` holds it. */
export const phatEvent = (type: string, value: unknown) => ({ type: "PhalaPhatContracts", value: { type, value } });
/** A refusal event: `{[field]: subject, reason}`. */
export const refused = (type: string, field: string, subject: Uint8Array, reason: string) => ({
  type,
  value: { [field]: subject, reason: { type: reason, value: undefined } },
});

export function setupPhat() {
  const chain = setupChain();
  for (const worker of [gk, w1, w2, w3]) chain.registerWorker(worker);
  const phat = (name: string, args: unknown) => chain.root("PhalaPhatContracts", name, args);
  const phatAs = (who: Uint8Array, name: string, args: unknown) => chain.signed(who, "PhalaPhatContracts", name, args);
  const told = (): ClusterEvent[] => chain.outbound(CLUSTER_EVENT_TOPIC, clusterEventCodec, "PhalaPhatContracts");
  const phatEvents = () => chain.exec.events.filter((e) => e.event.type === "PhalaPhatContracts").map((e) => e.event);
  const lastEvent = () => phatEvents().at(-1);
  /** The gatekeepers publish `cluster`'s keys (by default clusterKey's). */
  const publishClusterKeys = (cluster: Uint8Array, seedFill = CLUSTER_SEED_FILL) => {
    const keys = publicKeysFromSeed(new Uint8Array(32).fill(seedFill));
    return chain.relay(master, GATEKEEPER, CLUSTER_KEYS_TOPIC, clusterKeysPublicationCodec.enc({ cluster, ...keys }))
      .events;
  };
  /** `contract`'s cluster publishes its keys (by default contractKey's). */
  const publishContractKeys = (contract: Uint8Array, cluster = cluster0, seedFill = CONTRACT_SEED_FILL) => {
    const keys = publicKeysFromSeed(new Uint8Array(32).fill(seedFill));
    const publication = contractKeysPublicationCodec.enc({ contract, ...keys });
    return chain.relay(clusterKey, clusterOrigin(cluster), CONTRACT_KEYS_TOPIC, publication).events;
  };
  /** With the master key launched, cluster 0 of w1 and w2 with published keys, and `code` uploaded. */
  const ready = (permission: ClusterPermission = PUBLIC) => {
    chain.launch(gk, master);
    phat("addCluster", { workers: [w1.keys.pubkey, w2.keys.pubkey], permission });
    publishClusterKeys(cluster0);
    phatAs(alice, "uploadCode", { code });
  };
  /** Sets `who`'s free balance. */
  const fund = (who: Uint8Array, free: bigint) =>
    chain.root("Balances", "forceSetBalance", { who: addressOf(who), newFree: free });
  const balance = (who: Uint8Array) => {
    const { free, reserved } = systemStorage.Account.get(chain.exec.state, who).data;
    return { free, reserved };
  };
  /** `who` instantiates `code` in cluster 0 with `salt` and the command terms given; returns the contract id. */
  const instantiate = (
    who: Uint8Array,
    terms: { args?: Uint8Array; salt?: Uint8Array; gasLimit?: bigint; deposit?: bigint; cluster?: Uint8Array } = {},
  ) => {
    const { args = Uint8Array.of(0xa0), salt = Uint8Array.of(1), gasLimit = 0n, deposit = 0n } = terms;
    const cluster = terms.cluster ?? cluster0;
    phatAs(who, "instantiate", { codeHash, cluster, args, salt, gasLimit, deposit });
    return contractId(who, codeHash, cluster, salt);
  };
  /** The commands queued for `contract` in this block, with their senders. */
  const queuedCommands = (contract: Uint8Array) =>
    mqStorage.OutboundMessages.get(chain.exec.state)
      .filter((m) => equalBytes(m.destination, contractCommandTopic(contract)))
      .map((m) => ({ sender: m.sender, command: decodeExact(contractCommandCodec.dec, m.payload, "command") }));
  return {
    ...chain,
    phat,
    phatAs,
    told,
    phatEvents,
    lastEvent,
    publishClusterKeys,
    publishContractKeys,
    ready,
    fund,
    balance,
    instantiate,
    queuedCommands,
  };
}
