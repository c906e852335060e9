import { WebSocket } from "ws";

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A minimal JSON-RPC client over one WebSocket. */
export class Rpc {
  #id = 0;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const reply = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { code: number } };
      if (reply.id === undefined) return;
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error === undefined) waiter?.resolve(reply.result);
      else waiter?.reject(new RpcError(reply.error.code, JSON.stringify(reply.error)));
    });
    socket.on("close", () => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error("connection closed"));
      this.#pending.clear();
    });
  }

  static async open(url: string): Promise<Rpc> {
    const socket = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    return new Rpc(socket);
  }

  call<T>(method: string, params: unknown[] = []): Promise<T> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error("connection closed"));
    const id = ++this.#id;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * Submits every extrinsic, `lists[a]` being account `a`'s in nonce order, over `clients`, at most
 * `window` in flight per client; backs off while the pool is full (1016).
 */
export async function submitAll(clients: readonly Rpc[], lists: readonly string[][], window = 64): Promise<void> {
  await Promise.all(
    clients.map(async (client, c) => {
      // Nonce-major across this connection's accounts, so that the pool sees few future nonces.
      const mine = lists.filter((_, a) => a % clients.length === c);
      const queue = mine.length === 0 ? [] : mine[0]!.flatMap((_, nonce) => mine.map((list) => list[nonce]!));
      let next = 0;
      const worker = async () => {
        while (next < queue.length) {
          const xt = queue[next++]!;
          for (;;) {
            try {
              await client.call("author_submitExtrinsic", [xt]);
              break;
            } catch (error) {
              if (!(error instanceof RpcError && error.code === 1016)) throw error;
              await new Promise((r) => setTimeout(r, 50));
            }
          }
        }
      };
      await Promise.all(Array.from({ length: window }, worker));
    }),
  );
}
