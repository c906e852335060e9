import {
  concatBytes,
  eraDeath,
  type MessageOrigin,
  messageOriginCodec,
  type SignedMessage,
  type Trie,
  utf8,
} from "@phala-ts/core";
import { u32, u64 } from "@polkadot-api/substrate-bindings";
import { EXISTENTIAL_DEPOSIT } from "../pallets/balances.js";
import { checkBatchShape, type createMq, expectedSequence } from "../pallets/mq.js";
import { systemStorage } from "../pallets/system.js";
import { computeFee, totalFee } from "../pallets/transactionPayment.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { Runtime, RuntimeCall } from "../runtime/runtime.js";
import type { ValidTransaction } from "../txpool/types.js";
import { type ChainContext, checkExtrinsic } from "./checkExtrinsic.js";
import { TransactionInvalidError } from "./transactionValidity.js";

type MqPallet = ReturnType<typeof createMq>;

/** How far ahead of the account's nonce the pool accepts a transaction: further is refused as Future. */
export const MAX_NONCE_AHEAD = 1024;

const NONCE_TAG = utf8("nonce");
const MQ_TAG = utf8("mq");

const nonceTag = (who: Uint8Array, nonce: number) => concatBytes(NONCE_TAG, who, u32.enc(nonce));
/** Whether `tag` is a message-queue sequence tag (sender ++ sequence). */
export const isMqTag = (tag: Uint8Array): boolean => MQ_TAG.every((b, i) => tag[i] === b);

/** The tag a message-queue message provides: sender ++ sequence. */
export const mqTag = (sender: MessageOrigin, sequence: bigint) =>
  concatBytes(MQ_TAG, messageOriginCodec.enc(sender), u64.enc(sequence));

/** The signed messages a `PhalaMq.sync_offchain_message(s)` call carries, or undefined for other calls. */
function offchainMessagesOf(
  call: RuntimeCall,
): { readonly single: boolean; readonly messages: readonly SignedMessage[] } | undefined {
  if (call.type !== "PhalaMq") return undefined;
  if (call.value.type === "syncOffchainMessage") {
    return { single: true, messages: [(call.value.value as { signedMessage: SignedMessage }).signedMessage] };
  }
  if (call.value.type === "syncOffchainMessages") {
    return { single: false, messages: (call.value.value as { signedMessages: SignedMessage[] }).signedMessages };
  }
  return undefined;
}

/**
 * Validates a transaction against the best block's state for inclusion in the next block:
 * signature, era and fee affordability now; nonce and mq sequence as tags, so a transaction
 * whose predecessor is still pending waits in the pool instead of failing.
 */
export function validateTransaction(
  runtime: Runtime,
  chain: ChainContext,
  best: { readonly number: number; readonly hash: Uint8Array; readonly state: Trie },
  bytes: Uint8Array,
): ValidTransaction {
  const blockNumber = best.number + 1;
  // As Substrate validates in an initialized next block: the best block's hash is known there,
  // so a transaction born at the best block (what wallets sign against) is not "ancient".
  const next = new StateOverlay(best.state);
  systemStorage.BlockHash.set(next, best.number, best.hash);
  const xt = checkExtrinsic(runtime, chain, next, blockNumber, bytes);
  if (xt.signed === undefined) throw new TransactionInvalidError("MandatoryValidation");
  const { signer, extra } = xt.signed;
  const account = systemStorage.Account.get(best.state, signer);
  if (extra.nonce < account.nonce)
    throw new TransactionInvalidError("Stale", { nonce: extra.nonce, expected: account.nonce });

  if (extra.nonce > account.nonce + MAX_NONCE_AHEAD) {
    throw new TransactionInvalidError("Future", {
      nonce: extra.nonce,
      expected: account.nonce,
      maxAhead: MAX_NONCE_AHEAD,
    });
  }
  const fee = totalFee(computeFee(best.state, bytes.length, xt.info, extra.tip));
  if (
    account.data.free - account.data.frozen < fee ||
    account.data.free - fee + account.data.reserved < EXISTENTIAL_DEPOSIT
  ) {
    throw new TransactionInvalidError("Payment", { fee: fee.toString() });
  }

  const provides = [nonceTag(signer, extra.nonce)];
  const requires = extra.nonce > account.nonce ? [nonceTag(signer, extra.nonce - 1)] : [];
  const mqBatch = offchainMessagesOf(xt.call);
  if (mqBatch !== undefined) {
    const mq = runtime.pallet("PhalaMq") as MqPallet | undefined;
    const { single, messages } = mqBatch;
    const shape = single ? undefined : checkBatchShape(messages);
    // Malformed whatever the state (empty, too large, mixed senders, a gap): never includable.
    if (shape !== undefined) throw new TransactionInvalidError("Call", { mq: shape });
    const first = messages[0]!;
    const { sender } = first.message;
    const expected = expectedSequence(best.state, sender);
    if (first.sequence < expected) {
      throw new TransactionInvalidError("Stale", {
        sequence: first.sequence.toString(),
        expected: expected.toString(),
      });
    }
    // Messages next in line are checked in full now (later ones when revalidation reaches them), so
    // that a forged message or batch is refused before it can cost its submitter a fee.
    if (first.sequence === expected) {
      const verified = chain.verifiedMessages;
      const rejection = single
        ? mq?.checkSignedMessage(best.state, first, verified)
        : mq?.checkSignedBatch(best.state, messages, verified);
      if (rejection !== undefined) throw new TransactionInvalidError("BadProof", { mq: rejection });
    } else if (chain.deferredChecks !== undefined && chain.verifiedMessages !== undefined) {
      // A run ahead of the verifier threads sets these signatures aside too: they are not checked
      // now, but the block that takes them will, and then finds them verified.
      mq?.checkSignatures(best.state, messages, chain.verifiedMessages);
    }
    // A tag per sequence: two transactions carrying any same message conflict in the pool, and the
    // later one is refused (Priority is too low) rather than both being included.
    for (const signed of messages) provides.push(mqTag(sender, signed.sequence));
    if (first.sequence > expected) requires.push(mqTag(sender, first.sequence - 1n));
  }
  const death = eraDeath(extra.era, blockNumber);
  return {
    hash: xt.hash,
    priority: extra.tip,
    provides,
    requires,
    longevity: Number.isFinite(death) ? death - blockNumber : Number.MAX_SAFE_INTEGER,
    propagate: true,
  };
}
