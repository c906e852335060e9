import { type Logger, pino } from "pino";
import { onTestFinished } from "vitest";
import { type ClientOptions, WebSocket } from "ws";
import { createRpcServer, type RpcServer, type RpcServerOptions } from "./rpcServer.js";

export interface ReplyError {
  code: number;
  message: string;
  data?: unknown;
}

export interface Reply {
  jsonrpc: "2.0";
  id: string | number | null;
  result?: unknown;
  error?: ReplyError;
}

export interface Notification {
  jsonrpc: "2.0";
  method: string;
  params: { subscription: string; result: unknown };
}

/** A server on an ephemeral loopback port, closed when the test ends. */
export async function startServer(options: RpcServerOptions = {}): Promise<RpcServer> {
  const server = await createRpcServer({ port: 0, ...options });
  onTestFinished(() => server.close());
  return server;
}

/** A pino logger that keeps its records in memory. */
export function captureLogs(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { logger, records };
}

/** A `ws` client that pairs responses with calls and queues everything else (notifications, raw replies). */
export class TestWsClient {
  readonly socket: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #inbox: unknown[] = [];
  readonly #waiters: ((message: unknown) => void)[] = [];
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    socket.on("message", (data) => this.#receive(JSON.parse(String(data))));
  }

  static async connect(url: string, options?: ClientOptions): Promise<TestWsClient> {
    const socket = new WebSocket(url, options);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const client = new TestWsClient(socket);
    onTestFinished(() => client.socket.terminate());
    return client;
  }

  call(method: string, params?: unknown[]): Promise<Reply> {
    const id = this.#nextId++;
    const reply = new Promise<Reply>((resolve) => this.#pending.set(id, resolve));
    this.send(
      JSON.stringify(params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params }),
    );
    return reply;
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** The next message no call was waiting for. */
  next(): Promise<unknown> {
    const queued = this.#inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async nextNotification(): Promise<Notification> {
    return (await this.next()) as Notification;
  }

  get unclaimed(): number {
    return this.#inbox.length;
  }

  #receive(message: unknown): void {
    if (typeof message === "object" && message !== null && !Array.isArray(message)) {
      const id = (message as { id?: unknown }).id;
      const pending = typeof id === "number" ? this.#pending.get(id) : undefined;
      if (pending !== undefined) {
        this.#pending.delete(id as number);
        pending(message as Reply);
        return;
      }
    }
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(message);
    else this.#inbox.push(message);
  }
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.startsWith("application/json") === true;
  return { status: response.status, headers: response.headers, text, json: isJson ? JSON.parse(text) : undefined };
}

/** A promise and the function that resolves it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The HTTP status with which the server refuses a WebSocket upgrade. */
export function upgradeRefusal(url: string, options?: ClientOptions): Promise<number | undefined> {
  const socket = new WebSocket(url, options);
  return new Promise((resolve, reject) => {
    socket.on("error", () => {});
    socket.on("open", () => {
      socket.terminate();
      reject(new Error("the upgrade was accepted"));
    });
    socket.on("unexpected-response", (req, res) => {
      res.resume();
      req.destroy();
      resolve(res.statusCode);
    });
  });
}
