import { type HttpReply, httpRequest } from "./httpRequest.js";
import { PherryError } from "./pherryError.js";

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * JSON-RPC over HTTP to a node. Each call is its own request, so a node restart costs the calls
 * in flight and nothing else: there is no socket to re-establish or subscription to replay.
 */
export class NodeRpc {
  readonly url: string;
  #id = 0;

  /** `url` may be the node's WebSocket (`ws://`) or HTTP address: both share one port. */
  constructor(
    url: string,
    readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.url = url.replace(/^ws(s?):\/\//, "http$1://");
  }

  async call<T>(method: string, params: readonly unknown[] = []): Promise<T> {
    let response: HttpReply;
    try {
      response = await httpRequest(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++this.#id, method, params }),
        timeoutMs: this.timeoutMs,
      });
    } catch (cause) {
      throw new PherryError(
        "PHERRY_NODE_UNREACHABLE",
        `node at ${this.url} did not answer ${method}`,
        { method },
        { cause },
      );
    }
    let reply: { result?: T; error?: { code: number; message: string; data?: unknown } };
    try {
      reply = JSON.parse(new TextDecoder().decode(response.body)) as typeof reply;
    } catch (cause) {
      throw new PherryError(
        "PHERRY_NODE_UNREACHABLE",
        `node at ${this.url} answered ${method} with something that is not JSON`,
        { method },
        { cause },
      );
    }
    if (typeof reply !== "object" || reply === null || Array.isArray(reply)) {
      throw new PherryError("PHERRY_BAD_NODE_REPLY", `${method}: the reply is not a JSON-RPC response`, { method });
    }
    if (reply.error !== undefined) {
      const { code, message, data } = reply.error;
      throw new PherryError("PHERRY_NODE_ERROR", `${method}: ${message}`, { method, rpcCode: code, data });
    }
    if (!("result" in reply)) {
      throw new PherryError("PHERRY_BAD_NODE_REPLY", `${method}: the reply has no result`, { method });
    }
    return reply.result as T;
  }
}

/** Whether a node error is the JSON-RPC refusal of an invalid transaction (code 1010) for `reason`. */
export function isInvalidTransaction(error: unknown, reason?: string): boolean {
  return (
    error instanceof PherryError &&
    error.code === "PHERRY_NODE_ERROR" &&
    error.details.rpcCode === 1010 &&
    (reason === undefined || error.details.data === reason)
  );
}

/**
 * Whether the pool refused a transaction because another one providing the same tags is there
 * (Substrate's 1014 "Priority is too low"): for a message of a shared sender (Gatekeeper, a
 * Cluster), another enclave's pherry submitted the same sequence first.
 */
export function isPriorityTooLow(error: unknown): boolean {
  return error instanceof PherryError && error.code === "PHERRY_NODE_ERROR" && error.details.rpcCode === 1014;
}

/** Whether the node refused to send an answer over its response size limit (JSON-RPC -32008). */
export function isResponseTooBig(error: unknown): boolean {
  return error instanceof PherryError && error.code === "PHERRY_NODE_ERROR" && error.details.rpcCode === -32008;
}
