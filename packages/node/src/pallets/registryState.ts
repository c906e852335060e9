import type { WorkerKeys } from "@phala-ts/core";
import { PalletErrors } from "../runtime/dispatchError.js";
import { bindStorage } from "../runtime/pallet.js";
import { AccountId32, type TypeOf, t } from "../runtime/scaleType.js";
import { type StorageReader, storageMap, storageValue } from "../runtime/storageItem.js";
import { PALLET_INDEX } from "./palletIndices.js";

/**
 * PhalaRegistry's types, storage, errors and events: shared by the worker registry (registry.ts)
 * and the gatekeepers' master key (masterKey.ts), which are one pallet.
 */

export const Measurement = t.named(["phala_types", "PRuntimeMeasurement"], t.fixed(32));
export const WorkerPublicKey = t.named(["sp_core", "ed25519", "Public"], t.fixed(32));
export const AttestationProvider = t.variant(["phala_types", "AttestationProvider"], {
  Simulated: [0],
  SgxDcap: [1],
  SgxIas: [2],
});

export const WorkerInfoType = t.struct(["phala_pallets", "registry", "WorkerInfo"], {
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

export const AttestationPolicyType = t.struct(["phala_pallets", "registry", "AttestationPolicy"], {
  /** Whether simulated quotes count (development chains only); they get confidence 5. */
  allowSimulated: t.bool,
  /** Whose simulated quotes count: the sim platform's quoting keys. */
  simulatedQuotingKeys: t.vec(t.fixed(32)),
  /** Whether SGX DCAP quotes (with their collateral in the evidence) count. */
  allowDcap: t.bool,
  /** Whether legacy IAS (EPID) reports count: IAS reached end of life in 2025. */
  allowIas: t.bool,
  /**
   * The highest (worst) confidence level accepted for SGX evidence, 1 to 5: 1 UpToDate,
   * 2 SWHardeningNeeded, 3 configuration needed with every advisory in `advisoryAllowlist`, 4 the
   * same with others, 5 out of date. Revoked TCBs are always refused. Simulated evidence is
   * governed by `allowSimulated` alone.
   */
  maxConfidenceLevel: t.u8,
  /** Intel advisory IDs (`INTEL-SA-00615`) tolerated for confidence 3. */
  advisoryAllowlist: t.vec(t.str),
  /**
   * DCAP: the oldest collateral accepted, in seconds. A DCAP quote carries no time, so its age is
   * its collateral's: `now - min(tcbInfo.issueDate, qeIdentity.issueDate)`, on top of the
   * verifier's own check that `now` is before both `nextUpdate`s.
   */
  dcapMaxCollateralAgeSecs: t.u64,
  /** IAS: the oldest report accepted, `now - report.timestamp`, in seconds. */
  iasMaxReportAgeSecs: t.u64,
  /**
   * DER of the root CA that DCAP collateral and PCK chains must chain to instead of Intel's pinned
   * SGX Root CA: for test networks with a private PKI only (a Live chain spec refuses it).
   */
  trustedSgxRootCa: t.option(t.bytes),
});
export type AttestationPolicy = TypeOf<typeof AttestationPolicyType>;

/** Intel's TCB info and QE identity are valid for 30 days from their issue date. */
export const DCAP_DEFAULT_MAX_COLLATERAL_AGE_SECS = 30n * 24n * 3600n;
/** Phala's registry accepted IAS reports for two hours. */
export const IAS_DEFAULT_MAX_REPORT_AGE_SECS = 7200n;

/**
 * The policy of a chain whose genesis says nothing more: no simulated evidence; DCAP at any
 * confidence Intel does not revoke (as Phala's registry: the confidence is recorded on the worker
 * and sent to pRuntimes, so whoever needs more can demand it); no IAS, whose service has ended;
 * collateral within Intel's own 30-day window; IAS reports within two hours; Intel's root.
 */
export const DEFAULT_ATTESTATION_POLICY: AttestationPolicy = {
  allowSimulated: false,
  simulatedQuotingKeys: [],
  allowDcap: true,
  allowIas: false,
  maxConfidenceLevel: 5,
  advisoryAllowlist: [],
  dcapMaxCollateralAgeSecs: DCAP_DEFAULT_MAX_COLLATERAL_AGE_SECS,
  iasMaxReportAgeSecs: IAS_DEFAULT_MAX_REPORT_AGE_SECS,
  trustedSgxRootCa: undefined,
};

const storage = bindStorage("PhalaRegistry", {
  Workers: storageMap("Twox64Concat", WorkerPublicKey, WorkerInfoType, {
    docs: "Registered workers by identity key: their keys, operator and attestation.",
  }),
  PRuntimeAllowList: storageValue(t.vec(Measurement), {
    default: [],
    docs: "The pRuntime measurements (MRENCLAVE, or the simulated bundle hash) workers may run.",
  }),
  AttestationPolicy: storageValue(AttestationPolicyType, {
    default: DEFAULT_ATTESTATION_POLICY,
    docs: "Which evidence the chain accepts: kinds, TCB confidence, advisories, evidence age and trust roots.",
  }),
  Gatekeepers: storageValue(t.vec(WorkerPublicKey), {
    default: [],
    docs: "The registered workers that act as gatekeepers, in the order they were added.",
  }),
  GatekeeperMasterPubkey: storageValue(t.option(t.fixed(32)), {
    default: undefined,
    docs: "The public key of the master key: what messages from the Gatekeeper origin are signed by.",
  }),
  RotationCounter: storageValue(t.u64, {
    default: 0n,
    docs: "The rotation id of the current master key: 0 is the key the first gatekeeper launched.",
  }),
  MasterKeyRotationLock: storageValue(t.option(t.u64), {
    default: undefined,
    docs: "The id of the rotation in progress: gatekeepers cannot change until its new key is recorded.",
  }),
  MasterKeyLaunchPending: storageValue(t.option(WorkerPublicKey), {
    default: undefined,
    docs: "The gatekeeper asked to launch the master key, until the chain records its launch.",
  }),
});
export const registryStorage = storage;

export const registryErrors = new PalletErrors("PhalaRegistry", PALLET_INDEX.PhalaRegistry, [
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
  // Appended, so that the indices above keep their meaning.
  "DcapAttestationNotAllowed",
  "IasAttestationNotAllowed",
  "CollateralMissing",
  "AttestationExpired",
  "AttestationNotYetValid",
  "AttestationTooOld",
  "AttestationRevoked",
  "TcbStatusNotAllowed",
  "AttestationTooLarge",
  "WorkerNotRegistered",
  "GatekeeperAlreadyRegistered",
  "GatekeeperNotFound",
  "MasterKeyRotationInProgress",
  "MasterKeyLaunchInProgress",
  "MasterKeyNotReady",
  "NoGatekeeper",
  "MasterKeyRotationNotInProgress",
]);
export type RegistryError = (typeof registryErrors.names)[number];

const MasterKeyLaunchRefusal = t.variant(["phala_pallets", "registry", "MasterKeyLaunchRefusal"], {
  /** The payload is not exactly a MasterKeyLaunch. */
  Malformed: [0],
  /** The sender is not the worker the launch was asked of (or it is no longer a gatekeeper). */
  NotLaunchTarget: [1],
  /** The master key exists already: there is only one first launch. */
  AlreadyLaunched: [2],
  /** The key share is not sealed to the launching gatekeeper. */
  ShareMismatch: [3],
  /** The launch, told to pRuntimes, would not fit in a message. */
  TooLarge: [4],
});
export type MasterKeyLaunchRefusal = TypeOf<typeof MasterKeyLaunchRefusal>["type"];

const MasterKeyRotationRefusal = t.variant(["phala_pallets", "registry", "MasterKeyRotationRefusal"], {
  /** The payload is not exactly a MasterKeyRotation. */
  Malformed: [0],
  /** The sender is not the Gatekeeper origin. */
  NotGatekeeper: [1],
  /** No rotation is in progress. */
  NotInProgress: [2],
  /** The rotation in progress has another id. */
  WrongRotationId: [3],
  /** The shares are not sealed to exactly the current gatekeepers. */
  RecipientMismatch: [4],
  /** The rotation, told to pRuntimes, would not fit in a message. */
  TooLarge: [5],
});
export type MasterKeyRotationRefusal = TypeOf<typeof MasterKeyRotationRefusal>["type"];

export const registryEvents = t.variant(["phala_pallets", "registry", "Event"], {
  WorkerAdded: [0, { pubkey: WorkerPublicKey, attestationProvider: AttestationProvider, confidenceLevel: t.u8 }],
  WorkerUpdated: [1, { pubkey: WorkerPublicKey, attestationProvider: AttestationProvider, confidenceLevel: t.u8 }],
  PRuntimeAdded: [2, { measurement: Measurement }],
  PRuntimeRemoved: [3, { measurement: Measurement }],
  GatekeeperAdded: [4, { pubkey: WorkerPublicKey }],
  GatekeeperRemoved: [5, { pubkey: WorkerPublicKey }],
  MasterKeyLaunched: [6, { gatekeeper: WorkerPublicKey, masterPubkey: t.fixed(32) }],
  MasterKeyLaunchRefused: [7, { sender: t.option(WorkerPublicKey), reason: MasterKeyLaunchRefusal }],
  MasterKeyRotationStarted: [8, { rotationId: t.u64 }],
  MasterKeyRotated: [9, { rotationId: t.u64, masterPubkey: t.fixed(32) }],
  MasterKeyRotationRefused: [10, { rotationId: t.u64, reason: MasterKeyRotationRefusal }],
  MasterKeyRotationCancelled: [11, { rotationId: t.u64 }],
});
export type RegistryEvent = TypeOf<typeof registryEvents>;

/** A registered worker's identity and ECDH keys, as gatekeepers and clusters are told them. */
export function workerKeys(state: StorageReader, worker: Uint8Array): WorkerKeys | undefined {
  const info = storage.Workers.get(state, worker);
  return info === undefined ? undefined : { pubkey: info.pubkey, ecdhPubkey: info.ecdhPubkey };
}
