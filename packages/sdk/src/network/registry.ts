import { blockHashAt, type ChainContext, readEntries, readStorage } from "../chain/chainContext.js";
import { normalizeHex32 } from "./ids.js";

/** The kind of evidence a worker registered with. */
export type AttestationKind = "Simulated" | "SgxDcap" | "SgxIas";

/** A registered worker, as `PhalaRegistry.Workers` records it. Bytes are 0x-hex. */
export interface WorkerInfo {
  /** Its identity key (Ed25519): it signs the worker's messages and answers. */
  readonly identity: string;
  /** Its ECDH key (X25519): what queries are sealed to. */
  readonly ecdhPubkey: string;
  readonly runtimeVersion: number;
  readonly machineId: string;
  readonly features: readonly number[];
  /** SS58; the account that registered it. */
  readonly operator: string | undefined;
  readonly attestation: {
    readonly kind: AttestationKind;
    /** 1 (up to date) to 5 (out of date, or simulated). */
    readonly confidenceLevel: number;
  };
  /** MRENCLAVE, or the simulated bundle hash. */
  readonly measurement: string;
  /** When it last registered: the block's timestamp, in ms since the epoch. */
  readonly registeredAtMs: number;
}

interface RawWorker {
  readonly pubkey: string;
  readonly ecdh_pubkey: string;
  readonly runtime_version: number;
  readonly machine_id: Uint8Array;
  readonly features: number[];
  readonly operator: string | undefined;
  readonly attestation_provider: { readonly type: AttestationKind };
  readonly measurement: string;
  readonly confidence_level: number;
  readonly last_updated: bigint;
}

function workerInfo(raw: RawWorker): WorkerInfo {
  return {
    identity: raw.pubkey,
    ecdhPubkey: raw.ecdh_pubkey,
    runtimeVersion: raw.runtime_version,
    machineId: `0x${Buffer.from(raw.machine_id).toString("hex")}`,
    features: raw.features,
    operator: raw.operator,
    attestation: { kind: raw.attestation_provider.type, confidenceLevel: raw.confidence_level },
    measurement: raw.measurement,
    registeredAtMs: Number(raw.last_updated),
  };
}

export interface ReadOptions {
  /** The block to read at (0x-hex hash); the best block by default. */
  readonly at?: string;
}

/** The registration of the worker with identity key `identity`, or undefined. */
export async function readWorker(
  ctx: ChainContext,
  identity: string | Uint8Array,
  options: ReadOptions = {},
): Promise<WorkerInfo | undefined> {
  const raw = (await readStorage(
    ctx,
    "PhalaRegistry",
    "Workers",
    [normalizeHex32(identity, "identity")],
    options.at,
  )) as RawWorker | undefined;
  return raw === undefined ? undefined : workerInfo(raw);
}

/** Every registered worker, by identity key. */
export async function readWorkers(ctx: ChainContext, options: ReadOptions = {}): Promise<WorkerInfo[]> {
  const at = options.at ?? (await blockHashAt(ctx));
  const entries = await readEntries(ctx, "PhalaRegistry", "Workers", at);
  return entries
    .map((entry) => workerInfo(entry.value as RawWorker))
    .sort((a, b) => a.identity.localeCompare(b.identity));
}

/** The gatekeepers and the master key, as `PhalaRegistry` records them. */
export interface GatekeeperSet {
  /** In the order they were added, each with its worker registration (undefined only if the chain lost it). */
  readonly gatekeepers: readonly { readonly identity: string; readonly worker: WorkerInfo | undefined }[];
  /** Undefined until the first gatekeeper launches the master key. */
  readonly masterPubkey: string | undefined;
  /** The rotation id of the current master key (0 is the launch). */
  readonly rotationId: bigint;
  /** The rotation under way, if one is. */
  readonly rotationInProgress: bigint | undefined;
  /** The gatekeeper asked to launch the master key, until it has. */
  readonly launchPending: string | undefined;
}

export async function readGatekeepers(ctx: ChainContext, options: ReadOptions = {}): Promise<GatekeeperSet> {
  const at = options.at ?? (await blockHashAt(ctx));
  const read = (item: string) => readStorage(ctx, "PhalaRegistry", item, [], at);
  const [list, masterPubkey, rotationId, rotationLock, launchPending] = await Promise.all([
    read("Gatekeepers"),
    read("GatekeeperMasterPubkey"),
    read("RotationCounter"),
    read("MasterKeyRotationLock"),
    read("MasterKeyLaunchPending"),
  ]);
  const identities = (list ?? []) as string[];
  const gatekeepers = await Promise.all(
    identities.map(async (identity) => ({ identity, worker: await readWorker(ctx, identity, { at }) })),
  );
  return {
    gatekeepers,
    masterPubkey: (masterPubkey ?? undefined) as string | undefined,
    rotationId: (rotationId ?? 0n) as bigint,
    rotationInProgress: (rotationLock ?? undefined) as bigint | undefined,
    launchPending: (launchPending ?? undefined) as string | undefined,
  };
}
