import { blake2_256, compareBytes, createProof, equalBytes, toHex } from "@phala-ts/core";
import type { StoredBlock } from "../../service/chainState.js";
import type { MethodRegistry, SubscriptionRegistry } from "../server/index.js";
import { type RpcContext, stateAt } from "./context.js";
import { bytesParam, invalidParams, listParam, numberParam, optionalHash } from "./params.js";
import { runtimeVersionJson } from "./runtimeVersionJson.js";

/** Most keys one `state_getKeysPaged` call may return, as Substrate's limit. */
const MAX_KEYS_PAGE = 1000;
const MAX_PROOF_KEYS = 1000;

export function registerStateMethods(
  methods: MethodRegistry,
  subscriptions: SubscriptionRegistry,
  ctx: RpcContext,
): void {
  const { chain } = ctx;
  const value = async (key: unknown, at: unknown) => {
    const { state } = await stateAt(ctx, optionalHash(at));
    return state.get(bytesParam(key, "storage key"));
  };

  methods.register(
    "state_getStorage",
    async ([key, at]) => {
      const v = await value(key, at);
      return v === undefined ? null : toHex(v);
    },
    { params: { min: 1, max: 2 } },
  );
  methods.register(
    "state_getStorageHash",
    async ([key, at]) => {
      const v = await value(key, at);
      return v === undefined ? null : toHex(blake2_256(v));
    },
    { params: { min: 1, max: 2 } },
  );
  methods.register("state_getStorageSize", async ([key, at]) => (await value(key, at))?.length ?? null, {
    params: { min: 1, max: 2 },
  });

  methods.register(
    "state_getKeysPaged",
    async ([prefix, count, startKey, at]) => {
      const limit = numberParam(count, "count");
      if (limit > MAX_KEYS_PAGE) throw invalidParams(`count exceeds the maximum of ${MAX_KEYS_PAGE}`);
      const { state } = await stateAt(ctx, optionalHash(at));
      const start = startKey === undefined || startKey === null ? undefined : bytesParam(startKey, "start key");
      const keys: string[] = [];
      for (const [key] of state.entries(bytesParam(prefix ?? "0x", "prefix"))) {
        if (keys.length >= limit) break;
        if (start === undefined || compareBytes(key, start) > 0) keys.push(toHex(key));
      }
      return keys;
    },
    { params: { min: 2, max: 4 } },
  );

  methods.register(
    "state_getReadProof",
    async ([keys, at]) => {
      const list = listParam(keys, "keys");
      if (list.length > MAX_PROOF_KEYS) throw invalidParams(`at most ${MAX_PROOF_KEYS} keys per proof`);
      const target = await stateAt(ctx, optionalHash(at));
      const proof = createProof(
        target.state,
        list.map((k) => bytesParam(k, "storage key")),
      );
      return { at: toHex(target.hash), proof: proof.map(toHex) };
    },
    { params: { min: 1, max: 2 } },
  );

  methods.register(
    "state_queryStorageAt",
    async ([keys, at]) => {
      const target = await stateAt(ctx, optionalHash(at));
      const changes = listParam(keys, "keys").map((k) => {
        const key = bytesParam(k, "storage key");
        const v = target.state.get(key);
        return [toHex(key), v === undefined ? null : toHex(v)];
      });
      return [{ block: toHex(target.hash), changes }];
    },
    { params: { min: 1, max: 2 } },
  );

  methods.register("state_getRuntimeVersion", () => runtimeVersionJson(chain.runtime.version), { params: { max: 1 } });
  methods.register("chain_getRuntimeVersion", () => runtimeVersionJson(chain.runtime.version), { params: { max: 1 } });

  subscriptions.register({
    subscribe: "state_subscribeRuntimeVersion",
    unsubscribe: "state_unsubscribeRuntimeVersion",
    notification: "state_runtimeVersion",
    params: 0,
    start(_params, sink) {
      sink.send(runtimeVersionJson(chain.runtime.version));
      return () => {};
    },
  });

  subscriptions.register({
    subscribe: "state_subscribeStorage",
    unsubscribe: "state_unsubscribeStorage",
    notification: "state_storage",
    params: { max: 1 },
    start([keys], sink) {
      const watched =
        keys === undefined || keys === null ? [] : listParam(keys, "keys").map((k) => bytesParam(k, "storage key"));
      const last = new Map<string, Uint8Array | undefined>();
      const publish = (block: StoredBlock, all: boolean) => {
        const state = chain.bestState;
        const changes: [string, string | null][] = [];
        for (const key of watched) {
          const id = toHex(key);
          const v = state.get(key);
          const before = last.get(id);
          if (
            all ||
            (before === undefined) !== (v === undefined) ||
            (v !== undefined && before !== undefined && !equalBytes(v, before))
          ) {
            changes.push([id, v === undefined ? null : toHex(v)]);
          }
          last.set(id, v);
        }
        if (changes.length > 0 || all) sink.send({ block: toHex(block.hash), changes });
      };
      publish(chain.best, true);
      const onHead = (block: StoredBlock) => publish(block, false);
      chain.on("newHead", onHead);
      return () => chain.off("newHead", onHead);
    },
  });
}
