import {
  decodeOperatorBody,
  decodeWorkerRecord,
  fromHex,
  runtimeInfoResponseCodec,
  toHex,
  type WorkerRecord,
  workerRecordKey,
} from "@phala-ts/core";
import { registerWorkerCall } from "./chainCalls.js";
import type { ExtrinsicSubmitter } from "./extrinsicSubmitter.js";
import { PherryError } from "./pherryError.js";
import type { PRuntimeClient } from "./pruntimeClient.js";

export type RegistrationCheck =
  | { readonly action: "none"; readonly record: WorkerRecord }
  | { readonly action: "submitted"; readonly reason: "unregistered" | "aged"; readonly hash: string };

/** The worker's record on chain at the best block, if it has one. */
export async function workerRecordOf(
  submitter: ExtrinsicSubmitter,
  identityPublicKey: Uint8Array,
): Promise<WorkerRecord | undefined> {
  const raw = await submitter.rpc.call<string | null>("state_getStorage", [toHex(workerRecordKey(identityPublicKey))]);
  return raw === null ? undefined : decodeWorkerRecord(fromHex(raw));
}

/**
 * Registers the worker when the chain has no record of it, when its record is older than
 * `maxAgeMs` (the attestation has aged). The chain's verdict is asked first
 * (`system_dryRun`), so a refusal (a build not on the allowlist, evidence the chain's policy does
 * not accept) is reported by name and costs no fee.
 */
export async function ensureRegistered(
  pruntime: PRuntimeClient,
  submitter: ExtrinsicSubmitter,
  identityPublicKey: Uint8Array,
  options: { readonly maxAgeMs: number; readonly nowMs: number },
): Promise<RegistrationCheck> {
  const record = await workerRecordOf(submitter, identityPublicKey);
  if (record !== undefined && options.nowMs - Number(record.lastUpdated) <= options.maxAgeMs) {
    return { action: "none", record };
  }
  const { info, attestation } = decodeOperatorBody(
    runtimeInfoResponseCodec,
    await pruntime.get("runtime-info"),
    "runtime info",
  );
  const call = registerWorkerCall(submitter.metadata, info, attestation);
  const verdict = await submitter.dryRun(call);
  if (!verdict.ok) {
    throw new PherryError(
      "PHERRY_EXTRINSIC_REFUSED",
      `the chain refuses this worker's registration: ${verdict.error}`,
      {
        call: "PhalaRegistry.register_worker",
        kind: verdict.kind,
        error: verdict.error,
      },
    );
  }
  const reason = record === undefined ? "unregistered" : "aged";
  return { action: "submitted", reason, hash: await submitter.submit(await submitter.sign(call)) };
}
