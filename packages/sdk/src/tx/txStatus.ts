/** A transaction's progress as the node reports it (Substrate's `TransactionStatus`). */
export type TxStatus =
  | { readonly type: "future" }
  | { readonly type: "ready" }
  | { readonly type: "broadcast" }
  | { readonly type: "inBlock"; readonly blockHash: string }
  | { readonly type: "retracted"; readonly blockHash: string }
  | { readonly type: "finalityTimeout"; readonly blockHash: string }
  | { readonly type: "finalized"; readonly blockHash: string }
  | { readonly type: "usurped"; readonly by: string | undefined }
  | { readonly type: "dropped" }
  | { readonly type: "invalid" };

/** A status update with the transaction it is about. */
export type TxStatusEvent = TxStatus & { readonly txHash: string };

const SIMPLE = new Set(["future", "ready", "dropped", "invalid", "broadcast"]);
const WITH_BLOCK = new Set(["inBlock", "retracted", "finalityTimeout", "finalized"]);

/** Reads one `author_extrinsicUpdate` result; undefined for a shape this SDK does not know. */
export function parseTxStatus(raw: unknown): TxStatus | undefined {
  if (typeof raw === "string") return SIMPLE.has(raw) ? ({ type: raw } as TxStatus) : undefined;
  if (typeof raw !== "object" || raw === null) return undefined;
  const [key, value] = Object.entries(raw)[0] ?? [];
  if (key === undefined) return undefined;
  if (WITH_BLOCK.has(key) && typeof value === "string") return { type: key, blockHash: value } as TxStatus;
  if (key === "usurped") return { type: "usurped", by: typeof value === "string" ? value : undefined };
  if (key === "broadcast") return { type: "broadcast" };
  return undefined;
}
