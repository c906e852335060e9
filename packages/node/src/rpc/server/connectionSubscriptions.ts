import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { subscriptionNotification } from "./jsonRpcMessage.js";
import type { MethodContext, StopSubscription, SubscriptionDefinition, SubscriptionSink } from "./registry.js";
import { JsonRpcErrorCode, RpcError, RpcLimitErrorCode } from "./rpcError.js";

/** A subscription whose id is about to be answered: `activate` once the answer is sent, `cancel` if it never will be. */
export interface PendingSubscription {
  readonly subscriptionId: string;
  activate(): void;
  cancel(): void;
}

export interface ConnectionSubscriptionsOptions {
  readonly ctx: MethodContext;
  readonly maxSubscriptions: number;
  readonly logger: Logger;
  /** Sends one text frame; a no-op on a closed connection. */
  readonly write: (text: string) => void;
}

type SubscriptionState = "starting" | "pending" | "live" | "stopped";

/** Internal to this folder; producers see it as a `SubscriptionSink`. */
export class ActiveSubscription implements SubscriptionSink, PendingSubscription {
  state: SubscriptionState = "starting";
  stop: StopSubscription | undefined;
  held: string[] = [];

  constructor(
    readonly subscriptionId: string,
    readonly definition: SubscriptionDefinition,
    private readonly owner: ConnectionSubscriptions,
  ) {}

  get closed(): boolean {
    return this.state === "stopped";
  }

  send(result: unknown): void {
    if (this.state === "stopped") return;
    let text: string;
    try {
      text = subscriptionNotification(this.definition.notification, this.subscriptionId, result);
    } catch (error) {
      this.owner.logger.error(
        { err: error, notification: this.definition.notification },
        "rpc: dropped a notification that is not JSON",
      );
      return;
    }
    if (this.state === "live") this.owner.write(text);
    else this.held.push(text);
  }

  end(): void {
    this.owner.stop(this);
  }

  activate(): void {
    if (this.state !== "starting" && this.state !== "pending") return;
    this.state = "live";
    const held = this.held;
    this.held = [];
    for (const text of held) {
      if (this.state !== "live") return;
      this.owner.write(text);
    }
  }

  cancel(): void {
    this.owner.stop(this);
  }
}

/** One WebSocket connection's subscriptions. */
export class ConnectionSubscriptions {
  readonly #active = new Map<string, ActiveSubscription>();
  readonly #options: ConnectionSubscriptionsOptions;
  #closed = false;

  constructor(options: ConnectionSubscriptionsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#active.size;
  }

  get logger(): Logger {
    return this.#options.logger;
  }

  write(text: string): void {
    this.#options.write(text);
  }

  /** Runs the definition's `start`; the returned subscription holds its notifications until activated. */
  async open(definition: SubscriptionDefinition, params: unknown[]): Promise<PendingSubscription> {
    if (this.#closed) throw new RpcError(JsonRpcErrorCode.InternalError, "Connection is closing");
    const max = this.#options.maxSubscriptions;
    if (this.#active.size >= max) {
      throw RpcError.limitExceeded(
        RpcLimitErrorCode.TooManySubscriptions,
        "Too many subscriptions on the connection",
        max,
      );
    }
    const subscription = new ActiveSubscription(this.#newId(), definition, this);
    this.#active.set(subscription.subscriptionId, subscription);
    let stop: unknown;
    try {
      stop = await definition.start(params, subscription, this.#options.ctx);
      if (typeof stop !== "function") throw new TypeError(`start of ${definition.subscribe} did not return a function`);
    } catch (error) {
      this.#forget(subscription);
      subscription.state = "stopped";
      throw error;
    }
    if (subscription.state === "stopped") {
      // Ended, unsubscribed or disconnected while starting: nobody else will call stop.
      this.#callStop(definition, stop as StopSubscription);
    } else {
      subscription.stop = stop as StopSubscription;
      subscription.state = "pending";
    }
    return subscription;
  }

  /** True when `id` named a live subscription of this kind on this connection. */
  unsubscribe(definition: SubscriptionDefinition, id: string): boolean {
    const subscription = this.#active.get(id);
    if (subscription === undefined || subscription.definition !== definition) return false;
    this.stop(subscription);
    return true;
  }

  stop(subscription: ActiveSubscription): void {
    if (subscription.state === "stopped") return;
    subscription.state = "stopped";
    subscription.held = [];
    this.#forget(subscription);
    const stop = subscription.stop;
    subscription.stop = undefined;
    if (stop !== undefined) this.#callStop(subscription.definition, stop);
  }

  closeAll(): void {
    this.#closed = true;
    for (const subscription of [...this.#active.values()]) this.stop(subscription);
  }

  #forget(subscription: ActiveSubscription): void {
    if (this.#active.get(subscription.subscriptionId) === subscription) {
      this.#active.delete(subscription.subscriptionId);
    }
  }

  #callStop(definition: SubscriptionDefinition, stop: StopSubscription): void {
    const fail = (error: unknown): void => {
      this.#options.logger.error({ err: error, subscription: definition.subscribe }, "rpc: subscription stop failed");
    };
    try {
      const outcome: unknown = stop();
      if (outcome instanceof Promise) outcome.catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  #newId(): string {
    for (;;) {
      const id = randomBytes(8).toString("hex");
      if (!this.#active.has(id)) return id;
    }
  }
}
