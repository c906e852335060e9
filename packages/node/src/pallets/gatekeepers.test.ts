import { createSimulatedQuote, encodeAttestation, simQuotingPublicKey } from "@phala-ts/attestation";
import {
  devAccounts,
  type Ed25519Keypair,
  ed25519Generate,
  type Keypair,
  keypairFromUri,
  type RuntimeInfo,
  runtimeInfoReportData,
  signMessage,
  topicFromString,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { buildGenesisState } from "../chain/genesisState.js";
import { ExecutionContext } from "../runtime/context.js";
import { ROOT, signedOrigin } from "../runtime/origin.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { mqStorage } from "./mq.js";
import { createPhalaRuntime } from "./phalaRuntime.js";
import { registryStorage } from "./registry.js";
import { systemStorage } from "./system.js";

const alice = devAccounts("sr25519").Alice.accountId;
const genesisHash = new Uint8Array(32).fill(0x6e);
const measurement = new Uint8Array(32).fill(0x4d);

const registryCall = (name: string, args: unknown): RuntimeCall => ({
  type: "PhalaRegistry",
  value: { type: name, value: args },
});

function setup() {
  const runtime = createPhalaRuntime();
  const genesis = buildGenesisState(runtime, {
    Session: { authorities: [[new Uint8Array(32).fill(7), 1n]] },
    PhalaRegistry: {
      policy: { allowSimulated: true, simulatedQuotingKeys: [simQuotingPublicKey()] },
      allowList: [measurement],
    },
  });
  const exec = new ExecutionContext(new StateOverlay(genesis), { number: 1, parentHash: genesisHash });
  systemStorage.BlockHash.set(exec.state, 0, genesisHash);
  const registerWorker = (identity: Keypair) => {
    const info: RuntimeInfo = {
      version: 1,
      machineId: new Uint8Array(16),
      identityPublicKey: identity.publicKey,
      ecdhPublicKey: new Uint8Array(32).fill(2),
      genesisHash,
      features: [1, 0],
      operator: undefined,
    };
    const attestation = encodeAttestation({
      type: "Simulated",
      value: createSimulatedQuote({ measurement, reportData: runtimeInfoReportData(info), debug: false }),
    });
    runtime.dispatch(exec, signedOrigin(alice), registryCall("registerWorker", { pruntimeInfo: info, attestation }));
  };
  const root = (name: string, gatekeeper: Uint8Array) =>
    runtime.dispatch(exec, ROOT, registryCall(name, { gatekeeper }));
  return { runtime, exec, registerWorker, root };
}

const labelOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return String((error as { label?: unknown }).label);
  }
  throw new Error("the call succeeded");
};

describe("PhalaRegistry gatekeepers", () => {
  it("sudo makes registered workers gatekeepers, in order, and removes them", () => {
    const { exec, registerWorker, root, runtime } = setup();
    const [first, second] = [keypairFromUri("//gk1", "ed25519"), keypairFromUri("//gk2", "ed25519")];
    registerWorker(first);
    registerWorker(second);
    root("registerGatekeeper", first.publicKey);
    root("registerGatekeeper", second.publicKey);
    expect(registryStorage.Gatekeepers.get(exec.state)).toEqual([first.publicKey, second.publicKey]);
    const registryEvents = exec.events.filter((e) => e.event.type === "PhalaRegistry");
    expect(registryEvents.map((e) => (e.event.value as { type: string }).type)).toContain("GatekeeperAdded");
    root("unregisterGatekeeper", first.publicKey);
    expect(registryStorage.Gatekeepers.get(exec.state)).toEqual([second.publicKey]);

    expect(labelOf(() => root("registerGatekeeper", second.publicKey))).toBe(
      "PhalaRegistry.GatekeeperAlreadyRegistered",
    );
    expect(labelOf(() => root("unregisterGatekeeper", first.publicKey))).toBe("PhalaRegistry.GatekeeperNotFound");
    expect(labelOf(() => root("registerGatekeeper", keypairFromUri("//stranger", "ed25519").publicKey))).toBe(
      "PhalaRegistry.WorkerNotRegistered",
    );
    const signed = registryCall("registerGatekeeper", { gatekeeper: first.publicKey });
    expect(labelOf(() => runtime.dispatch(exec, signedOrigin(alice), signed))).toBe("BadOrigin");
    expect(registryStorage.Gatekeepers.get(exec.state)).toEqual([second.publicKey]);
  });

  it("takes Gatekeeper-origin messages signed by the master key only, once it is published", () => {
    const { exec, runtime } = setup();
    const { keypair: master } = ed25519Generate();
    const message = {
      sender: { type: "Gatekeeper" as const, value: undefined },
      destination: topicFromString("phala/gk"),
      payload: Uint8Array.of(1),
    };
    const sync = (signer: Ed25519Keypair, sequence: bigint) =>
      runtime.dispatch(exec, signedOrigin(alice), {
        type: "PhalaMq",
        value: {
          type: "syncOffchainMessage",
          value: { signedMessage: signMessage(signer, message, sequence) },
        },
      });
    expect(labelOf(() => sync(master, 0n))).toBe("PhalaMq.BadSender");
    registryStorage.GatekeeperMasterPubkey.set(exec.state, master.publicKey);
    expect(labelOf(() => sync(ed25519Generate().keypair, 0n))).toBe("PhalaMq.BadSignature");
    sync(master, 0n);
    expect(mqStorage.OffchainIngress.get(exec.state, message.sender)).toBe(1n);
  });
});
