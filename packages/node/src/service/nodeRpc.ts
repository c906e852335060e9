import { decodeExtrinsic, equalBytes } from "@phala-ts/core";
import { systemStorage } from "../pallets/system.js";
import { registerAuthorMethods } from "../rpc/methods/authorMethods.js";
import { registerChainMethods } from "../rpc/methods/chainMethods.js";
import { registerPaymentMethods } from "../rpc/methods/paymentMethods.js";
import { registerPhaMethods } from "../rpc/methods/phaMethods.js";
import { registerStateCall } from "../rpc/methods/stateCall.js";
import { registerStateMethods } from "../rpc/methods/stateMethods.js";
import { registerSystemMethods } from "../rpc/methods/systemMethods.js";
import type { MethodRegistry, SubscriptionRegistry } from "../rpc/server/index.js";
import type { TxPool } from "../txpool/index.js";
import type { ChainService } from "./chainService.js";
import { nextMqSequence } from "./nodePool.js";

/** Every JSON-RPC method and subscription a node serves, over its chain and its pool. */
export function registerNodeRpc(
  registry: { readonly methods: MethodRegistry; readonly subscriptions: SubscriptionRegistry },
  chain: ChainService,
  pool: TxPool,
): void {
  const { methods, subscriptions } = registry;
  const ctx = { chain };
  registerChainMethods(methods, subscriptions, ctx);
  registerStateMethods(methods, subscriptions, ctx);
  registerStateCall(methods, ctx);
  registerSystemMethods(methods, ctx, (who) =>
    pendingNonce(pool, who, systemStorage.Account.get(chain.bestState, who).nonce),
  );
  registerPaymentMethods(methods, ctx);
  registerPhaMethods(methods, ctx, (sender) => nextMqSequence(chain, pool, sender));
  registerAuthorMethods(methods, subscriptions, pool);
}

const signerNonces = new WeakMap<Uint8Array, { signer: Uint8Array; nonce: number } | null>();

function signerNonce(bytes: Uint8Array): { signer: Uint8Array; nonce: number } | null {
  let known = signerNonces.get(bytes);
  if (known === undefined) {
    const { signed } = decodeExtrinsic(bytes);
    known = signed === undefined ? null : { signer: signed.signer, nonce: signed.extra.nonce };
    signerNonces.set(bytes, known);
  }
  return known;
}

/** The next nonce counting the signer's transactions already in the pool (system_accountNextIndex). */
function pendingNonce(pool: TxPool, who: Uint8Array, onChain: number): number {
  const pending = new Set<number>();
  for (const bytes of pool.pending()) {
    const known = signerNonce(bytes);
    if (known !== null && equalBytes(known.signer, who)) pending.add(known.nonce);
  }
  let next = onChain;
  while (pending.has(next)) next++;
  return next;
}
