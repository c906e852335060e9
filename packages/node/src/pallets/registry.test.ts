import { createSimulatedQuote, encodeAttestation, simQuotingPublicKey } from "@phala-ts/attestation";
import { devAccounts, keypairFromUri, type RuntimeInfo, runtimeInfoReportData } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { buildGenesisState } from "../chain/genesisState.js";
import { ExecutionContext } from "../runtime/context.js";
import { ROOT, signedOrigin } from "../runtime/origin.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { mqStorage } from "./mq.js";
import { createPhalaRuntime } from "./phalaRuntime.js";
import { registryStorage, WORKER_EVENT_TOPIC } from "./registry.js";
import { systemStorage } from "./system.js";
import { timestampStorage } from "./timestamp.js";

const alice = devAccounts("sr25519").Alice.accountId;
const genesisHash = new Uint8Array(32).fill(0x6e);
const measurement = new Uint8Array(32).fill(0x4d);

function setup(policy = { allowSimulated: true, simulatedQuotingKeys: [simQuotingPublicKey()] }) {
  const runtime = createPhalaRuntime();
  const genesis = buildGenesisState(runtime, {
    Session: { authorities: [[new Uint8Array(32).fill(7), 1n]] },
    PhalaRegistry: { policy, allowList: [] },
  });
  const exec = new ExecutionContext(new StateOverlay(genesis), { number: 1, parentHash: genesisHash });
  systemStorage.BlockHash.set(exec.state, 0, genesisHash);
  timestampStorage.Now.set(exec.state, 1_700_000_000_000n);
  return { runtime, exec };
}

const call = (name: string, args: unknown): RuntimeCall => ({
  type: "PhalaRegistry",
  value: { type: name, value: args },
});

function worker(overrides: Partial<RuntimeInfo> = {}): RuntimeInfo {
  return {
    version: 1,
    machineId: new Uint8Array(16).fill(1),
    identityPublicKey: keypairFromUri("//worker", "ed25519").publicKey,
    ecdhPublicKey: new Uint8Array(32).fill(2),
    genesisHash,
    features: [4, 0],
    operator: alice,
    ...overrides,
  };
}

const attest = (info: RuntimeInfo, options: { measurement?: Uint8Array; debug?: boolean } = {}) =>
  encodeAttestation({
    type: "Simulated",
    value: createSimulatedQuote({
      measurement: options.measurement ?? measurement,
      reportData: runtimeInfoReportData(info),
      debug: options.debug ?? false,
    }),
  });

describe("PhalaRegistry", () => {
  it("registers a worker whose simulated attestation binds its info, from an allowed build, on this chain", () => {
    const { runtime, exec } = setup();
    runtime.dispatch(exec, ROOT, call("addPruntime", { measurement }));
    const info = worker();
    runtime.dispatch(
      exec,
      signedOrigin(alice),
      call("registerWorker", { pruntimeInfo: info, attestation: attest(info) }),
    );
    const stored = registryStorage.Workers.get(exec.state, info.identityPublicKey)!;
    expect(stored).toMatchObject({
      pubkey: info.identityPublicKey,
      ecdhPubkey: info.ecdhPublicKey,
      operator: alice,
      attestationProvider: { type: "Simulated" },
      measurement,
      confidenceLevel: 5,
      lastUpdated: 1_700_000_000_000n,
    });
    const queued = mqStorage.OutboundMessages.get(exec.state);
    expect(queued.map((m) => new TextDecoder().decode(m.destination))).toEqual([
      new TextDecoder().decode(WORKER_EVENT_TOPIC),
    ]);
    // Re-registration refreshes the record.
    runtime.dispatch(
      exec,
      signedOrigin(alice),
      call("registerWorker", { pruntimeInfo: info, attestation: attest(info) }),
    );
    const names = exec.events.map((e) => (e.event.value as { type: string }).type);
    expect(names).toEqual(expect.arrayContaining(["PRuntimeAdded", "WorkerAdded", "WorkerUpdated"]));
  });

  it("refuses an unknown build, changed info, a debug enclave, another chain, forged or unsupported evidence", () => {
    const { runtime, exec } = setup();
    runtime.dispatch(exec, ROOT, call("addPruntime", { measurement }));
    const info = worker();
    const register = (pruntimeInfo: RuntimeInfo, attestation: Uint8Array) => () =>
      runtime.dispatch(exec, signedOrigin(alice), call("registerWorker", { pruntimeInfo, attestation }));
    const refused = (label: string) => expect.objectContaining({ label: `PhalaRegistry.${label}` });
    expect(register(info, attest(info, { measurement: new Uint8Array(32) }))).toThrowError(
      refused("MeasurementNotAllowed"),
    );
    expect(register(worker({ features: [64, 0] }), attest(info))).toThrowError(refused("ReportDataMismatch"));
    expect(register(info, attest(info, { debug: true }))).toThrowError(refused("DebugEnclaveNotAllowed"));
    const elsewhere = worker({ genesisHash: new Uint8Array(32).fill(1) });
    expect(register(elsewhere, attest(elsewhere))).toThrowError(refused("GenesisMismatch"));
    const forged = attest(info);
    forged[forged.length - 1] = forged[forged.length - 1]! ^ 1;
    expect(register(info, forged)).toThrowError(refused("InvalidAttestation"));
    expect(register(info, Uint8Array.of(9))).toThrowError(refused("InvalidAttestation"));
    const dcap = encodeAttestation({ type: "SgxDcap", value: { quote: Uint8Array.of(3), collateral: undefined } });
    expect(register(info, dcap)).toThrowError(refused("UnsupportedAttestation"));
    expect(registryStorage.Workers.get(exec.state, info.identityPublicKey)).toBeUndefined();
  });

  it("refuses simulated attestation on a chain whose policy forbids it", () => {
    const { runtime, exec } = setup({ allowSimulated: false, simulatedQuotingKeys: [] });
    runtime.dispatch(exec, ROOT, call("addPruntime", { measurement }));
    const info = worker();
    expect(() =>
      runtime.dispatch(
        exec,
        signedOrigin(alice),
        call("registerWorker", { pruntimeInfo: info, attestation: attest(info) }),
      ),
    ).toThrowError(expect.objectContaining({ label: "PhalaRegistry.SimulatedAttestationNotAllowed" }));
  });

  it("lets only root manage the allowlist", () => {
    const { runtime, exec } = setup();
    expect(() => runtime.dispatch(exec, signedOrigin(alice), call("addPruntime", { measurement }))).toThrowError();
    runtime.dispatch(exec, ROOT, call("addPruntime", { measurement }));
    expect(() => runtime.dispatch(exec, ROOT, call("addPruntime", { measurement }))).toThrowError(
      expect.objectContaining({ label: "PhalaRegistry.MeasurementAlreadyAllowed" }),
    );
    runtime.dispatch(exec, ROOT, call("removePruntime", { measurement }));
    expect(registryStorage.PRuntimeAllowList.get(exec.state)).toEqual([]);
  });
});
