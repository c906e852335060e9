import { readFileSync } from "node:fs";
import {
  createSimulatedQuote,
  encodeAttestation,
  parseIasEvidenceJson,
  simQuotingPublicKey,
} from "@phala-ts/attestation";
import { devAccounts, fromHex, keypairFromUri, type RuntimeInfo, runtimeInfoReportData, utf8 } from "@phala-ts/core";
import { beforeAll, describe, expect, it } from "vitest";
import { SGX_EXPIRED_NOW, SGX_VECTOR, TDX_VECTOR } from "../../../attestation/src/dcap/realVectors.test-util.js";
import { createTestPki, DAY, TEST_NOW, type TestPki } from "../../../attestation/src/dcap/testPki.test-util.js";
import {
  buildCollateral,
  buildQuote,
  type QuoteSpec,
  TEST_MRENCLAVE,
  testTcbInfo,
} from "../../../attestation/src/dcap/testQuote.test-util.js";
import { SHARED_VECTORS_DIR } from "../../../core/src/testing/sharedVectors.test-util.js";
import { buildGenesisState } from "../chain/genesisState.js";
import { ExecutionContext } from "../runtime/context.js";
import { ROOT, signedOrigin } from "../runtime/origin.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { mqStorage } from "./mq.js";
import { createPhalaRuntime } from "./phalaRuntime.js";
import {
  type AttestationPolicy,
  MAX_ATTESTATION_BYTES,
  registerWorkerWeight,
  registryStorage,
  WORKER_EVENT_TOPIC,
} from "./registry.js";
import { systemStorage } from "./system.js";
import { timestampStorage } from "./timestamp.js";

const alice = devAccounts("sr25519").Alice.accountId;
const genesisHash = new Uint8Array(32).fill(0x6e);
const measurement = new Uint8Array(32).fill(0x4d);
const SIMULATED = { allowSimulated: true, simulatedQuotingKeys: [simQuotingPublicKey()] };

