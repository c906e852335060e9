import { AttestationError } from "../errors.js";
import type { SgxIasEvidence } from "../evidence.js";
import { parseJsonObject } from "../jsonObject.js";
import { decodeUtf8 } from "../x509/pem.js";

function malformed(message: string, details: Record<string, unknown> = {}): AttestationError {
  return new AttestationError("IAS_REPORT_MALFORMED", `IAS evidence JSON: ${message}`, details);
}

/** Hex (as Phala's pallet stores it) or canonical base64 (as IAS's HTTP headers carry it). */
function decodeBinary(text: string, field: string): Uint8Array {
  if (text.length > 0 && text.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(text)) {
    return new Uint8Array(Buffer.from(text, "hex"));
  }
  const bytes = Buffer.from(text, "base64");
  if (text.length === 0 || bytes.toString("base64") !== text)
    throw malformed(`${field} is neither hex nor base64`, { field });
  return new Uint8Array(bytes);
}

/**
 * IAS evidence as a JSON file `{raReport, signature, rawSigningCert}`: the report text exactly as
 * signed, the RSA signature and the DER signing certificate in hex or base64. Exactly these fields.
 */
export function parseIasEvidenceJson(input: string | Uint8Array): SgxIasEvidence {
  const text = typeof input === "string" ? input : decodeUtf8(input, "IAS evidence", malformed);
  const object = parseJsonObject(text, malformed);
  const fields = ["raReport", "signature", "rawSigningCert"];
  for (const key of Object.keys(object))
    if (!fields.includes(key)) throw malformed(`unknown field ${key}`, { field: key });
  for (const key of fields) {
    if (typeof object[key] !== "string") throw malformed(`${key} is missing or not a string`, { field: key });
  }
  return {
    report: new TextEncoder().encode(object["raReport"] as string),
    signature: decodeBinary(object["signature"] as string, "signature"),
    certificate: decodeBinary(object["rawSigningCert"] as string, "rawSigningCert"),
  };
}
