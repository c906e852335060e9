import { PhalaError } from "@phala-ts/core";
import { isSdkError, type SdkErrorCode } from "@phala-ts/sdk";
import { InvalidArgumentError } from "commander";
import { EXIT, type ExitCode, Refusal } from "./clientCommand.js";
import { jsonText } from "./jsonOutput.js";

const { failed, usage, refused } = EXIT;

/**
 * What each SDK error means for the exit code: 1 could not complete (unreachable, timed out,
 * something no honest node or worker would answer), 2 bad input, 3 the network said no. Every
 * code is listed, so a new one does not compile until it is placed.
 */
const SDK_EXIT: Readonly<Record<SdkErrorCode, ExitCode>> = {
  NODE_UNREACHABLE: failed,
  NODE_DISCONNECTED: failed,
  NODE_TIMEOUT: failed,
  NODE_ERROR: failed,
  NODE_BAD_REPLY: failed,
  CLIENT_CLOSED: failed,
  METADATA_MISMATCH: failed,
  ARGS_INVALID: usage,
  ADDRESS_INVALID: usage,
  ACCOUNT_INVALID: usage,
  KEY_FILE_EXISTS: usage,
  KEY_FILE_UNREADABLE: usage,
  KEY_FILE_INVALID: usage,
  KEY_FILE_INSECURE: usage,
  TX_INVALID: refused,
  TX_FAILED: refused,
  TX_DROPPED: refused,
  TX_TIMEOUT: failed,
  WORKER_UNREACHABLE: failed,
  WORKER_BAD_INFO: refused,
  WORKER_BAD_SIGNATURE: refused,
  WORKER_NOT_REGISTERED: refused,
  WORKER_MISMATCH: refused,
  WORKER_REFUSED: refused,
  CLUSTER_NOT_READY: refused,
  CONTRACT_NOT_READY: refused,
  CONTRACT_INIT_FAILED: refused,
  CONTRACT_REPLY_TIMEOUT: failed,
  CONTRACT_REPLY_UNREADABLE: refused,
  QUERY_ANSWER_MISMATCH: refused,
  QUERY_MALFORMED: refused,
  QUERY_UNREADABLE: refused,
  QUERY_CERTIFICATE_EXPIRED: refused,
  QUERY_CERTIFICATE_INVALID: refused,
  QUERY_SIGNATURE_INVALID: refused,
  QUERY_CONTRACT_NOT_FOUND: refused,
  QUERY_NONCE_REUSED: refused,
  QUERY_RATE_LIMITED: refused,
  QUERY_STALE: refused,
  QUERY_CONTRACT_UNAVAILABLE: refused,
  QUERY_TIMEOUT: refused,
  API_BODY_TOO_LARGE: refused,
  API_UNSUPPORTED_MEDIA_TYPE: refused,
  API_BAD_REQUEST: refused,
  API_INTERNAL: refused,
};

export function exitCodeOf(error: unknown): ExitCode {
  if (isSdkError(error)) return SDK_EXIT[error.code] ?? failed;
  if (error instanceof Refusal) return refused;
  // The CLI's own refusals of its input (CliError), a contract that does not build, a bad flag.
  if (error instanceof PhalaError || error instanceof InvalidArgumentError) return usage;
  return failed;
}

export interface FailureJson {
  readonly error: { readonly code: string; readonly message: string; readonly details: Record<string, unknown> };
}

export function failureJson(error: unknown): FailureJson {
  if (error instanceof PhalaError)
    return { error: { code: error.code, message: error.message, details: error.details } };
  if (error instanceof InvalidArgumentError)
    return { error: { code: "CLI_BAD_ARGUMENT", message: error.message, details: {} } };
  return {
    error: { code: "UNEXPECTED", message: error instanceof Error ? error.message : String(error), details: {} },
  };
}

/** Prints the failure (stderr; and stdout with `--json`) and returns the exit code. */
export function reportFailure(error: unknown, json: boolean): ExitCode {
  const failure = failureJson(error);
  if (json) process.stdout.write(`${jsonText(failure)}\n`);
  process.stderr.write(`error: ${failure.error.message} (${failure.error.code})\n`);
  return exitCodeOf(error);
}
