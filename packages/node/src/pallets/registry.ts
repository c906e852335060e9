import { type Attestation, decodeAttestation, verifySimulatedQuote } from "@phala-ts/attestation";
import {
  encodeRuntimeInfo,
  equalBytes,
  phalaTopic,
  type RuntimeInfo,
  runtimeInfoCodec,
  runtimeInfoReportData,
} from "@phala-ts/core";
import { Struct, u8, Variant } from "@polkadot-api/substrate-bindings";
import type { ExecutionContext } from "../runtime/context.js";
import { PalletErrors } from "../runtime/dispatchError.js";
import { bindStorage, call, definePallet } from "../runtime/pallet.js";
import { AccountId32, type TypeOf, t } from "../runtime/scaleType.js";
import { storageMap, storageValue } from "../runtime/storageItem.js";
import { DB_READ, DB_WRITE, weight } from "../runtime/weight.js";
import { pushPalletMessage } from "./mq.js";
import { PALLET_INDEX } from "./palletIndices.js";
import { systemStorage } from "./system.js";
import { timestampStorage } from "./timestamp.js";

const Measurement = t.named(["phala_types", "PRuntimeMeasurement"], t.fixed(32));
const WorkerPublicKey = t.named(["sp_core", "ed25519", "Public"], t.fixed(32));
const AttestationProvider = t.variant(["phala_types", "AttestationProvider"], {
  Simulated: [0],
  SgxDcap: [1],
  SgxIas: [2],
});

const RuntimeInfoType = t.withCodec(
  runtimeInfoCodec,
  t.struct(["phala_types", "WorkerRegistrationInfo"], {
    version: t.u32,
    machineId: t.bytes,
    identityPublicKey: t.fixed(32),
    ecdhPublicKey: t.fixed(32),
    genesisHash: t.fixed(32),
    features: t.vec(t.u32),
    operator: t.option(AccountId32),
  }),
);

const WorkerInfoType = t.struct(["phala_pallets", "registry", "WorkerInfo"], {
  pubkey: WorkerPublicKey,
  ecdhPubkey: t.fixed(32),
  runtimeVersion: t.u32,
  machineId: t.bytes,
  features: t.vec(t.u32),
  operator: t.option(AccountId32),
  attestationProvider: AttestationProvider,
  measurement: Measurement,
  confidenceLevel: t.u8,
  /** When the worker last registered, in milliseconds (the block's `Timestamp.Now`). */
  lastUpdated: t.u64,
});
export type WorkerInfo = TypeOf<typeof WorkerInfoType>;

const AttestationPolicyType = t.struct(["phala_pallets", "registry", "AttestationPolicy"], {
  allowSimulated: t.bool,
  simulatedQuotingKeys: t.vec(t.fixed(32)),
});
export type AttestationPolicy = TypeOf<typeof AttestationPolicyType>;

const storage = bindStorage("PhalaRegistry", {
  Workers: storageMap("Twox64Concat", WorkerPublicKey, WorkerInfoType, {
    docs: "Registered workers by identity key: their keys, operator and attestation.",
  }),
  PRuntimeAllowList: storageValue(t.vec(Measurement), {
    default: [],
    docs: "The pRuntime measurements (MRENCLAVE, or the simulated bundle hash) workers may run.",
  }),
  AttestationPolicy: storageValue(AttestationPolicyType, {
    default: { allowSimulated: false, simulatedQuotingKeys: [] },
    docs: "Which evidence the chain accepts: whether simulated quotes count, and whose.",
  }),
});

const errors = new PalletErrors("PhalaRegistry", PALLET_INDEX.PhalaRegistry, [
  "InvalidRuntimeInfo",
  "InvalidAttestation",
  "UnsupportedAttestation",
  "SimulatedAttestationNotAllowed",
  "DebugEnclaveNotAllowed",
  "MeasurementNotAllowed",
  "ReportDataMismatch",
  "GenesisMismatch",
  "MeasurementAlreadyAllowed",
  "MeasurementNotFound",
]);

const events = t.variant(["phala_pallets", "registry", "Event"], {
  WorkerAdded: [0, { pubkey: WorkerPublicKey, attestationProvider: AttestationProvider, confidenceLevel: t.u8 }],
  WorkerUpdated: [1, { pubkey: WorkerPublicKey, attestationProvider: AttestationProvider, confidenceLevel: t.u8 }],
  PRuntimeAdded: [2, { measurement: Measurement }],
  PRuntimeRemoved: [3, { measurement: Measurement }],
});

/** The topic on which the registry tells enclaves about workers. */
export const WORKER_EVENT_TOPIC = phalaTopic("registry", "worker");

/** `WorkerEvent::Registered { pubkey, ecdhPubkey }`, what pRuntimes hear when a worker registers. */
export const workerEventCodec = Variant({
  Registered: Struct({ pubkey: t.fixed(32).codec, ecdhPubkey: t.fixed(32).codec, confidenceLevel: u8 }),
});

interface VerifiedEvidence {
  readonly provider: WorkerInfo["attestationProvider"];
  readonly measurement: Uint8Array;
  readonly reportData: Uint8Array;
  readonly debug: boolean;
  readonly confidenceLevel: number;
}

