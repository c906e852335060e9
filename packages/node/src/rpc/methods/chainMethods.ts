import { encodeJustification, finalityProofCodec, GRANDPA_ENGINE_ID, headerToRpc, toHex } from "@phala-ts/core";
import type { StoredBlock } from "../../service/chainState.js";
import type { MethodRegistry, SubscriptionRegistry } from "../server/index.js";
import type { RpcContext } from "./context.js";
import { numberParam, optionalHash } from "./params.js";

/** GRANDPA's engine id: justifications are returned under it, as Substrate does. */
const FRNK = toHex(new TextEncoder().encode(GRANDPA_ENGINE_ID));

export function registerChainMethods(
  methods: MethodRegistry,
  subscriptions: SubscriptionRegistry,
  ctx: RpcContext,
): void {
  const { chain } = ctx;
  const headerAt = async (hash: Uint8Array | undefined) => {
    const header = hash === undefined ? chain.best.header : await chain.headerOf(hash);
    return header === undefined ? null : headerToRpc(header);
  };

  methods.register(
    "chain_getBlockHash",
    async ([n]) => {
      if (n === undefined || n === null) return toHex(chain.best.hash);
      const hash = await chain.hashAt(numberParam(n, "block number"));
      return hash === undefined ? null : toHex(hash);
    },
    { params: { max: 1 } },
  );
  methods.register("chain_getHeader", ([hash]) => headerAt(optionalHash(hash)), { params: { max: 1 } });
  methods.register("chain_getFinalizedHead", () => toHex(chain.finalized.hash), { params: 0 });
  methods.register(
    "chain_getBlock",
    async ([param]) => {
      const hash = optionalHash(param) ?? chain.best.hash;
      const header = await chain.headerOf(hash);
      const body = await chain.body(hash);
      if (header === undefined || body === undefined) return null;
      const justification = await chain.justificationOf(hash);
      return {
        block: { header: headerToRpc(header), extrinsics: body.map(toHex) },
        justifications: justification === undefined ? null : [[FRNK, toHex(encodeJustification(justification))]],
      };
    },
    { params: { max: 1 } },
  );

  methods.register(
    "grandpa_proveFinality",
    async ([n]) => {
      const hash = await chain.hashAt(numberParam(n, "block number"));
      const justification = hash === undefined ? undefined : await chain.justificationOf(hash);
      if (hash === undefined || justification === undefined) return null;
      return toHex(
        finalityProofCodec.enc({ block: hash, justification: encodeJustification(justification), unknownHeaders: [] }),
      );
    },
    { params: 1 },
  );

  const headSubscription = (
    subscribe: string,
    unsubscribe: string,
    notification: string,
    event: "newHead" | "finalized",
  ) =>
    subscriptions.register({
      subscribe,
      unsubscribe,
      notification,
      params: 0,
      start(_params, sink) {
        const send = (block: StoredBlock) => sink.send(headerToRpc(block.header));
        send(event === "newHead" ? chain.best : chain.finalized);
        chain.on(event, send);
        return () => chain.off(event, send);
      },
    });
  headSubscription("chain_subscribeNewHeads", "chain_unsubscribeNewHeads", "chain_newHead", "newHead");
  headSubscription("chain_subscribeNewHead", "chain_unsubscribeNewHead", "chain_newHead", "newHead");
  headSubscription("chain_subscribeAllHeads", "chain_unsubscribeAllHeads", "chain_allHead", "newHead");
  headSubscription(
    "chain_subscribeFinalizedHeads",
    "chain_unsubscribeFinalizedHeads",
    "chain_finalizedHead",
    "finalized",
  );
  headSubscription(
    "chain_subscribeFinalisedHeads",
    "chain_unsubscribeFinalisedHeads",
    "chain_finalisedHead",
    "finalized",
  );
}
