import {
  CLUSTER_EVENT_TOPIC,
  CLUSTER_KEY_SHARE_TOPIC,
  clusterEventCodec,
  clusterKeyShareCodec,
  decodeExact,
  equalBytes,
  GATEKEEPER_EVENT_TOPIC,
  gatekeeperEventCodec,
  keyShareCodec,
  MASTER_KEY_SHARE_TOPIC,
  type Message,
  type MessageOrigin,
  type SignedMessage,
  topicToString,
  utf8,
} from "@phala-ts/core";
import { Bytes, Struct } from "@polkadot-api/substrate-bindings";
import type { VerifiedStorage } from "../chain/chainStorage.js";
import type { EgressSource } from "../dispatch/egressQueue.js";
import type { BlockContext, MessageRouter, StatefulHandler } from "../dispatch/messageRouter.js";
import type { EnclaveKeys } from "../keys/enclaveKeys.js";
import { ClusterRole } from "./clusterRole.js";
import { GatekeeperRole } from "./gatekeeperRole.js";

const REGISTRY = utf8("PhalaRegistry");
const PHAT_CONTRACTS = utf8("PhalaPhatContracts");
const TOPICS = {
  gatekeeperEvent: topicToString(GATEKEEPER_EVENT_TOPIC),
  masterKeyShare: topicToString(MASTER_KEY_SHARE_TOPIC),
  clusterEvent: topicToString(CLUSTER_EVENT_TOPIC),
  clusterKeyShare: topicToString(CLUSTER_KEY_SHARE_TOPIC),
};
const stateCodec = Struct({ gatekeeper: Bytes(), clusters: Bytes() });

const fromPallet = (sender: MessageOrigin, name: Uint8Array) =>
  sender.type === "Pallet" && equalBytes(sender.value, name);

/**
 * The key hierarchy's messages: gatekeeper events and master key shares, cluster events and
 * cluster key shares. Each is taken only from the sender that may send it (anyone can address
 * any topic): the registry's and the contracts pallet's events from those pallets, shares from
 * the Gatekeeper origin, whose signature the chain checked against the master public key.
 */
export class KeyHierarchyHandler implements StatefulHandler, EgressSource {
  readonly stateName = "key-hierarchy";
  readonly gatekeeper: GatekeeperRole;
  readonly clusters: ClusterRole;

  constructor(keys: EnclaveKeys) {
    this.gatekeeper = new GatekeeperRole(keys);
    this.clusters = new ClusterRole(keys);
  }

  register(router: MessageRouter): void {
    for (const topic of Object.values(TOPICS)) router.on(topic, this);
  }

  handle(message: Message, block: BlockContext): void {
    const { sender, payload } = message;
    switch (topicToString(message.destination)) {
      case TOPICS.gatekeeperEvent:
        if (!fromPallet(sender, REGISTRY)) return;
        this.gatekeeper.onGatekeeperEvent(decodeExact(gatekeeperEventCodec.dec, payload, "GatekeeperEvent"), block);
        return;
      case TOPICS.masterKeyShare:
        if (sender.type !== "Gatekeeper") return;
        this.gatekeeper.onMasterKeyShare(decodeExact(keyShareCodec.dec, payload, "KeyShare"), block);
        return;
      case TOPICS.clusterEvent: {
        if (!fromPallet(sender, PHAT_CONTRACTS)) return;
        const event = decodeExact(clusterEventCodec.dec, payload, "ClusterEvent");
        this.gatekeeper.onClusterEvent(event, block);
        this.clusters.onClusterEvent(event, block);
        return;
      }
      case TOPICS.clusterKeyShare:
        if (sender.type !== "Gatekeeper") return;
        this.clusters.onClusterKeyShare(decodeExact(clusterKeyShareCodec.dec, payload, "ClusterKeyShare"), block);
        return;
    }
  }

  pending(state: VerifiedStorage | undefined): SignedMessage[] {
    return [...this.gatekeeper.pending(state), ...this.clusters.pending(state)];
  }

  purge(state: VerifiedStorage): void {
    this.gatekeeper.purge(state);
    this.clusters.purge(state);
  }

  saveState(): Uint8Array {
    return stateCodec.enc({ gatekeeper: this.gatekeeper.saveState(), clusters: this.clusters.saveState() });
  }

  loadState(bytes: Uint8Array): void {
    const { gatekeeper, clusters } = decodeExact(stateCodec.dec, bytes, "KeyHierarchyState");
    this.gatekeeper.loadState(gatekeeper);
    this.clusters.loadState(clusters);
  }
}
