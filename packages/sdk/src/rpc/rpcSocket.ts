import { type RawData, WebSocket } from "ws";
import { SdkError } from "../sdkError.js";

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** The node's metadata and blocks fit with room to spare. */
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export interface RpcSocketOptions {
  /** How long one request may wait for its answer (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** How long the WebSocket handshake may take (default 10 s). */
  readonly connectTimeoutMs?: number;
}

export interface SubscriptionHandlers {
  /** Each notification's `result`, in the order the node sent them. */
  readonly onData: (result: unknown) => void;
  /** The subscription cannot go on (the connection closed). Called at most once. */
  readonly onError?: (error: SdkError) => void;
}

export interface RpcSubscription {
  readonly id: string;
  /** Stops the notifications and tells the node; never throws (the node may have ended it already). */
  unsubscribe(): Promise<void>;
}

interface Pending {
  readonly method: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: SdkError) => void;
  readonly timer: NodeJS.Timeout;
  /** For subscribe requests: registered when the answer (the subscription id) arrives. */
  readonly subscription?: { readonly unsubscribeMethod: string; readonly handlers: SubscriptionHandlers };
}

interface Subscribed {
  readonly unsubscribeMethod: string;
  readonly handlers: SubscriptionHandlers;
}

interface JsonRpcMessage {
  readonly id?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code?: unknown; readonly message?: unknown; readonly data?: unknown };
  readonly method?: unknown;
  readonly params?: { readonly subscription?: unknown; readonly result?: unknown };
}

/**
 * JSON-RPC 2.0 over one WebSocket to a node: requests with a timeout each, and subscriptions
 * whose notifications are routed by subscription id. The node holds a subscription's
 * notifications until it has sent its id, so a subscription registered when its answer arrives
 * misses nothing. When the connection closes, every open request and subscription fails with
 * `NODE_DISCONNECTED` (or `CLIENT_CLOSED` after `close()`); there is no reconnection.
 */
export class RpcSocket {
  readonly url: string;
  readonly requestTimeoutMs: number;
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #subscriptions = new Map<string, Subscribed>();
  #nextId = 1;
  #closedBy: "client" | "node" | undefined;
  readonly closed: Promise<void>;

  private constructor(url: string, socket: WebSocket, requestTimeoutMs: number) {
    this.url = url;
    this.#socket = socket;
    this.requestTimeoutMs = requestTimeoutMs;
    socket.on("message", (data) => this.#receive(data));
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        this.#closedBy ??= "node";
        this.#failAll();
        resolve();
      });
    });
    // Errors after the handshake end in "close"; this keeps them from being thrown as unhandled.
    socket.on("error", () => {});
  }

  static async connect(url: string, options: RpcSocketOptions = {}): Promise<RpcSocket> {
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, { maxPayload: MAX_PAYLOAD_BYTES, handshakeTimeout: connectTimeoutMs });
    } catch (cause) {
      throw new SdkError("NODE_UNREACHABLE", `not a WebSocket URL: ${url}`, { url }, { cause });
    }
    await new Promise<void>((resolve, reject) => {
      const fail = (cause: unknown) => {
        socket.terminate();
        reject(new SdkError("NODE_UNREACHABLE", `cannot connect to the node at ${url}`, { url }, { cause }));
      };
      socket.once("open", () => {
        socket.off("error", fail);
        resolve();
      });
      socket.once("error", fail);
    });
    return new RpcSocket(url, socket, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  }

  get isOpen(): boolean {
    return this.#closedBy === undefined && this.#socket.readyState === WebSocket.OPEN;
  }

  request<T = unknown>(method: string, params: readonly unknown[] = [], timeoutMs = this.requestTimeoutMs): Promise<T> {
    return this.#send(method, params, timeoutMs) as Promise<T>;
  }

  /** Calls `method` (e.g. `chain_subscribeFinalizedHeads`); its notifications go to `handlers` until unsubscribed. */
  async subscribe(
    method: string,
    params: readonly unknown[],
    unsubscribeMethod: string,
    handlers: SubscriptionHandlers,
  ): Promise<RpcSubscription> {
    const id = await this.#send(method, params, this.requestTimeoutMs, { unsubscribeMethod, handlers });
    const subscriptionId = String(id);
    return {
      id: subscriptionId,
      unsubscribe: async () => {
        if (!this.#subscriptions.delete(subscriptionId) || !this.isOpen) return;
        await this.request(unsubscribeMethod, [subscriptionId]).catch(() => {});
      },
    };
  }

  /** Closes the connection; open requests and subscriptions fail with `CLIENT_CLOSED`. */
  async close(): Promise<void> {
    this.#closedBy ??= "client";
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    this.#socket.close();
    const timer = setTimeout(() => this.#socket.terminate(), 1_000);
    await this.closed;
    clearTimeout(timer);
  }

  #send(
    method: string,
    params: readonly unknown[],
    timeoutMs: number,
    subscription?: Pending["subscription"],
  ): Promise<unknown> {
    if (!this.isOpen) return Promise.reject(this.#closedError(method));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new SdkError("NODE_TIMEOUT", `the node did not answer ${method} within ${timeoutMs} ms`, {
            method,
            timeoutMs,
          }),
        );
      }, timeoutMs);
      this.#pending.set(id, { method, resolve, reject, timer, ...(subscription ? { subscription } : {}) });
      this.#socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  #receive(data: RawData): void {
    let message: JsonRpcMessage;
    try {
      message = JSON.parse(String(data)) as JsonRpcMessage;
    } catch {
      return; // Not JSON: nothing to route it to.
    }
    if (typeof message !== "object" || message === null) return;
    if (typeof message.id === "number") {
      this.#answer(message.id, message);
      return;
    }
    const subscriptionId = message.params?.subscription;
    if (
      typeof message.method === "string" &&
      (typeof subscriptionId === "string" || typeof subscriptionId === "number")
    ) {
      this.#subscriptions.get(String(subscriptionId))?.handlers.onData(message.params?.result);
    }
  }

  #answer(id: number, message: JsonRpcMessage): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    const { method } = pending;
    if (message.error !== undefined && message.error !== null) {
      const { code, message: text, data } = message.error;
      pending.reject(
        new SdkError("NODE_ERROR", `${method}: ${String(text)}`, {
          method,
          rpcCode: code,
          rpcMessage: text,
          ...(data === undefined ? {} : { data }),
        }),
      );
      return;
    }
    if (!("result" in message)) {
      pending.reject(new SdkError("NODE_BAD_REPLY", `${method}: the answer has neither result nor error`, { method }));
      return;
    }
    if (pending.subscription !== undefined) {
      const subscriptionId = message.result;
      if (typeof subscriptionId !== "string" && typeof subscriptionId !== "number") {
        pending.reject(new SdkError("NODE_BAD_REPLY", `${method}: the subscription id is not a string`, { method }));
        return;
      }
      this.#subscriptions.set(String(subscriptionId), pending.subscription);
    }
    pending.resolve(message.result);
  }

  #closedError(method?: string): SdkError {
    return this.#closedBy === "client"
      ? new SdkError("CLIENT_CLOSED", "the client is closed", method === undefined ? {} : { method })
      : new SdkError(
          "NODE_DISCONNECTED",
          `the connection to the node at ${this.url} closed`,
          method === undefined ? { url: this.url } : { url: this.url, method },
        );
  }

  #failAll(): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(this.#closedError(pending.method));
    }
    this.#pending.clear();
    const subscriptions = [...this.#subscriptions.values()];
    this.#subscriptions.clear();
    for (const { handlers } of subscriptions) handlers.onError?.(this.#closedError());
  }
}
