import { AttestationError } from "../errors.js";
import { parseJsonObject } from "../jsonObject.js";
import { utcSeconds } from "../utcSeconds.js";

export const IAS_QUOTE_BODY_LENGTH = 432;

/** The fields of an IAS attestation verification report that the verifier uses. */
export interface IasReport {
  readonly id: string;
  /** Unix seconds (IAS writes UTC without a zone, to the microsecond; the fraction is dropped). */
  readonly timestamp: number;
  readonly version: 3 | 4;
  readonly isvEnclaveQuoteStatus: string;
  /** The EPID quote without its signature: a 48-byte header and the 384-byte report body. */
  readonly isvEnclaveQuoteBody: Uint8Array;
  readonly advisoryIds: readonly string[];
}

function malformed(message: string, details: Record<string, unknown> = {}): AttestationError {
  return new AttestationError("IAS_REPORT_MALFORMED", `IAS report: ${message}`, details);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?$/;

/** Unix seconds of an IAS timestamp (`2021-09-12T18:06:20.402478`, UTC), or undefined. */
export function parseIasTimestamp(text: string): number | undefined {
  const match = TIMESTAMP.exec(text);
  return match === null ? undefined : utcSeconds(match);
}

function decodeBase64(text: string): Uint8Array | undefined {
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? new Uint8Array(bytes) : undefined;
}

/** Parses the signed report text. Fields the verifier does not use (epidPseudonym, ...) are ignored. */
export function parseIasReport(text: string): IasReport {
  const report = parseJsonObject(text, malformed);
  const string = (key: string): string => {
    const field = report[key];
    if (typeof field !== "string") throw malformed(`${key} is missing or not a string`, { field: key });
    return field;
  };
  const version = report["version"];
  if (version !== 3 && version !== 4) throw malformed(`version ${String(version)} is not supported (3 and 4 are)`);
  const timestamp = parseIasTimestamp(string("timestamp"));
  if (timestamp === undefined) throw malformed("timestamp is not an IAS UTC timestamp", { field: "timestamp" });
  const body = decodeBase64(string("isvEnclaveQuoteBody"));
  if (body === undefined || body.length !== IAS_QUOTE_BODY_LENGTH) {
    throw malformed(`isvEnclaveQuoteBody is not ${IAS_QUOTE_BODY_LENGTH} bytes of base64`, {
      field: "isvEnclaveQuoteBody",
    });
  }
  const advisories = report["advisoryIDs"] ?? [];
  if (!Array.isArray(advisories) || advisories.some((id) => typeof id !== "string")) {
    throw malformed("advisoryIDs is not a list of strings", { field: "advisoryIDs" });
  }
  return {
    id: string("id"),
    timestamp,
    version,
    isvEnclaveQuoteStatus: string("isvEnclaveQuoteStatus"),
    isvEnclaveQuoteBody: body,
    advisoryIds: advisories as string[],
  };
}
