import { decodeExact, toHex } from "@phala-ts/core";
import { Bytes, Struct, u32, u128 } from "@polkadot-api/substrate-bindings";
import { checkExtrinsic } from "../../chain/checkExtrinsic.js";
import { buildMetadata } from "../../metadata/index.js";
import { systemStorage } from "../../pallets/system.js";
import { computeFee, totalFee } from "../../pallets/transactionPayment.js";
import { DispatchClassType, WeightType } from "../../runtime/weight.js";
import { JsonRpcErrorCode, type MethodRegistry, RpcError } from "../server/index.js";
import { type RpcContext, stateAt } from "./context.js";
import { bytesParam, optionalHash } from "./params.js";

const queryInfoArgs = Struct({ extrinsic: Bytes(), length: u32 });
const runtimeDispatchInfo = Struct({ weight: WeightType.codec, class: DispatchClassType.codec, partialFee: u128 });

/**
 * `state_call`: the runtime APIs clients call by name (polkadot.js asks for the account nonce,
 * fees and metadata this way). Answers are SCALE, as a wasm runtime would return them.
 */
export function registerStateCall(methods: MethodRegistry, ctx: RpcContext): void {
  const { chain } = ctx;
  const metadataBytes = buildMetadata(chain.runtime);
  const metadata = toHex(metadataBytes);
  const opaqueMetadata = Bytes().enc(metadataBytes);
  methods.register("state_getMetadata", () => metadata, { params: { max: 1 } });

  const apis: Record<string, (data: Uint8Array, at: Awaited<ReturnType<typeof stateAt>>) => Uint8Array> = {
    Metadata_metadata: () => opaqueMetadata,
    AccountNonceApi_account_nonce: (data, { state }) => {
      const who = decodeExact(Bytes(32).dec, data, "AccountNonceApi_account_nonce argument");
      return u32.enc(systemStorage.Account.get(state, who).nonce);
    },
    TransactionPaymentApi_query_info: (data, { state }) => {
      const { extrinsic } = decodeExact(queryInfoArgs.dec, data, "TransactionPaymentApi_query_info arguments");
      const xt = checkExtrinsic(chain.runtime, chain.chain, state, chain.best.number + 1, extrinsic);
      const partialFee = totalFee(computeFee(state, extrinsic.length, xt.info, 0n));
      return runtimeDispatchInfo.enc({ weight: xt.info.weight, class: xt.info.class, partialFee });
    },
  };

  methods.register(
    "state_call",
    async ([method, data, at]) => {
      if (typeof method !== "string" || !Object.hasOwn(apis, method)) {
        throw new RpcError(JsonRpcErrorCode.InvalidParams, `unknown runtime API method ${String(method)}`);
      }
      const target = await stateAt(ctx, optionalHash(at));
      return toHex(apis[method]!(bytesParam(data ?? "0x", "call data"), target));
    },
    { params: { min: 1, max: 3 } },
  );
}