function verifyEvidence(attestation: Attestation, policy: AttestationPolicy): VerifiedEvidence {
  switch (attestation.type) {
    case "Simulated": {
      if (!policy.allowSimulated) throw errors.error("SimulatedAttestationNotAllowed");
      let quote: ReturnType<typeof verifySimulatedQuote>;
      try {
        quote = verifySimulatedQuote(attestation.value, policy.simulatedQuotingKeys);
      } catch {
        throw errors.error("InvalidAttestation");
      }
      // A simulated enclave proves nothing about its platform: the lowest confidence that registers.
      return { provider: { type: "Simulated", value: undefined }, ...quote, confidenceLevel: 5 };
    }
    default:
      throw errors.error("UnsupportedAttestation");
  }
}

function register(exec: ExecutionContext, info: RuntimeInfo, attestationBytes: Uint8Array): void {
  let attestation: Attestation;
  try {
    attestation = decodeAttestation(attestationBytes);
  } catch {
    throw errors.error("InvalidAttestation");
  }
  const evidence = verifyEvidence(attestation, storage.AttestationPolicy.get(exec.state));
  if (evidence.debug) throw errors.error("DebugEnclaveNotAllowed");
  if (!storage.PRuntimeAllowList.get(exec.state).some((m) => equalBytes(m, evidence.measurement))) {
    throw errors.error("MeasurementNotAllowed");
  }
  if (!equalBytes(evidence.reportData, runtimeInfoReportData(encodeRuntimeInfo(info)))) {
    throw errors.error("ReportDataMismatch");
  }
  const genesis = systemStorage.BlockHash.get(exec.state, 0);
  if (genesis === undefined || !equalBytes(genesis, info.genesisHash)) throw errors.error("GenesisMismatch");
  const existed = storage.Workers.get(exec.state, info.identityPublicKey) !== undefined;
  storage.Workers.set(exec.state, info.identityPublicKey, {
    pubkey: info.identityPublicKey,
    ecdhPubkey: info.ecdhPublicKey,
    runtimeVersion: info.version,
    machineId: info.machineId,
    features: info.features,
    operator: info.operator,
    attestationProvider: evidence.provider,
    measurement: evidence.measurement,
    confidenceLevel: evidence.confidenceLevel,
    lastUpdated: timestampStorage.Now.get(exec.state),
  });
  const summary = {
    pubkey: info.identityPublicKey,
    attestationProvider: evidence.provider,
    confidenceLevel: evidence.confidenceLevel,
  };
  exec.deposit("PhalaRegistry", { type: existed ? "WorkerUpdated" : "WorkerAdded", value: summary });
  pushPalletMessage(
    exec,
    "PhalaRegistry",
    WORKER_EVENT_TOPIC,
    workerEventCodec.enc({
      type: "Registered",
      value: {
        pubkey: info.identityPublicKey,
        ecdhPubkey: info.ecdhPublicKey,
        confidenceLevel: evidence.confidenceLevel,
      },
    }),
  );
}

export interface RegistryGenesis {
  readonly policy: AttestationPolicy;
  readonly allowList: readonly Uint8Array[];
}

/**
 * Workers and what they must prove: an attestation over their registration info, by an allowed
 * pRuntime build, on this chain.
 */
export const registry = definePallet({
  name: "PhalaRegistry",
  index: PALLET_INDEX.PhalaRegistry,
  docs: "Registered workers, the pRuntime allowlist and the attestation policy.",
  storage,
  events,
  errors,
  calls: {
    registerWorker: call({
      index: 0,
      args: { pruntimeInfo: RuntimeInfoType, attestation: t.bytes },
      origin: "signed",
      weight: weight(DB_READ.refTime * 4n + DB_WRITE.refTime * 2n + 200_000_000n),
      docs: "Register (or refresh) a worker: anyone may submit; the evidence decides.",
      execute({ exec }, { pruntimeInfo, attestation }) {
        register(exec, pruntimeInfo, attestation);
      },
    }),
    addPruntime: call({
      index: 1,
      args: { measurement: Measurement },
      origin: "root",
      weight: weight(DB_READ.refTime + DB_WRITE.refTime),
      docs: "Allow workers running the pRuntime build with this measurement.",
      execute({ exec }, { measurement }) {
        const list = storage.PRuntimeAllowList.get(exec.state);
        if (list.some((m) => equalBytes(m, measurement))) throw errors.error("MeasurementAlreadyAllowed");
        storage.PRuntimeAllowList.set(exec.state, [...list, measurement]);
        exec.deposit("PhalaRegistry", { type: "PRuntimeAdded", value: { measurement } });
      },
    }),
    removePruntime: call({
      index: 2,
      args: { measurement: Measurement },
      origin: "root",
      weight: weight(DB_READ.refTime + DB_WRITE.refTime),
      docs: "Stop allowing a pRuntime build; registered workers keep their record until they re-register.",
      execute({ exec }, { measurement }) {
        const list = storage.PRuntimeAllowList.get(exec.state);
        const kept = list.filter((m) => !equalBytes(m, measurement));
        if (kept.length === list.length) throw errors.error("MeasurementNotFound");
        storage.PRuntimeAllowList.set(exec.state, kept);
        exec.deposit("PhalaRegistry", { type: "PRuntimeRemoved", value: { measurement } });
      },
    }),
  },
  genesis(state, config) {
    const { policy, allowList } = config as RegistryGenesis;
    storage.AttestationPolicy.set(state, policy);
    storage.PRuntimeAllowList.set(state, [...allowList]);
  },
});

export const registryStorage = storage;
