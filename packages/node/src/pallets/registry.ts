import {
  type Attestation,
  decodeAttestation,
  parseCollateral,
  parseQeIdentity,
  parseTcbInfo,
  type VerifiedEvidence as VerifiedSgxEvidence,
  verifyEvidence as verifySgxEvidence,
  verifySimulatedQuote,
} from "@phala-ts/attestation";
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
import type { DispatchError } from "../runtime/dispatchError.js";
import { call, definePallet } from "../runtime/pallet.js";
import { AccountId32, t } from "../runtime/scaleType.js";
import { DB_READ, DB_WRITE, type Weight, weight } from "../runtime/weight.js";
import { withAdded, withRemoved } from "./byteLists.js";
import { masterKeyCalls } from "./masterKey.js";
import { pushPalletMessage } from "./mq.js";
import { PALLET_INDEX } from "./palletIndices.js";
import {
  type AttestationPolicy,
  DEFAULT_ATTESTATION_POLICY,
  registryErrors as errors,
  registryEvents as events,
  Measurement,
  type RegistryError,
  registryStorage as storage,
  type WorkerInfo,
} from "./registryState.js";
import { systemStorage } from "./system.js";
import { timestampStorage } from "./timestamp.js";

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

/** The largest evidence `register_worker` takes: a DCAP quote and its collateral are about 19 KiB. */
export const MAX_ATTESTATION_BYTES = 64 * 1024;

/**
 * What each attestation failure means to an operator. Codes not listed (bad signatures, broken
 * chains, malformed quotes or collateral, an untrusted root) are InvalidAttestation; every refusal
 * keeps the verifier's code in the DispatchError's details (`attestationError`).
 */
const ATTESTATION_FAILURES: Readonly<Record<string, RegistryError>> = {
  DCAP_COLLATERAL_MISSING: "CollateralMissing",
  DCAP_COLLATERAL_EXPIRED: "AttestationExpired",
  DCAP_CERT_EXPIRED: "AttestationExpired",
  IAS_CERT_EXPIRED: "AttestationExpired",
  DCAP_COLLATERAL_NOT_YET_VALID: "AttestationNotYetValid",
  DCAP_CERT_NOT_YET_VALID: "AttestationNotYetValid",
  IAS_CERT_NOT_YET_VALID: "AttestationNotYetValid",
  IAS_REPORT_STALE: "AttestationTooOld",
  DCAP_PCK_REVOKED: "AttestationRevoked",
  DCAP_CERT_REVOKED: "AttestationRevoked",
  IAS_CERT_REVOKED: "AttestationRevoked",
  IAS_REVOKED: "AttestationRevoked",
  DCAP_TCB_REVOKED: "TcbStatusNotAllowed",
  DCAP_TCB_NO_MATCH: "TcbStatusNotAllowed",
  ATTESTATION_KIND_MISMATCH: "UnsupportedAttestation",
  DCAP_QUOTE_UNSUPPORTED: "UnsupportedAttestation",
};

/**
 * The pallet error for a failure of the attestation verifier. Matched by `code`, not `instanceof`
 * (a second copy of the package would defeat it); an error without a code (a verifier bug) is still
 * InvalidAttestation, so that crafted evidence can fail a call but never the block.
 */
function attestationFailure(cause: unknown): DispatchError {
  const { code, message, details } = (cause ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code !== "string") {
    return errors.error("InvalidAttestation", { reason: String(message ?? cause) }, cause);
  }
  return errors.error(
    ATTESTATION_FAILURES[code] ?? "InvalidAttestation",
    {
      attestationError: code,
      reason: String(message),
      ...(typeof details === "object" ? { attestation: details } : {}),
    },
    cause,
  );
}

/**
 * DCAP: the age of the evidence is the age of its collateral (the quote itself carries no time):
 * seconds since the older of the TCB info's and the QE identity's issue dates. Called after the
 * verifier checked their signatures, so the dates are Intel's (or the trusted root's).
 */
function dcapCollateralIssued(collateral: Uint8Array): number {
  const parsed = parseCollateral(collateral);
  return Math.min(parseTcbInfo(parsed.tcbInfo).issueDate, parseQeIdentity(parsed.qeIdentity).issueDate);
}

