import { fromHex, storageKey } from "@phala-ts/core";
import { runtime, until } from "./chainHelpers.test-util.js";
import type { RpcClient } from "./rpcClient.test-util.js";

export interface PhatEvent {
  readonly block: number;
  readonly type: string;
  readonly value: Record<string, unknown>;
}

const EVENTS_KEY = storageKey("System", "Events");

/** The PhalaPhatContracts events of every block so far, read block by block as the chain grows. */
export class PhatEvents {
  readonly events: PhatEvent[] = [];
  #next = 1;

  constructor(readonly rpc: RpcClient) {}

  async poll(): Promise<void> {
    const head = Number.parseInt((await this.rpc.call<{ number: string }>("chain_getHeader", [])).number, 16);
    for (; this.#next <= head; this.#next++) {
      const hash = await this.rpc.call<string>("chain_getBlockHash", [this.#next]);
      const raw = await this.rpc.call<string | null>("state_getStorage", [
        `0x${Buffer.from(EVENTS_KEY).toString("hex")}`,
        hash,
      ]);
      const records = raw === null ? [] : runtime.systemEvents.decl.type.codec.dec(fromHex(raw));
      for (const { event } of records) {
        if (event.type !== "PhalaPhatContracts") continue;
        const inner = event.value as { type: string; value: Record<string, unknown> };
        this.events.push({ block: this.#next, type: inner.type, value: inner.value });
      }
    }
  }

  async waitFor(match: (event: PhatEvent) => boolean, what: string, timeoutMs = 60_000): Promise<PhatEvent> {
    return until(
      async () => {
        await this.poll();
        return this.events.find(match);
      },
      timeoutMs,
      what,
    );
  }
}
