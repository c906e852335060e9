import { WebSocket } from "ws";

export class RpcReplyError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data: unknown,
  ) {
    super(message);
  }
}

/** A minimal JSON-RPC WebSocket client for end-to-end tests (the SDK will have the real one). */
export class RpcClient {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as {
        id?: number;
        result?: unknown;
        error?: { code: number; message: string; data?: unknown };
      };
      if (message.id === undefined) return;
      const waiter = this.#pending.get(message.id);
      if (waiter === undefined) return;
      this.#pending.delete(message.id);
      if (message.error)
        waiter.reject(new RpcReplyError(message.error.code, message.error.message, message.error.data));
      else waiter.resolve(message.result);
    });
    socket.on("close", () => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error("connection closed"));
      this.#pending.clear();
    });
  }

  static async connect(url: string): Promise<RpcClient> {
    const socket = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new RpcClient(socket);
  }

  call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const id = this.#nextId++;
    if (this.#socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error("connection closed"));
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  close(): void {
    this.#socket.terminate();
  }
}
