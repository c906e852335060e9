import { isPhalaError } from "@phala-ts/core";
import type { Logger } from "pino";
import type { ConnectionSubscriptions, PendingSubscription } from "./connectionSubscriptions.js";
import {
  errorResponse,
  exceedsBytes,
  type JsonRpcCall,
  type JsonRpcId,
  parseCall,
  successResponse,
} from "./jsonRpcMessage.js";
import type { RpcLimits } from "./limits.js";
import { checkParams, positionalParams } from "./paramsSpec.js";
import type { MethodContext, RegistryEntry, RpcRegistry } from "./registry.js";
import { JsonRpcErrorCode, RpcError, RpcLimitErrorCode, toRpcError } from "./rpcError.js";

/** What the dispatcher needs to know of a connection; `subscriptions` is absent over HTTP. */
export interface RpcConnection {
  readonly ctx: MethodContext;
  inFlight: number;
  readonly subscriptions: ConnectionSubscriptions | undefined;
}

export interface DispatchOutcome {
  /** The text to send back; absent when the message held only notifications. */
  readonly response: string | undefined;
  /** Subscriptions answered in `response`: activate each once it is sent, or cancel if it is not. */
  readonly started: readonly PendingSubscription[];
}

const NOTHING: DispatchOutcome = { response: undefined, started: [] };

export class Dispatcher {
  readonly #registry: RpcRegistry;
  readonly #limits: RpcLimits;
  readonly #logger: Logger;

  constructor(registry: RpcRegistry, limits: RpcLimits, logger: Logger) {
    this.#registry = registry;
    this.#limits = limits;
    this.#logger = logger;
  }

  /** Handles one HTTP body or WebSocket message. Never rejects. */
  async dispatch(text: string, connection: RpcConnection): Promise<DispatchOutcome> {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.#only(null, new RpcError(JsonRpcErrorCode.ParseError, "Parse error"));
    }
    const started: PendingSubscription[] = [];
    if (!Array.isArray(value)) {
      const response = await this.#handleEntry(value, connection, started);
      return response === undefined ? NOTHING : { response, started };
    }
    if (value.length === 0) {
      return this.#only(null, new RpcError(JsonRpcErrorCode.InvalidRequest, "Invalid request", "empty batch"));
    }
    const maxBatch = this.#limits.maxBatchLength;
    if (value.length > maxBatch) {
      return this.#only(
        null,
        RpcError.limitExceeded(RpcLimitErrorCode.TooBigBatch, "The batch request was too large", maxBatch),
      );
    }
    const entries = await Promise.all(value.map((entry) => this.#handleEntry(entry, connection, started)));
    const responses = entries.filter((entry): entry is string => entry !== undefined);
    if (responses.length === 0) return NOTHING;
    const response = `[${responses.join(",")}]`;
    const maxResponse = this.#limits.maxResponseBytes;
    if (exceedsBytes(response, maxResponse)) {
      for (const subscription of started) subscription.cancel();
      return this.#only(
        null,
        RpcError.limitExceeded(RpcLimitErrorCode.TooBigBatchResponse, "The batch response was too large", maxResponse),
      );
    }
    return { response, started };
  }

  #only(id: JsonRpcId, error: RpcError): DispatchOutcome {
    return { response: this.#errorText(id, error), started: [] };
  }

  async #handleEntry(
    value: unknown,
    connection: RpcConnection,
    started: PendingSubscription[],
  ): Promise<string | undefined> {
    const call = parseCall(value);
    if (call.kind === "invalid") return this.#errorText(call.id, call.error);
    const isNotification = call.id === undefined;
    const id = call.id ?? null;
    const entry = this.#registry.lookup(call.method);
    if (entry === undefined) {
      return isNotification
        ? undefined
        : this.#errorText(id, new RpcError(JsonRpcErrorCode.MethodNotFound, "Method not found"));
    }
    const maxInFlight = this.#limits.maxInFlightPerConnection;
    if (connection.inFlight >= maxInFlight) {
      const busy = RpcError.limitExceeded(RpcLimitErrorCode.ServerBusy, "Server is busy, try again later", maxInFlight);
      return isNotification ? undefined : this.#errorText(id, busy);
    }
    connection.inFlight += 1;
    let result: unknown;
    let pending: PendingSubscription | undefined;
    try {
      ({ result, pending } = await this.#execute(entry, call, connection, isNotification));
    } catch (error) {
      const rpcError = this.#fromThrown(error, call.method);
      return isNotification ? undefined : this.#errorText(id, rpcError);
    } finally {
      connection.inFlight -= 1;
    }
    if (isNotification) return undefined;
    let response: string;
    try {
      response = successResponse(id, result);
    } catch (error) {
      pending?.cancel();
      this.#logger.error({ err: error, method: call.method }, "rpc: result is not JSON");
      return this.#errorText(id, RpcError.internal(error));
    }
    const maxResponse = this.#limits.maxResponseBytes;
    if (exceedsBytes(response, maxResponse)) {
      pending?.cancel();
      return this.#errorText(
        id,
        RpcError.limitExceeded(RpcLimitErrorCode.OversizedResponse, "Response is too big", maxResponse),
      );
    }
    if (pending !== undefined) started.push(pending);
    return response;
  }

  async #execute(
    entry: RegistryEntry,
    call: JsonRpcCall,
    connection: RpcConnection,
    isNotification: boolean,
  ): Promise<{ result: unknown; pending?: PendingSubscription }> {
    const params = positionalParams(call.rawParams);
    if (entry.kind === "method") {
      checkParams(entry.params, params);
      return { result: await entry.handler(params, connection.ctx) };
    }
    const subscriptions = connection.subscriptions;
    if (subscriptions === undefined) {
      throw new RpcError(JsonRpcErrorCode.InternalError, "Subscriptions are only available over WebSocket");
    }
    if (entry.kind === "subscribe") {
      checkParams(entry.definition.params, params);
      // A subscription whose id the client would never learn could only be ended by disconnecting.
      if (isNotification) return { result: null };
      const pending = await subscriptions.open(entry.definition, params);
      return { result: pending.subscriptionId, pending };
    }
    checkParams(1, params);
    const subscriptionId = params[0];
    if (typeof subscriptionId !== "string" && typeof subscriptionId !== "number") {
      throw RpcError.invalidParams("subscription id must be a string");
    }
    return { result: subscriptions.unsubscribe(entry.definition, String(subscriptionId)) };
  }

  #fromThrown(error: unknown, method: string): RpcError {
    const rpcError = toRpcError(error);
    if (!isPhalaError(error)) {
      this.#logger.error({ err: error, method }, "rpc: handler failed");
    } else {
      this.#logger.debug({ method, code: rpcError.rpcCode, message: rpcError.message }, "rpc: call refused");
    }
    return rpcError;
  }

  #errorText(id: JsonRpcId, error: RpcError): string {
    try {
      return errorResponse(id, error.toErrorObject());
    } catch (cause) {
      this.#logger.error({ err: cause, code: error.rpcCode }, "rpc: error data is not JSON");
      return errorResponse(id, RpcError.internal().toErrorObject());
    }
  }
}