/** A u64 policy duration as the verifier's seconds (a safe integer; larger means "no limit"). */
function seconds(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** SGX evidence (DCAP or IAS) verified at `now` (unix seconds) and held to the chain's policy. */
function verifySgx(
  attestation: Extract<Attestation, { type: "SgxDcap" | "SgxIas" }>,
  bytes: Uint8Array,
  policy: AttestationPolicy,
  now: number,
): VerifiedEvidence {
  let verified: VerifiedSgxEvidence;
  try {
    verified = verifySgxEvidence(bytes, {
      now,
      kind: attestation.type === "SgxDcap" ? "sgx-dcap" : "ias",
      advisoryAllowlist: policy.advisoryAllowlist,
      iasMaxAgeSeconds: seconds(policy.iasMaxReportAgeSecs),
      // Part of the chain's state, like the rest of the policy: every node judges the same evidence
      // against the same root. Absent, the verifier uses Intel's pinned SGX Root CA.
      trustedSgxRootCa: policy.trustedSgxRootCa,
    });
  } catch (cause) {
    throw attestationFailure(cause);
  }
  // The verifier refuses a kind other than the one asked for (ATTESTATION_KIND_MISMATCH): a TDX
  // quote never gets here. This only narrows the type.
  if (verified.kind === "tdx") throw errors.error("UnsupportedAttestation", { kind: "tdx" });
  if (attestation.type === "SgxDcap") {
    // The verifier found the collateral (it would have refused otherwise) and checked its dates.
    let issued: number;
    try {
      issued = dcapCollateralIssued(attestation.value.collateral as Uint8Array);
    } catch (cause) {
      throw attestationFailure(cause);
    }
    const maxAge = seconds(policy.dcapMaxCollateralAgeSecs);
    if (now - issued > maxAge) {
      throw errors.error("AttestationTooOld", { kind: "sgx-dcap", collateralIssued: issued, now, maxAge });
    }
  }
  if (verified.confidence > policy.maxConfidenceLevel) {
    throw errors.error("TcbStatusNotAllowed", {
      tcbStatus: verified.tcbStatus,
      advisoryIds: verified.advisoryIds,
      confidenceLevel: verified.confidence,
      maxConfidenceLevel: policy.maxConfidenceLevel,
    });
  }
  return {
    provider: { type: attestation.type, value: undefined },
    measurement: verified.measurement.mrEnclave,
    reportData: verified.reportData,
    debug: verified.debug,
    confidenceLevel: verified.confidence,
  };
}

function verifyEvidence(
  attestation: Attestation,
  bytes: Uint8Array,
  policy: AttestationPolicy,
  now: number,
): VerifiedEvidence {
  switch (attestation.type) {
    case "Simulated": {
      if (!policy.allowSimulated) throw errors.error("SimulatedAttestationNotAllowed");
      let quote: ReturnType<typeof verifySimulatedQuote>;
      try {
        quote = verifySimulatedQuote(attestation.value, policy.simulatedQuotingKeys);
      } catch (cause) {
        throw attestationFailure(cause);
      }
      // A simulated enclave proves nothing about its platform: the lowest confidence that registers.
      return { provider: { type: "Simulated", value: undefined }, ...quote, confidenceLevel: 5 };
    }
    case "SgxDcap":
      if (!policy.allowDcap) throw errors.error("DcapAttestationNotAllowed");
      return verifySgx(attestation, bytes, policy, now);
    case "SgxIas":
      if (!policy.allowIas) throw errors.error("IasAttestationNotAllowed");
      return verifySgx(attestation, bytes, policy, now);
    default:
      throw errors.error("UnsupportedAttestation");
  }
}

function register(exec: ExecutionContext, info: RuntimeInfo, attestationBytes: Uint8Array): void {
  if (attestationBytes.length > MAX_ATTESTATION_BYTES) {
    throw errors.error("AttestationTooLarge", { length: attestationBytes.length, max: MAX_ATTESTATION_BYTES });
  }
  let attestation: Attestation;
  try {
    attestation = decodeAttestation(attestationBytes);
  } catch (cause) {
    throw attestationFailure(cause);
  }
  // Evidence is judged at the block's time (Timestamp.Now is in milliseconds), never the clock's.
  const now = Number(timestampStorage.Now.get(exec.state) / 1000n);
  const evidence = verifyEvidence(attestation, attestationBytes, storage.AttestationPolicy.get(exec.state), now);
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
  /** The attestation policy; fields left out take DEFAULT_ATTESTATION_POLICY's values. */
  readonly policy: Partial<AttestationPolicy>;
  readonly allowList: readonly Uint8Array[];
}

/** Registering with simulated evidence (a signature check) or evidence that fails before verification. */
const REGISTER_BASE_REF_TIME = DB_READ.refTime * 5n + DB_WRITE.refTime * 3n + 200_000_000n;
/**
 * Verifying SGX evidence: DCAP checks about ten ECDSA signatures, two CRLs and three certificate
 * chains; the real DCAP vector (19 KiB) takes 15 to 20 ms on a development machine, so 60 ms
 * leaves a threefold margin. IAS (one RSA signature, one chain) costs less and is charged the same.
 */
const SGX_VERIFY_REF_TIME = 60_000_000_000n;
/** Decoding, JSON, PEM and DER parsing and hashing grow with the evidence: 1 µs a byte. */
const EVIDENCE_BYTE_REF_TIME = 1_000_000n;

/**
 * The weight of `register_worker` for evidence of this length, before it is decoded: the first
 * byte is the `Attestation` variant (0 = Simulated). Evidence above MAX_ATTESTATION_BYTES is
 * refused before any work, so the weight stops growing there: at most about 127 ms of ref time,
 * under a quarter of the chain's 1 s block time, so that a block holds several registrations.
 */
export function registerWorkerWeight(attestation: Uint8Array): Weight {
  const length = BigInt(Math.min(attestation.length, MAX_ATTESTATION_BYTES));
  const verify = attestation[0] === 0 ? 0n : SGX_VERIFY_REF_TIME;
  return weight(REGISTER_BASE_REF_TIME + verify + length * EVIDENCE_BYTE_REF_TIME);
}

/**
 * Workers and what they must prove: an attestation over their registration info, by an allowed
 * pRuntime build, on this chain. Evidence is simulated (development chains), SGX DCAP (the quote
 * with its collateral) or legacy IAS, verified at the block's timestamp and held to the chain's
 * AttestationPolicy (kinds, worst confidence level, advisories, age, trust root); debug enclaves
 * never register. Re-registration refreshes the record. The gatekeepers and the master key
 * (masterKey.ts) are part of this pallet.
 */
export const registry = definePallet({
  name: "PhalaRegistry",
  index: PALLET_INDEX.PhalaRegistry,
  docs: "Registered workers, the pRuntime allowlist, the attestation policy, gatekeepers and the master key.",
  storage,
  events,
  errors,
  constants: {
    MaxAttestationBytes: {
      type: t.u32,
      value: MAX_ATTESTATION_BYTES,
      docs: "The largest evidence register_worker takes.",
    },
  },
  calls: {
    registerWorker: call({
      index: 0,
      args: { pruntimeInfo: RuntimeInfoType, attestation: t.bytes },
      origin: "signed",
      weight: ({ attestation }) => registerWorkerWeight(attestation),
      docs: "Register (or refresh) a worker: anyone may submit; the evidence and the attestation policy decide.",
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
        const list = withAdded(
          storage.PRuntimeAllowList.get(exec.state),
          measurement,
          errors,
          "MeasurementAlreadyAllowed",
        );
        storage.PRuntimeAllowList.set(exec.state, list);
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
        const list = withRemoved(storage.PRuntimeAllowList.get(exec.state), measurement, errors, "MeasurementNotFound");
        storage.PRuntimeAllowList.set(exec.state, list);
        exec.deposit("PhalaRegistry", { type: "PRuntimeRemoved", value: { measurement } });
      },
    }),
    ...masterKeyCalls,
  },
  genesis(state, config) {
    const { policy, allowList } = config as RegistryGenesis;
    const given = Object.entries(policy).filter(([, value]) => value !== undefined);
    storage.AttestationPolicy.set(state, { ...DEFAULT_ATTESTATION_POLICY, ...Object.fromEntries(given) });
    storage.PRuntimeAllowList.set(state, [...allowList]);
  },
});

export {
  type AttestationPolicy,
  DCAP_DEFAULT_MAX_COLLATERAL_AGE_SECS,
  DEFAULT_ATTESTATION_POLICY,
  IAS_DEFAULT_MAX_REPORT_AGE_SECS,
  registryStorage,
  type WorkerInfo,
} from "./registryState.js";
