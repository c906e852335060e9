import { ss58Decode, toHex } from "@phala-ts/core";
import { encodeApplyExtrinsicResult } from "../../chain/applyExtrinsicResult.js";
import { systemStorage } from "../../pallets/system.js";
import type { MethodRegistry } from "../server/index.js";
import { submissionError } from "./authorMethods.js";
import type { RpcContext } from "./context.js";
import { bytesParam, invalidParams, optionalHash } from "./params.js";

export const NODE_NAME = "phala-ts-node";
export const NODE_VERSION = "0.1.0";

/** An account given as SS58 (any prefix) or 0x-hex AccountId32. */
export function accountParam(value: unknown): Uint8Array {
  if (typeof value === "string" && !value.startsWith("0x")) {
    try {
      return ss58Decode(value).publicKey;
    } catch {
      throw invalidParams("account must be an SS58 address or a 0x-hex AccountId32");
    }
  }
  return bytesParam(value, "account", 32);
}

export function registerSystemMethods(
  methods: MethodRegistry,
  ctx: RpcContext,
  pendingNonce: (who: Uint8Array) => number,
): void {
  const { chain } = ctx;
  methods.register("system_name", () => NODE_NAME, { params: 0 });
  methods.register("system_version", () => NODE_VERSION, { params: 0 });
  methods.register("system_chain", () => chain.spec.name, { params: 0 });
  methods.register("system_chainType", () => chain.spec.chainType, { params: 0 });
  methods.register("system_properties", () => chain.spec.properties, { params: 0 });
  methods.register("system_health", () => ({ peers: 0, isSyncing: false, shouldHavePeers: false }), { params: 0 });
  methods.register("system_peers", () => [], { params: 0 });
  methods.register("system_localListenAddresses", () => [], { params: 0 });
  methods.register(
    "system_syncState",
    () => ({ startingBlock: 0, currentBlock: chain.best.number, highestBlock: chain.best.number }),
    { params: 0 },
  );
  methods.register(
    "system_accountNextIndex",
    ([account]) => {
      const who = accountParam(account);
      return Math.max(systemStorage.Account.get(chain.bestState, who).nonce, pendingNonce(who));
    },
    { params: 1 },
  );
  methods.register(
    "system_dryRun",
    ([extrinsic, at]) => {
      if (optionalHash(at) !== undefined) throw invalidParams("only the best block is supported");
      const bytes = bytesParam(extrinsic, "extrinsic");
      try {
        return toHex(encodeApplyExtrinsicResult(chain.dryRun(bytes)));
      } catch (error) {
        throw submissionError(error);
      }
    },
    { params: { min: 1, max: 2 } },
  );
}
