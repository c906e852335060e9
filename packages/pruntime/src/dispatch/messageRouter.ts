import { type Message, topicToString } from "@phala-ts/core";
import type { VerifiedStorage } from "../chain/chainStorage.js";
import type { EgressQueue } from "./egressQueue.js";

/** What a handler knows about the block a message arrived in; everything here was verified. */
export interface BlockContext {
  readonly number: number;
  readonly hash: Uint8Array;
  /** `Timestamp.Now` of the block, in milliseconds. */
  readonly timestamp: bigint;
  readonly state: VerifiedStorage;
  readonly egress: EgressQueue;
}

/**
 * Consumes the messages of one topic (or of every topic under a path). A handler must leave its
 * state as it was when it throws: the message is then counted as refused and dispatch goes on,
 * since the chain will never offer another version of it.
 */
export interface MessageHandler {
  handle(message: Message, block: BlockContext): void;
}

/** A handler whose state belongs in checkpoints. */
export interface StatefulHandler extends MessageHandler {
  /** A stable name under which its state is saved. */
  readonly stateName: string;
  saveState(): Uint8Array;
  loadState(bytes: Uint8Array): void;
}

/** Something that acts once all of a block's messages were dispatched (a block without messages is skipped). */
export interface BlockEndObserver {
  endBlock(block: BlockContext): void;
}

export function isStateful(handler: MessageHandler): handler is StatefulHandler {
  return "stateName" in handler;
}

/**
 * Topic paths to handlers. A handler registered for `phala/contract` receives
 * `phala/contract/<id>/command` too; the longest registered path wins.
 */
export class MessageRouter {
  readonly #handlers = new Map<string, MessageHandler>();
  readonly blockEndObservers: BlockEndObserver[] = [];

  on(path: string, handler: MessageHandler): void {
    if (this.#handlers.has(path)) throw new Error(`a handler for ${path} is already registered`);
    this.#handlers.set(path, handler);
  }

  onBlockEnd(observer: BlockEndObserver): void {
    this.blockEndObservers.push(observer);
  }

  handlerFor(message: Message): MessageHandler | undefined {
    let path = topicToString(message.destination);
    for (;;) {
      const handler = this.#handlers.get(path);
      if (handler !== undefined) return handler;
      const cut = path.lastIndexOf("/");
      if (cut <= 0) return undefined;
      path = path.slice(0, cut);
    }
  }

  statefulHandlers(): StatefulHandler[] {
    return [...new Set(this.#handlers.values())]
      .filter(isStateful)
      .sort((a, b) => (a.stateName < b.stateName ? -1 : 1));
  }
}
