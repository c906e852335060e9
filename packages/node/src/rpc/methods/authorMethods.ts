import { PhalaError, toHex } from "@phala-ts/core";
import { TransactionInvalidError } from "../../chain/transactionValidity.js";
import type { TxPool, TxStatus } from "../../txpool/index.js";
import { TxPoolError } from "../../txpool/index.js";
import { type MethodRegistry, RpcError, type SubscriptionRegistry, SubstrateErrorCode } from "../server/index.js";
import { bytesParam, listParam } from "./params.js";

const POOL_CODES: Record<string, [number, string]> = {
  TXPOOL_ALREADY_IMPORTED: [SubstrateErrorCode.AlreadyImported, "Transaction Already Imported"],
  TXPOOL_TEMPORARILY_BANNED: [SubstrateErrorCode.TemporarilyBanned, "Transaction is temporarily banned"],
  TXPOOL_PRIORITY_TOO_LOW: [SubstrateErrorCode.PriorityTooLow, "Priority is too low"],
  TXPOOL_FULL: [SubstrateErrorCode.ImmediatelyDropped, "Immediately Dropped"],
  TXPOOL_OUTDATED: [SubstrateErrorCode.UnknownTransaction, "Unknown Transaction Validity"],
};

/** Substrate's author error codes: 1010 invalid, 1001 bad format, 1012–1016 pool refusals. */
export function submissionError(error: unknown): unknown {
  if (error instanceof TransactionInvalidError) {
    // `data` stays Substrate's reason; the mq's own verdict on a relayed message goes in the message.
    const mq = error.details["mq"];
    const message = `Invalid Transaction: ${error.message}${mq === undefined ? "" : ` (mq: ${String(mq)})`}`;
    return new RpcError(SubstrateErrorCode.InvalidTransaction, message, error.reason);
  }
  if (error instanceof TxPoolError) {
    const [code, message] = POOL_CODES[error.code] ?? [SubstrateErrorCode.ClientError, error.message];
    return new RpcError(code, message, error.code);
  }
  if (error instanceof PhalaError) {
    return new RpcError(SubstrateErrorCode.BadFormat, `Extrinsic has invalid format: ${error.message}`, error.code);
  }
  return error;
}

/** Substrate's JSON shape of a `TransactionStatus`. */
export function statusJson(status: TxStatus): unknown {
  switch (status.type) {
    case "inBlock":
      return { inBlock: toHex(status.blockHash) };
    case "finalized":
      return { finalized: toHex(status.blockHash) };
    case "usurped":
      return { usurped: status.by === undefined ? null : toHex(status.by) };
    default:
      return status.type;
  }
}

export function registerAuthorMethods(
  methods: MethodRegistry,
  subscriptions: SubscriptionRegistry,
  pool: TxPool,
): void {
  methods.register(
    "author_submitExtrinsic",
    async ([extrinsic]) => {
      try {
        const { hash } = await pool.submit(bytesParam(extrinsic, "extrinsic"), "external");
        return toHex(hash);
      } catch (error) {
        throw submissionError(error);
      }
    },
    { params: 1 },
  );
  methods.register("author_pendingExtrinsics", () => pool.pending().map(toHex), { params: 0 });
  methods.register(
    "author_removeExtrinsic",
    ([hashes]) => pool.remove(listParam(hashes, "hashes").map((h) => bytesParam(h, "hash", 32))).map(toHex),
    { params: 1 },
  );
  subscriptions.register({
    subscribe: "author_submitAndWatchExtrinsic",
    unsubscribe: "author_unwatchExtrinsic",
    notification: "author_extrinsicUpdate",
    params: 1,
    async start([extrinsic], sink) {
      let watcher: Awaited<ReturnType<TxPool["submitAndWatch"]>>["watcher"];
      try {
        ({ watcher } = await pool.submitAndWatch(bytesParam(extrinsic, "extrinsic"), "external"));
      } catch (error) {
        throw submissionError(error);
      }
      const off = watcher.on((status) => {
        sink.send(statusJson(status));
        if (watcher.closed) sink.end();
      });
      return () => {
        off();
        watcher.close();
      };
    },
  });
}
