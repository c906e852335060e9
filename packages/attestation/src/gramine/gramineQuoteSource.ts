import { constants } from "node:fs";
import { type FileHandle, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { GramineError } from "../errors.js";
import type { Attestation } from "../evidence.js";
import { MEASUREMENT_LENGTH, REPORT_DATA_LENGTH } from "../simulated/simulatedQuote.js";

export const GRAMINE_ATTESTATION_ROOT = "/dev/attestation";
/** `sgx_target_info_t`: MRENCLAVE (32 bytes) first, 512 bytes in all. */
export const SGX_TARGET_INFO_LENGTH = 512;

export interface GramineSourceOptions {
  /** Where Gramine's attestation pseudo-files are; `/dev/attestation` unless testing. */
  readonly root?: string;
}

const NOT_UNDER_GRAMINE = "not running under Gramine with remote attestation enabled";

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function fileError(
  path: string,
  action: string,
  cause: unknown,
  code: "GRAMINE_QUOTE_FAILED" | "GRAMINE_IO_FAILED",
): GramineError {
  const errno = errnoCode(cause);
  if (errno === "ENOENT" || errno === "ENOTDIR") {
    return new GramineError(
      "GRAMINE_NOT_AVAILABLE",
      `${path} does not exist: ${NOT_UNDER_GRAMINE}`,
      { path },
      { cause },
    );
  }
  return new GramineError(code, `cannot ${action} ${path}: ${errno ?? String(cause)}`, { path, errno }, { cause });
}

async function readPseudoFile(path: string, code: "GRAMINE_QUOTE_FAILED" | "GRAMINE_IO_FAILED"): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw fileError(path, "read", cause, code);
  }
}

/** The attestation scheme Gramine was configured with (`none`, `epid` or `dcap`), trimmed. */
export async function gramineAttestationType(options: GramineSourceOptions = {}): Promise<string> {
  const path = join(options.root ?? GRAMINE_ATTESTATION_ROOT, "attestation_type");
  return new TextDecoder().decode(await readPseudoFile(path, "GRAMINE_IO_FAILED")).trim();
}

/** Throws GramineError unless Gramine is set up for DCAP remote attestation (`sgx.remote_attestation = "dcap"`). */
export async function assertGramineDcap(options: GramineSourceOptions = {}): Promise<void> {
  const type = await gramineAttestationType(options);
  if (type !== "dcap") {
    throw new GramineError(
      "GRAMINE_UNSUPPORTED_ATTESTATION",
      `Gramine attestation type is ${JSON.stringify(type)}; only "dcap" is supported (set sgx.remote_attestation = "dcap")`,
      { attestationType: type },
    );
  }
}

// The pseudo-files are per process: a quote reads whatever report data was written last, so one
// write-then-read runs at a time for each root.
const pending = new Map<string, Promise<void>>();

function oneAtATime<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = pending.get(key) ?? Promise.resolve();
  const result = previous.then(run);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  pending.set(key, tail);
  void tail.then(() => {
    if (pending.get(key) === tail) pending.delete(key);
  });
  return result;
}

async function writeReportData(path: string, reportData: Uint8Array): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    // Write-only, no create and no truncate: the pseudo-file exists and takes exactly 64 bytes.
    handle = await open(path, constants.O_WRONLY);
    const { bytesWritten } = await handle.write(reportData, 0, reportData.length, 0);
    if (bytesWritten !== reportData.length) {
      throw new GramineError("GRAMINE_QUOTE_FAILED", `short write to ${path}: ${bytesWritten} of 64 bytes`, {
        path,
        bytesWritten,
      });
    }
    const closing = handle;
    handle = undefined;
    await closing.close();
  } catch (cause) {
    await handle?.close().catch(() => undefined);
    if (cause instanceof GramineError) throw cause;
    throw fileError(path, "write", cause, "GRAMINE_QUOTE_FAILED");
  }
}

/**
 * Evidence from Gramine's `/dev/attestation`: checks the scheme is DCAP, writes the 64 bytes of
 * `reportData` to `user_report_data` and reads the quote Gramine obtains from the quoting enclave.
 */
export async function gramineQuote(reportData: Uint8Array, options: GramineSourceOptions = {}): Promise<Attestation> {
  if (!(reportData instanceof Uint8Array) || reportData.length !== REPORT_DATA_LENGTH) {
    throw new GramineError("GRAMINE_BAD_REPORT_DATA", `report data must be exactly ${REPORT_DATA_LENGTH} bytes`, {
      length: reportData instanceof Uint8Array ? reportData.length : -1,
    });
  }
  const root = options.root ?? GRAMINE_ATTESTATION_ROOT;
  const data = reportData.slice();
  return oneAtATime(root, async () => {
    await assertGramineDcap({ root });
    await writeReportData(join(root, "user_report_data"), data);
    const quotePath = join(root, "quote");
    const quote = await readPseudoFile(quotePath, "GRAMINE_QUOTE_FAILED");
    if (quote.length === 0) {
      throw new GramineError("GRAMINE_QUOTE_FAILED", `${quotePath} is empty: Gramine could not obtain a quote`, {
        path: quotePath,
      });
    }
    return { type: "SgxDcap", value: { quote, collateral: undefined } };
  });
}

/** This enclave's MRENCLAVE: the first 32 bytes of its target info (`my_target_info`). */
export async function gramineMeasurement(options: GramineSourceOptions = {}): Promise<Uint8Array> {
  const path = join(options.root ?? GRAMINE_ATTESTATION_ROOT, "my_target_info");
  const targetInfo = await readPseudoFile(path, "GRAMINE_IO_FAILED");
  if (targetInfo.length !== SGX_TARGET_INFO_LENGTH) {
    throw new GramineError(
      "GRAMINE_BAD_TARGET_INFO",
      `${path} has ${targetInfo.length} bytes, expected an sgx_target_info_t of ${SGX_TARGET_INFO_LENGTH}`,
      { path, length: targetInfo.length },
    );
  }
  return targetInfo.slice(0, MEASUREMENT_LENGTH);
}
