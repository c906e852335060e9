import { byteKey, encodeMessageOrigin, type SignedMessage, signedMessageCodec, toHex } from "@phala-ts/core";
import { Vector } from "@polkadot-api/substrate-bindings";
import { syncOffchainMessageCall } from "./chainCalls.js";
import type { ExtrinsicSubmitter } from "./extrinsicSubmitter.js";
import { isInvalidTransaction, isPriorityTooLow } from "./nodeRpc.js";
import type { PRuntimeClient } from "./pruntimeClient.js";

const signedMessagesCodec = Vector(signedMessageCodec);

export interface EgressRound {
  /** Messages pRuntime still holds (the chain has not taken them in its verified state). */
  readonly pending: number;
  /** Messages submitted in this round. */
  readonly submitted: number;
}

function bySender(messages: readonly SignedMessage[]): SignedMessage[][] {
  const groups = new Map<string, SignedMessage[]>();
  for (const message of messages) {
    const key = byteKey(encodeMessageOrigin(message.message.sender));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [message]);
    else group.push(message);
  }
  return [...groups.values()].map((group) => group.sort((a, b) => (a.sequence < b.sequence ? -1 : 1)));
}

/**
 * Hands pRuntime's egress to the chain, each message once: per sender, the chain says which
 * sequence it expects next, counting what its pool already holds, and only messages from there on
 * are submitted, in order. A message the chain took since (`Stale`), or whose sequence another
 * pherry already put in the pool (`PriorityTooLow`: gatekeepers and cluster workers send the same
 * messages), is skipped; any other refusal
 * ends this sender's round, and the next round starts again from what the chain expects.
 */
export async function relayEgress(pruntime: PRuntimeClient, submitter: ExtrinsicSubmitter): Promise<EgressRound> {
  const messages = signedMessagesCodec.dec(await pruntime.get("egress"));
  let submitted = 0;
  for (const group of bySender(messages)) {
    const sender = toHex(encodeMessageOrigin(group[0]!.message.sender));
    const next = BigInt(await submitter.rpc.call<number>("pha_getMqNextSequence", [sender]));
    for (const message of group) {
      if (message.sequence < next) continue;
      const call = syncOffchainMessageCall(submitter.metadata, message);
      try {
        await submitter.submit(await submitter.sign(call));
        submitted++;
      } catch (error) {
        // Taken since, or another enclave of a shared sender (Gatekeeper, a Cluster) was first.
        if (isInvalidTransaction(error, "Stale") || isPriorityTooLow(error)) continue;
        throw error;
      }
    }
  }
  return { pending: messages.length, submitted };
}
