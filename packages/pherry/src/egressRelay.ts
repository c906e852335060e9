import { byteKey, encodeMessageOrigin, type SignedMessage, signedMessageCodec, toHex } from "@phala-ts/core";
import { Vector } from "@polkadot-api/substrate-bindings";
import { type MqBatchLimits, mqBatchLimits, syncOffchainMessageCall, syncOffchainMessagesCall } from "./chainCalls.js";
import type { ChainMetadata } from "./chainMetadata.js";
import type { ExtrinsicSubmitter } from "./extrinsicSubmitter.js";
import { isInvalidTransaction, isPriorityTooLow } from "./nodeRpc.js";
import { PherryError } from "./pherryError.js";
import type { PRuntimeClient } from "./pruntimeClient.js";

const signedMessagesCodec = Vector(signedMessageCodec);

export interface EgressRound {
  /** Messages pRuntime still holds (the chain has not taken them in its verified state). */
  readonly pending: number;
  /** Messages submitted in this round (the node's pool took the extrinsics carrying them). */
  readonly submitted: number;
  /** Extrinsics submitted in this round: one per batch (or single message). */
  readonly extrinsics: number;
}

/** One sender's messages, in sequence order, with no sequence twice. */
interface SenderQueue {
  /** SCALE `MessageOrigin`, hex: what `pha_getMqNextSequence` takes. */
  readonly sender: string;
  readonly messages: readonly SignedMessage[];
}

function bySender(messages: readonly SignedMessage[]): SenderQueue[] {
  const groups = new Map<string, SignedMessage[]>();
  for (const message of messages) {
    const key = byteKey(encodeMessageOrigin(message.message.sender));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [message]);
    else group.push(message);
  }
  return [...groups.values()].map((group) => {
    group.sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
    const unique = group.filter((m, i) => i === 0 || m.sequence !== group[i - 1]!.sequence);
    return { sender: toHex(encodeMessageOrigin(unique[0]!.message.sender)), messages: unique };
  });
}

/**
 * Cuts a sender's messages, from sequence `next` on, into batches the chain takes whole: each
 * within `limits` (a message whose payload alone exceeds the byte bound goes alone), consecutive
 * sequences only. It stops at the first missing sequence, since the chain could take nothing after
 * it, and returns nothing when the messages do not reach `next`.
 */
export function chunkEgress(
  messages: readonly SignedMessage[],
  next: bigint,
  limits: MqBatchLimits,
): SignedMessage[][] {
  const batches: SignedMessage[][] = [];
  let expected = next;
  let batch: SignedMessage[] = [];
  let payloadBytes = 0;
  for (const message of messages) {
    if (message.sequence < expected) continue;
    if (message.sequence > expected) break;
    const size = message.message.payload.length;
    if (batch.length >= limits.maxMessages || (batch.length > 0 && payloadBytes + size > limits.maxPayloadBytes)) {
      batches.push(batch);
      batch = [];
      payloadBytes = 0;
    }
    batch.push(message);
    payloadBytes += size;
    expected++;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** The call carrying `batch`: the single call for one message, the batch call for more. */
function egressCall(metadata: ChainMetadata, batch: readonly SignedMessage[]): Uint8Array {
  return batch.length === 1 ? syncOffchainMessageCall(metadata, batch[0]!) : syncOffchainMessagesCall(metadata, batch);
}

/** A refusal that only means someone else was first: the chain took the messages, or its pool holds them. */
const isTakenElsewhere = (error: unknown) => isInvalidTransaction(error, "Stale") || isPriorityTooLow(error);

/** A refusal of this extrinsic by a node that answered (rather than a node that is gone). */
const isRefusal = (error: unknown) => error instanceof PherryError && error.code === "PHERRY_NODE_ERROR";

interface Planned {
  readonly queue: SenderQueue;
  readonly batch: readonly SignedMessage[];
}

/**
 * Hands pRuntime's egress to the chain, each message once. Per sender, the chain says which
 * sequence it expects next, counting what its pool already holds; the messages from there on are
 * cut into batches (`PhalaMq.sync_offchain_messages`, within the chain's bounds), all signed at
 * once with consecutive nonces, and submitted in order without waiting for any to be included:
 * the pool takes a batch whose predecessor is pending by its mq tags.
 *
 * A batch refused as `Stale` (the chain took its first message since) or `PriorityTooLow`
 * (another pherry's extrinsic in the pool carries one of its messages: gatekeepers and cluster
 * workers send the same messages) is skipped: the sender's next sequence is asked again and its
 * rest cut from there, if that moved past the refused batch. Any other refusal ends that sender's
 * round; the other senders go on, and the round then throws that refusal. After a refusal the
 * nonce count is reset and what was signed after it is signed again.
 */
export async function relayEgress(pruntime: PRuntimeClient, submitter: ExtrinsicSubmitter): Promise<EgressRound> {
  const messages = signedMessagesCodec.dec(await pruntime.get("egress"));
  const limits = mqBatchLimits(submitter.metadata);
  const nextSequence = async (sender: string) =>
    BigInt(await submitter.rpc.call<number>("pha_getMqNextSequence", [sender]));
  const queues = bySender(messages);
  const nexts = await Promise.all(queues.map((queue) => nextSequence(queue.sender)));
  let plan: Planned[] = queues.flatMap((queue, i) =>
    chunkEgress(queue.messages, nexts[i]!, limits).map((batch) => ({ queue, batch })),
  );
  let submitted = 0;
  let extrinsics = 0;
  let refusal: unknown;
  while (plan.length > 0) {
    const signed = await submitter.signMany(plan.map(({ batch }) => egressCall(submitter.metadata, batch)));
    let refused = -1;
    let error: unknown;
    for (const [i, bytes] of signed.entries()) {
      try {
        await submitter.submit(bytes);
      } catch (cause) {
        if (!isRefusal(cause)) throw cause;
        refused = i;
        error = cause;
        break;
      }
      submitted += plan[i]!.batch.length;
      extrinsics++;
    }
    if (refused < 0) break;
    const { queue, batch } = plan[refused]!;
    const others = plan.slice(refused + 1).filter((planned) => planned.queue !== queue);
    let resumed: Planned[] = [];
    if (isTakenElsewhere(error)) {
      const next = await nextSequence(queue.sender);
      // Only if that moved on: a pool holding later messages but not these would refuse them again.
      if (next > batch[0]!.sequence) {
        resumed = chunkEgress(queue.messages, next, limits).map((rest) => ({ queue, batch: rest }));
      }
    } else {
      refusal ??= error;
    }
    plan = [...resumed, ...others];
  }
  if (refusal !== undefined) throw refusal;
  return { pending: messages.length, submitted, extrinsics };
}
