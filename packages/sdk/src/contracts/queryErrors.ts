import { QueryError } from "@phala-ts/core";
import { SdkError, WORKER_REFUSAL_CODES, type WorkerRefusalCode } from "../sdkError.js";

/**
 * A worker's refusal of a query (a non-200 answer with pRuntime's JSON error body) as an
 * SdkError whose code is the worker's (`QUERY_RATE_LIMITED`, …); an unknown code is
 * `WORKER_REFUSED` with `details.workerCode`.
 */
export function queryRefusal(endpoint: string, status: number, body: Uint8Array): SdkError {
  let parsed: { code?: unknown; message?: unknown; details?: unknown } = {};
  try {
    parsed = JSON.parse(new TextDecoder().decode(body)) as typeof parsed;
  } catch {
    // Not a pRuntime's error body: reported by status alone.
  }
  const workerCode = typeof parsed.code === "string" ? parsed.code : undefined;
  const message = typeof parsed.message === "string" ? parsed.message : `HTTP ${status}`;
  const details = { endpoint, status, ...(workerCode === undefined ? {} : { workerCode }) };
  if (workerCode !== undefined && WORKER_REFUSAL_CODES.has(workerCode)) {
    return new SdkError(workerCode as WorkerRefusalCode, `the worker refused the query: ${message}`, details);
  }
  return new SdkError("WORKER_REFUSED", `the worker at ${endpoint} refused the query: ${message}`, details);
}

/** What opening an answer threw, as an SdkError. */
export function answerError(endpoint: string, error: unknown): SdkError {
  if (error instanceof SdkError) return error;
  if (error instanceof QueryError) {
    return error.code === "QUERY_SIGNATURE_INVALID"
      ? new SdkError(
          "WORKER_BAD_SIGNATURE",
          `the answer is not signed by the worker's identity key`,
          { endpoint },
          { cause: error },
        )
      : new SdkError("QUERY_ANSWER_MISMATCH", error.message, { endpoint }, { cause: error });
  }
  return new SdkError(
    "QUERY_ANSWER_MISMATCH",
    "the answer does not open with this query's keys",
    { endpoint },
    { cause: error },
  );
}
