import { PhalaError } from "@phala-ts/core";
import { assertParamsSpec, type ParamsSpec, type ParamsValidator } from "./paramsSpec.js";

export type RpcTransport = "ws" | "http";

export interface MethodContext {
  /** Unique per WebSocket connection or HTTP keep-alive socket, over the server's life. */
  readonly connectionId: number;
  readonly transport: RpcTransport;
}

/** The return value (or what its promise resolves to) becomes `result`; `undefined` is sent as `null`. */
export type MethodHandler = (params: unknown[], ctx: MethodContext) => unknown;

export interface RegisterOptions {
  readonly params?: ParamsSpec | ParamsValidator;
}

/** Where a subscription's notifications go. Writes after unsubscribe, `end()` or disconnect are ignored. */
export interface SubscriptionSink {
  readonly subscriptionId: string;
  /** True once nothing more will be delivered; a producer may stop early. */
  readonly closed: boolean;
  send(result: unknown): void;
  /** Ends the subscription from the server side (its stop function is called; unsubscribe then returns false). */
  end(): void;
}

export type StopSubscription = () => void;

export interface SubscriptionDefinition {
  readonly subscribe: string;
  readonly unsubscribe: string;
  /** The `method` of every notification. */
  readonly notification: string;
  readonly params?: ParamsSpec | ParamsValidator;
  /**
   * Starts producing into `sink`; returns the function that stops it, called exactly once. Notifications
   * sent before the subscribe response has gone out are held back and follow it.
   */
  start(params: unknown[], sink: SubscriptionSink, ctx: MethodContext): StopSubscription | Promise<StopSubscription>;
}

export interface MethodRegistry {
  register(name: string, handler: MethodHandler, options?: RegisterOptions): void;
  has(name: string): boolean;
  /** Every callable name (methods, subscribe and unsubscribe names), sorted: what `rpc_methods` lists. */
  names(): string[];
}

export interface SubscriptionRegistry {
  register(definition: SubscriptionDefinition): void;
  has(subscribeName: string): boolean;
}

export type RegistryEntry =
  | { readonly kind: "method"; readonly handler: MethodHandler; readonly params: RegisterOptions["params"] }
  | { readonly kind: "subscribe"; readonly definition: SubscriptionDefinition }
  | { readonly kind: "unsubscribe"; readonly definition: SubscriptionDefinition };

export type RegistryErrorCode = "RPC_METHOD_EXISTS" | "RPC_METHOD_NAME_INVALID" | "RPC_SUBSCRIPTION_INVALID";

export class RpcRegistryError extends PhalaError<RegistryErrorCode> {
  override readonly name = "RpcRegistryError";
}

/** Methods and subscriptions share one name space, as in Substrate. */
export class RpcRegistry {
  readonly #entries = new Map<string, RegistryEntry>();
  readonly methods: MethodRegistry;
  readonly subscriptions: SubscriptionRegistry;

  constructor() {
    this.methods = {
      register: (name, handler, options = {}) => this.#registerMethod(name, handler, options),
      has: (name) => this.#entries.has(name),
      names: () => this.names(),
    };
    this.subscriptions = {
      register: (definition) => this.#registerSubscription(definition),
      has: (name) => this.#entries.get(name)?.kind === "subscribe",
    };
    this.methods.register("rpc_methods", () => ({ methods: this.names(), version: 1 }), { params: 0 });
  }

  lookup(name: string): RegistryEntry | undefined {
    return this.#entries.get(name);
  }

  names(): string[] {
    return [...this.#entries.keys()].sort();
  }

  #registerMethod(name: string, handler: MethodHandler, options: RegisterOptions): void {
    this.#assertFree(name);
    if (typeof handler !== "function") {
      throw new RpcRegistryError("RPC_METHOD_NAME_INVALID", `handler of ${name} must be a function`, { name });
    }
    assertParamsSpec(options.params, name);
    this.#entries.set(name, { kind: "method", handler, params: options.params });
  }

  #registerSubscription(definition: SubscriptionDefinition): void {
    const { subscribe, unsubscribe, notification } = definition;
    this.#assertFree(subscribe);
    this.#assertFree(unsubscribe);
    if (subscribe === unsubscribe) {
      throw new RpcRegistryError("RPC_SUBSCRIPTION_INVALID", "subscribe and unsubscribe names must differ", {
        subscribe,
      });
    }
    if (typeof notification !== "string" || notification.length === 0) {
      throw new RpcRegistryError("RPC_SUBSCRIPTION_INVALID", `notification name of ${subscribe} must be non-empty`, {
        subscribe,
      });
    }
    if (typeof definition.start !== "function") {
      throw new RpcRegistryError("RPC_SUBSCRIPTION_INVALID", `start of ${subscribe} must be a function`, { subscribe });
    }
    assertParamsSpec(definition.params, subscribe);
    this.#entries.set(subscribe, { kind: "subscribe", definition });
    this.#entries.set(unsubscribe, { kind: "unsubscribe", definition });
  }

  #assertFree(name: unknown): void {
    // "rpc." is reserved by the JSON-RPC 2.0 specification.
    if (typeof name !== "string" || name.length === 0 || /\s/.test(name) || name.startsWith("rpc.")) {
      throw new RpcRegistryError("RPC_METHOD_NAME_INVALID", `invalid RPC method name ${JSON.stringify(name)}`, {
        name,
      });
    }
    if (this.#entries.has(name)) {
      throw new RpcRegistryError("RPC_METHOD_EXISTS", `RPC method ${name} is already registered`, { name });
    }
  }
}
