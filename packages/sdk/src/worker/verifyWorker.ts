import { ed25519Verify, fromHex, type PRuntimePublicInfo } from "@phala-ts/core";
import type { ChainContext } from "../chain/chainContext.js";
import { normalizeHex32 } from "../network/ids.js";
import { type AttestationKind, readWorker, type WorkerInfo } from "../network/registry.js";
import { SdkError } from "../sdkError.js";
import { type WorkerHttpOptions, workerRequest } from "./workerHttp.js";

/** A worker whose `/info` is signed by its identity key and matches its registration on chain. */
export interface VerifiedWorker {
  readonly endpoint: string;
  /** 0x-hex Ed25519 identity key: it signs the worker's answers. */
  readonly identity: string;
  /** 0x-hex X25519 key: what queries are sealed to. */
  readonly ecdhPubkey: string;
  /** What the chain accepted at registration. */
  readonly attestation: { readonly kind: AttestationKind; readonly confidenceLevel: number };
  readonly measurement: string;
  /** The worker's `/info`, as it signed it. */
  readonly info: PRuntimePublicInfo;
  /** Its registration in `PhalaRegistry.Workers`. */
  readonly registration: WorkerInfo;
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

function parseInfo(endpoint: string, body: Uint8Array): PRuntimePublicInfo {
  let info: unknown;
  try {
    info = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new SdkError("WORKER_BAD_INFO", `the worker at ${endpoint} did not answer /info with JSON`, { endpoint });
  }
  const fields = info as Partial<Record<keyof PRuntimePublicInfo, unknown>>;
  for (const field of ["identityPublicKey", "ecdhPublicKey", "measurement"] as const) {
    const value = fields?.[field];
    if (typeof value !== "string" || !HEX32.test(value)) {
      throw new SdkError("WORKER_BAD_INFO", `the worker at ${endpoint} has no valid ${field} in its /info`, {
        endpoint,
        field,
      });
    }
  }
  return info as PRuntimePublicInfo;
}

function mismatch(endpoint: string, field: string, what: string, claimed: unknown, registered: unknown): SdkError {
  return new SdkError(
    "WORKER_MISMATCH",
    `the worker at ${endpoint} claims ${what} ${String(claimed)}, but the chain has ${String(registered)}`,
    { endpoint, field, claimed, registered },
  );
}

/**
 * Checks that the worker at `endpoint` is the registered, attested worker it claims to be:
 * `GET /info` must be signed (`x-phala-signature`) over its exact bytes by the identity key it
 * names; the chain must hold a registration for that key (`PhalaRegistry.Workers`, where the
 * chain keeps what it verified of the worker's attestation); and the ECDH key, measurement and
 * genesis the worker reports must be the registered ones. Throws `WORKER_BAD_SIGNATURE`,
 * `WORKER_NOT_REGISTERED`, `WORKER_MISMATCH` (naming what differs), `WORKER_BAD_INFO` or
 * `WORKER_UNREACHABLE`.
 */
export async function verifyWorker(
  endpoint: string,
  client: ChainContext,
  options: WorkerHttpOptions = {},
): Promise<VerifiedWorker> {
  const response = await workerRequest(endpoint, "/info", { method: "GET" }, options);
  if (response.status !== 200) {
    throw new SdkError("WORKER_BAD_INFO", `the worker at ${endpoint} answered /info with HTTP ${response.status}`, {
      endpoint,
      status: response.status,
    });
  }
  const info = parseInfo(endpoint, response.body);
  const identity = normalizeHex32(info.identityPublicKey, "identityPublicKey");
  let signature: Uint8Array | undefined;
  try {
    signature = response.signature === null ? undefined : fromHex(response.signature);
  } catch {
    signature = undefined;
  }
  if (signature === undefined || !ed25519Verify(signature, response.body, fromHex(identity))) {
    throw new SdkError(
      "WORKER_BAD_SIGNATURE",
      response.signature === null
        ? `the worker at ${endpoint} did not sign its /info`
        : `the worker at ${endpoint} signed its /info with another key than the identity key ${identity} it names`,
      { endpoint, identity },
    );
  }
  const registration = await readWorker(client, identity);
  if (registration === undefined) {
    throw new SdkError(
      "WORKER_NOT_REGISTERED",
      `the chain has no worker with the identity key ${identity} that the worker at ${endpoint} names`,
      { endpoint, identity },
    );
  }
  if (registration.identity !== identity) {
    throw mismatch(endpoint, "identity", "the identity key", identity, registration.identity);
  }
  const ecdh = normalizeHex32(info.ecdhPublicKey, "ecdhPublicKey");
  if (ecdh !== registration.ecdhPubkey) {
    throw mismatch(endpoint, "ecdhPubkey", "the ECDH key", ecdh, registration.ecdhPubkey);
  }
  const measurement = normalizeHex32(info.measurement, "measurement");
  if (measurement !== registration.measurement) {
    throw mismatch(endpoint, "measurement", "the measurement", measurement, registration.measurement);
  }
  if (typeof info.genesisHash === "string" && info.genesisHash.toLowerCase() !== client.genesisHash.toLowerCase()) {
    throw mismatch(endpoint, "genesisHash", "to follow the chain with genesis", info.genesisHash, client.genesisHash);
  }
  return {
    endpoint,
    identity,
    ecdhPubkey: ecdh,
    attestation: registration.attestation,
    measurement,
    info,
    registration,
  };
}
