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
import { type createMq, expectedSequence } from "../pallets/mq.js";
import { systemStorage } from "../pallets/system.js";
import { computeFee, totalFee } from "../pallets/transactionPayment.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { Runtime } from "../runtime/runtime.js";
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
  if (xt.call.type === "PhalaMq" && xt.call.value.type === "syncOffchainMessage") {
    const { signedMessage } = xt.call.value.value as { signedMessage: SignedMessage };
    const { sender } = signedMessage.message;
    const expected = expectedSequence(best.state, sender);
    if (signedMessage.sequence < expected) {
      throw new TransactionInvalidError("Stale", {
        sequence: signedMessage.sequence.toString(),
        expected: expected.toString(),
      });
    }
    // A message next in line is checked in full now (a later one when revalidation reaches it), so
    // that a forged message is refused before it can cost its submitter a fee.
    if (signedMessage.sequence === expected) {
      const mq = runtime.pallet("PhalaMq") as MqPallet | undefined;
      const rejection = mq?.checkSignedMessage(best.state, signedMessage);
      if (rejection !== undefined) throw new TransactionInvalidError("BadProof", { mq: rejection });
    }
    provides.push(mqTag(sender, signedMessage.sequence));
    if (signedMessage.sequence > expected) requires.push(mqTag(sender, signedMessage.sequence - 1n));
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
