import { blake2_256Parts, encodeMessage, type Message } from "@phala-ts/core";

/**
 * A running digest of every message delivered, in order: two pRuntimes that saw the same
 * messages in the same order have the same digest, and anyone can recompute it from the chain.
 */
export interface MessageLog {
  readonly count: bigint;
  readonly digest: Uint8Array;
}

export const EMPTY_MESSAGE_LOG: MessageLog = { count: 0n, digest: new Uint8Array(32) };

export function appendMessage(log: MessageLog, message: Message): MessageLog {
  return { count: log.count + 1n, digest: blake2_256Parts([log.digest, encodeMessage(message)]) };
}
