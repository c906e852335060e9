import { checkExtrinsic } from "../../chain/checkExtrinsic.js";
import { computeFee, totalFee } from "../../pallets/transactionPayment.js";
import type { MethodRegistry } from "../server/index.js";
import { type RpcContext, stateAt } from "./context.js";
import { bytesParam, optionalHash } from "./params.js";

/** `payment_queryInfo`: the weight, class and fee (without tip) an extrinsic would pay. */
export function registerPaymentMethods(methods: MethodRegistry, ctx: RpcContext): void {
  methods.register(
    "payment_queryInfo",
    async ([extrinsic, at]) => {
      const bytes = bytesParam(extrinsic, "extrinsic");
      const { state } = await stateAt(ctx, optionalHash(at));
      const { runtime } = ctx.chain;
      const xt = checkExtrinsic(runtime, ctx.chain.chain, state, ctx.chain.best.number + 1, bytes);
      const fee = computeFee(state, bytes.length, xt.info, 0n);
      return {
        weight: { refTime: Number(xt.info.weight.refTime), proofSize: Number(xt.info.weight.proofSize) },
        class: xt.info.class.type.toLowerCase(),
        partialFee: totalFee(fee).toString(),
      };
    },
    { params: { min: 1, max: 2 } },
  );
}
