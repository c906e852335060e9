import { Runtime, type RuntimeVersion } from "../runtime/runtime.js";
import { balances } from "./balances.js";
import { computation, computationHandlers } from "./computation.js";
import { masterKeyHandlers } from "./masterKey.js";
import { createMq, type OnChainHandler } from "./mq.js";
import { phatContracts, phatContractsHandlers } from "./phatContracts.js";
import { registry } from "./registry.js";
import { senderKeys } from "./senderKeys.js";
import { session } from "./session.js";
import { createSudo } from "./sudo.js";
import { system } from "./system.js";
import { timestamp } from "./timestamp.js";
import { transactionPayment } from "./transactionPayment.js";

export const PHALA_RUNTIME_VERSION: RuntimeVersion = {
  specName: "phala-ts",
  implName: "phala-ts-node",
  authoringVersion: 1,
  specVersion: 1,
  implVersion: 0,
  transactionVersion: 1,
  stateVersion: 1,
};

/** Every pallet's handlers of on-chain-only (`^…`) topics, for the mq. */
const onChainHandlers: ReadonlyMap<string, OnChainHandler> = new Map([
  ...computationHandlers,
  ...masterKeyHandlers,
  ...phatContractsHandlers,
]);

/** The Phala-TS runtime: every pallet, composed by index. */
export function createPhalaRuntime(version: RuntimeVersion = PHALA_RUNTIME_VERSION): Runtime {
  let runtime: Runtime | undefined;
  const getRuntime = () => {
    if (runtime === undefined) throw new Error("runtime used before it was built");
    return runtime;
  };
  runtime = new Runtime(version, [
    system,
    timestamp,
    balances,
    transactionPayment,
    createSudo(getRuntime),
    session,
    createMq({ onChainHandlers, resolveSenderKey: senderKeys }),
    registry,
    computation,
    phatContracts,
  ]);
  return runtime;
}
