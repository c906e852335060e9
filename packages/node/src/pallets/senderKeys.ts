import type { SenderKeyResolver } from "./mq.js";
import { phatContractsStorage } from "./phatContracts.js";
import { registryStorage } from "./registryState.js";

/**
 * Who signs what an offchain sender sends, as the chain knows it: a worker its identity key, the
 * Gatekeeper origin the master key, a cluster or a contract its published key. A sender whose key
 * is not (yet) known has none, and the mq refuses its messages (BadSender).
 */
export const senderKeys: SenderKeyResolver = (state, sender) => {
  switch (sender.type) {
    case "Worker":
      return sender.value;
    case "Gatekeeper":
      return registryStorage.GatekeeperMasterPubkey.get(state);
    case "Cluster":
      return phatContractsStorage.ClusterKeys.get(state, sender.value)?.pubkey;
    case "Contract":
      return phatContractsStorage.ContractKeys.get(state, sender.value)?.pubkey;
    default:
      return undefined;
  }
};