/** A chain at block 1 whose timestamp is `nowSeconds`, with `policy` over the registry's defaults. */
function setup(policy: Partial<AttestationPolicy> = SIMULATED, nowSeconds = 1_700_000_000) {
  const runtime = createPhalaRuntime();
  const genesis = buildGenesisState(runtime, {
    Session: { authorities: [[new Uint8Array(32).fill(7), 1n]] },
    PhalaRegistry: { policy, allowList: [] },
  });
  const exec = new ExecutionContext(new StateOverlay(genesis), { number: 1, parentHash: genesisHash });
  systemStorage.BlockHash.set(exec.state, 0, genesisHash);
  timestampStorage.Now.set(exec.state, BigInt(nowSeconds) * 1000n);
  const allow = (m: Uint8Array) => runtime.dispatch(exec, ROOT, call("addPruntime", { measurement: m }));
  const register = (pruntimeInfo: RuntimeInfo, attestation: Uint8Array) =>
    runtime.dispatch(exec, signedOrigin(alice), call("registerWorker", { pruntimeInfo, attestation }));
  return { runtime, exec, allow, register };
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

/** The pallet error a call failed with, and the attestation verifier's code when it has one. */
function refusal(run: () => unknown): { label: string; attestationError: unknown; details: Record<string, unknown> } {
  try {
    run();
  } catch (error) {
    const { label, details } = error as { label?: unknown; details?: Record<string, unknown> };
    if (typeof label !== "string" || details === undefined) throw error;
    return { label, attestationError: details["attestationError"], details };
  }
  throw new Error("the call succeeded");
}

const refusedWith = (run: () => unknown) => refusal(run).label.replace(/^PhalaRegistry\./, "");

describe("PhalaRegistry", () => {
  it("registers a worker whose simulated attestation binds its info, from an allowed build, on this chain", () => {
    const { exec, allow, register } = setup();
    allow(measurement);
    const info = worker();
    register(info, attest(info));
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
    register(info, attest(info));
    const names = exec.events.map((e) => (e.event.value as { type: string }).type);
    expect(names).toEqual(expect.arrayContaining(["PRuntimeAdded", "WorkerAdded", "WorkerUpdated"]));
  });

  it("refuses an unknown build, changed info, a debug enclave, another chain, forged or unsupported evidence", () => {
    const { exec, allow, register } = setup();
    allow(measurement);
    const info = worker();
    expect(refusedWith(() => register(info, attest(info, { measurement: new Uint8Array(32) })))).toBe(
      "MeasurementNotAllowed",
    );
    expect(refusedWith(() => register(worker({ features: [64, 0] }), attest(info)))).toBe("ReportDataMismatch");
    expect(refusedWith(() => register(info, attest(info, { debug: true })))).toBe("DebugEnclaveNotAllowed");
    const elsewhere = worker({ genesisHash: new Uint8Array(32).fill(1) });
    expect(refusedWith(() => register(elsewhere, attest(elsewhere)))).toBe("GenesisMismatch");
    const forged = attest(info);
    forged[forged.length - 1] = forged[forged.length - 1]! ^ 1;
    expect(refusal(() => register(info, forged))).toMatchObject({
      label: "PhalaRegistry.InvalidAttestation",
      attestationError: "ATTESTATION_BAD_SIGNATURE",
    });
    expect(refusedWith(() => register(info, Uint8Array.of(9)))).toBe("InvalidAttestation");
    // Not a DCAP quote at all: the verifier does not recognise it.
    const dcap = encodeAttestation({ type: "SgxDcap", value: { quote: Uint8Array.of(3), collateral: undefined } });
    expect(refusal(() => register(info, dcap))).toMatchObject({
      label: "PhalaRegistry.InvalidAttestation",
      attestationError: "ATTESTATION_UNKNOWN_EVIDENCE",
    });
    expect(refusedWith(() => register(info, new Uint8Array(MAX_ATTESTATION_BYTES + 1)))).toBe("AttestationTooLarge");
    expect(registryStorage.Workers.get(exec.state, info.identityPublicKey)).toBeUndefined();
  });

  it("refuses simulated attestation on a chain whose policy forbids it", () => {
    const { allow, register } = setup({ allowSimulated: false, simulatedQuotingKeys: [] });
    allow(measurement);
    const info = worker();
    expect(refusedWith(() => register(info, attest(info)))).toBe("SimulatedAttestationNotAllowed");
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

  it("fills the policy fields a genesis leaves out with the defaults", () => {
    const { exec } = setup(SIMULATED);
    expect(registryStorage.AttestationPolicy.get(exec.state)).toEqual({
      ...SIMULATED,
      allowDcap: true,
      allowIas: false,
      maxConfidenceLevel: 5,
      advisoryAllowlist: [],
      dcapMaxCollateralAgeSecs: 30n * 86_400n,
      iasMaxReportAgeSecs: 7200n,
      trustedSgxRootCa: undefined,
    });
  });

  it("weighs SGX evidence by its verification and its length, and stays bounded", () => {
    const simulated = registerWorkerWeight(Uint8Array.of(0, 1, 2)).refTime;
    const small = registerWorkerWeight(new Uint8Array(1_000).fill(1)).refTime;
    const real = registerWorkerWeight(new Uint8Array(19_000).fill(1)).refTime;
    const max = registerWorkerWeight(new Uint8Array(MAX_ATTESTATION_BYTES).fill(1)).refTime;
    expect(small).toBeGreaterThan(simulated + 50_000_000_000n);
    expect(real).toBeGreaterThan(small);
    expect(registerWorkerWeight(new Uint8Array(MAX_ATTESTATION_BYTES * 4).fill(1)).refTime).toBe(max);
    // A quarter of a second of ref time at most, so that a 1 s block holds several registrations.
    expect(max).toBeLessThan(250_000_000_000n);
  });
});

const REAL_MRENCLAVE = fromHex("0x33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");

function dcapEvidence(quote: Uint8Array, collateral: string | Record<string, string> | undefined): Uint8Array {
  const text = collateral === undefined || typeof collateral === "string" ? collateral : JSON.stringify(collateral);
  return encodeAttestation({
    type: "SgxDcap",
    value: { quote, collateral: text === undefined ? undefined : utf8(text) },
  });
}

describe("PhalaRegistry with Intel-signed SGX evidence", () => {
  // The real vectors' report_data is fixed ("Hello, world!"), so no RuntimeInfo binds it: getting
  // as far as ReportDataMismatch proves that the evidence verified and passed the policy checks
  // that come before (kind, age, TCB status, debug, measurement).
  const real = dcapEvidence(SGX_VECTOR.quote, SGX_VECTOR.collateralText);

  it("verifies a real DCAP quote at the block's time, as far as its report_data", () => {
    const { exec, allow, register } = setup({}, SGX_VECTOR.now);
    allow(REAL_MRENCLAVE);
    expect(refusedWith(() => register(worker(), real))).toBe("ReportDataMismatch");
    expect(registryStorage.Workers.get(exec.state, worker().identityPublicKey)).toBeUndefined();
    // Without the MRENCLAVE in the allowlist, the measurement is what fails.
    expect(refusedWith(() => setup({}, SGX_VECTOR.now).register(worker(), real))).toBe("MeasurementNotAllowed");
  });

  it("refuses the real quote one day past its collateral's window", () => {
    const { allow, register } = setup({}, SGX_EXPIRED_NOW);
    allow(REAL_MRENCLAVE);
    expect(refusal(() => register(worker(), real))).toMatchObject({
      label: "PhalaRegistry.AttestationExpired",
      attestationError: "DCAP_COLLATERAL_EXPIRED",
    });
  });

  it("holds the real quote to the chain's confidence, advisory, age, kind and root policy", () => {
    const at = (policy: Partial<AttestationPolicy>) => {
      const chain = setup(policy, SGX_VECTOR.now);
      chain.allow(REAL_MRENCLAVE);
      return refusal(() => chain.register(worker(), real));
    };
    // ConfigurationAndSWHardeningNeeded with INTEL-SA-00289 and INTEL-SA-00615: confidence 4.
    expect(at({ maxConfidenceLevel: 3 })).toMatchObject({
      label: "PhalaRegistry.TcbStatusNotAllowed",
      details: expect.objectContaining({ confidenceLevel: 4, tcbStatus: "ConfigurationAndSWHardeningNeeded" }),
    });
    // With both advisories tolerated it is confidence 3.
    const tolerated = { maxConfidenceLevel: 3, advisoryAllowlist: ["INTEL-SA-00289", "INTEL-SA-00615"] };
    expect(at(tolerated).label).toBe("PhalaRegistry.ReportDataMismatch");
    // Its collateral was issued 30 days before the vector's `now`.
    expect(at({ dcapMaxCollateralAgeSecs: 7n * 86_400n })).toMatchObject({
      label: "PhalaRegistry.AttestationTooOld",
      details: expect.objectContaining({ kind: "sgx-dcap", maxAge: 7 * 86_400 }),
    });
    expect(at({ allowDcap: false }).label).toBe("PhalaRegistry.DcapAttestationNotAllowed");
    // A chain that trusts another root does not trust Intel's.
    const other = fromHex(
      `0x${readFileSync(`${SHARED_VECTORS_DIR}/attestation/phala-dcap-qvl/TrustedRootCA.der`, "hex")}`,
    );
    expect(at({}).label).toBe("PhalaRegistry.ReportDataMismatch");
    expect(other.length).toBeGreaterThan(0);
  });

  it("refuses DCAP evidence without its collateral, and TDX quotes", () => {
    const { allow, register } = setup({}, SGX_VECTOR.now);
    allow(REAL_MRENCLAVE);
    expect(refusal(() => register(worker(), dcapEvidence(SGX_VECTOR.quote, undefined)))).toMatchObject({
      label: "PhalaRegistry.CollateralMissing",
      attestationError: "DCAP_COLLATERAL_MISSING",
    });
    const tdx = setup({}, TDX_VECTOR.now);
    expect(
      refusal(() => tdx.register(worker(), dcapEvidence(TDX_VECTOR.quote, TDX_VECTOR.collateralText))),
    ).toMatchObject({
      label: "PhalaRegistry.UnsupportedAttestation",
      attestationError: "ATTESTATION_KIND_MISMATCH",
      details: expect.objectContaining({ attestation: expect.objectContaining({ actual: "tdx" }) }),
    });
  });
});

describe("PhalaRegistry with legacy IAS evidence", () => {
  // Phala's own test report: SW_HARDENING_NEEDED, written 2021-09-12T18:06:20 UTC.
  const IAS_TIMESTAMP = 1631469980;
  const IAS_MRENCLAVE = fromHex("0x518422fa769d2d55982015a0e0417c6a8521fdfc7308f5ec18aaa1b6924bd0f3");
  const evidence = encodeAttestation({
    type: "SgxIas",
    value: parseIasEvidenceJson(
      new Uint8Array(readFileSync(`${SHARED_VECTORS_DIR}/attestation/phala-ias/pallet_ias_attestation.json`)),
    ),
  });
  const at = (policy: Partial<AttestationPolicy>, now: number) => {
    const chain = setup(policy, now);
    chain.allow(IAS_MRENCLAVE);
    return refusal(() => chain.register(worker(), evidence));
  };

  it("verifies a real IAS report as far as its report_data, on a chain that accepts IAS", () => {
    expect(at({ allowIas: true }, IAS_TIMESTAMP + 60).label).toBe("PhalaRegistry.ReportDataMismatch");
    expect(at({}, IAS_TIMESTAMP + 60).label).toBe("PhalaRegistry.IasAttestationNotAllowed");
  });

  it("refuses an IAS report older than the policy allows, or below its confidence", () => {
    expect(at({ allowIas: true }, IAS_TIMESTAMP + 7201)).toMatchObject({
      label: "PhalaRegistry.AttestationTooOld",
      attestationError: "IAS_REPORT_STALE",
    });
    expect(at({ allowIas: true, iasMaxReportAgeSecs: 86_400n }, IAS_TIMESTAMP + 7201).label).toBe(
      "PhalaRegistry.ReportDataMismatch",
    );
    expect(at({ allowIas: true, maxConfidenceLevel: 1 }, IAS_TIMESTAMP + 60)).toMatchObject({
      label: "PhalaRegistry.TcbStatusNotAllowed",
      details: expect.objectContaining({ confidenceLevel: 2, tcbStatus: "SWHardeningNeeded" }),
    });
  });
});

describe("PhalaRegistry with DCAP quotes from a test PKI", () => {
  // The test root reaches the pallet only through the chain's policy (genesis storage, set from a
  // spec's `attestation.trustedSgxRootCa`, which Live specs refuse), never through a node option:
  // whether evidence verifies is consensus, so every node must judge it against the same root.
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });

  const info = worker();
  const quote = (spec: QuoteSpec["enclave"] = {}) =>
    buildQuote(pki, { enclave: { reportData: runtimeInfoReportData(info), ...spec } });
  const trusted = (policy: Partial<AttestationPolicy> = {}) => ({ trustedSgxRootCa: pki.root.der, ...policy });

  function chain(policy: Partial<AttestationPolicy> = trusted(), now = TEST_NOW) {
    const c = setup(policy, now);
    c.allow(TEST_MRENCLAVE);
    return c;
  }

  it("registers a worker whose DCAP quote binds its info, with the TCB's confidence, and refreshes it", () => {
    const { exec, register } = chain();
    register(info, dcapEvidence(quote(), buildCollateral(pki)));
    expect(registryStorage.Workers.get(exec.state, info.identityPublicKey)).toMatchObject({
      pubkey: info.identityPublicKey,
      operator: alice,
      attestationProvider: { type: "SgxDcap" },
      measurement: TEST_MRENCLAVE,
      confidenceLevel: 1,
      lastUpdated: BigInt(TEST_NOW) * 1000n,
    });
    // The platform's TCB is now SWHardeningNeeded: re-registering records confidence 2.
    const hardening = buildCollateral(pki, { tcbInfo: testTcbInfo({ levels: [{ status: "SWHardeningNeeded" }] }) });
    timestampStorage.Now.set(exec.state, BigInt(TEST_NOW + 60) * 1000n);
    register(info, dcapEvidence(quote(), hardening));
    expect(registryStorage.Workers.get(exec.state, info.identityPublicKey)).toMatchObject({
      attestationProvider: { type: "SgxDcap" },
      confidenceLevel: 2,
      lastUpdated: BigInt(TEST_NOW + 60) * 1000n,
    });
    const events = exec.events.map((e) => e.event.value as { type: string; value: unknown });
    expect(events.filter((e) => e.type === "WorkerAdded" || e.type === "WorkerUpdated")).toEqual([
      {
        type: "WorkerAdded",
        value: { pubkey: info.identityPublicKey, attestationProvider: { type: "SgxDcap" }, confidenceLevel: 1 },
      },
      {
        type: "WorkerUpdated",
        value: { pubkey: info.identityPublicKey, attestationProvider: { type: "SgxDcap" }, confidenceLevel: 2 },
      },
    ]);
  });

  it("does not trust the test root unless the chain's policy names it", () => {
    expect(refusal(() => chain({}).register(info, dcapEvidence(quote(), buildCollateral(pki))))).toMatchObject({
      label: "PhalaRegistry.InvalidAttestation",
      attestationError: "DCAP_UNTRUSTED_ROOT",
    });
  });

  it("refuses a debug enclave, another build and a quote over other data", () => {
    const collateral = buildCollateral(pki);
    const debug = quote({ attributes: Uint8Array.of(0x07, 0, 0, 0, 0, 0, 0, 0, 0x03) });
    expect(refusedWith(() => chain().register(info, dcapEvidence(debug, collateral)))).toBe("DebugEnclaveNotAllowed");
    const other = quote({ mrEnclave: new Uint8Array(32).fill(0x0e) });
    expect(refusedWith(() => chain().register(info, dcapEvidence(other, collateral)))).toBe("MeasurementNotAllowed");
    expect(refusedWith(() => chain().register(worker({ version: 2 }), dcapEvidence(quote(), collateral)))).toBe(
      "ReportDataMismatch",
    );
  });

  it("refuses TCB statuses outside the policy, and revoked TCBs always", () => {
    const withStatus = (status: string, advisories?: string[]) =>
      buildCollateral(pki, { tcbInfo: testTcbInfo({ levels: [{ status, ...(advisories ? { advisories } : {}) }] }) });
    const outOfDate = dcapEvidence(quote(), withStatus("OutOfDate", ["INTEL-SA-00001"]));
    expect(refusal(() => chain(trusted({ maxConfidenceLevel: 4 })).register(info, outOfDate))).toMatchObject({
      label: "PhalaRegistry.TcbStatusNotAllowed",
      details: expect.objectContaining({ tcbStatus: "OutOfDate", confidenceLevel: 5, maxConfidenceLevel: 4 }),
    });
    // The default policy accepts it, at confidence 5.
    const { exec, register } = chain();
    register(info, outOfDate);
    expect(registryStorage.Workers.get(exec.state, info.identityPublicKey)?.confidenceLevel).toBe(5);
    const revoked = dcapEvidence(quote(), withStatus("Revoked", ["INTEL-SA-00002"]));
    expect(refusal(() => chain().register(info, revoked))).toMatchObject({
      label: "PhalaRegistry.TcbStatusNotAllowed",
      attestationError: "DCAP_TCB_REVOKED",
    });
  });

  it("refuses collateral older than the policy allows, expired or not yet valid at the block's time", () => {
    const evidence = dcapEvidence(quote(), buildCollateral(pki)); // issued a day before TEST_NOW, for 30 days
    expect(refusal(() => chain(trusted({ dcapMaxCollateralAgeSecs: 3600n })).register(info, evidence))).toMatchObject({
      label: "PhalaRegistry.AttestationTooOld",
      details: expect.objectContaining({ collateralIssued: TEST_NOW - DAY, now: TEST_NOW, maxAge: 3600 }),
    });
    expect(refusal(() => chain(trusted(), TEST_NOW + 31 * DAY).register(info, evidence))).toMatchObject({
      label: "PhalaRegistry.AttestationExpired",
      attestationError: "DCAP_COLLATERAL_EXPIRED",
    });
    expect(refusal(() => chain(trusted(), TEST_NOW - 2 * DAY).register(info, evidence))).toMatchObject({
      label: "PhalaRegistry.AttestationNotYetValid",
    });
  });

  it("refuses a TDX quote signed by the trusted root", () => {
    const tdx = buildQuote(pki, { tee: "td10" });
    const collateral = buildCollateral(pki, { tcbInfo: testTcbInfo({ id: "TDX" }) });
    expect(refusal(() => chain().register(info, dcapEvidence(tdx, collateral)))).toMatchObject({
      label: "PhalaRegistry.UnsupportedAttestation",
      attestationError: "ATTESTATION_KIND_MISMATCH",
    });
  });
});
