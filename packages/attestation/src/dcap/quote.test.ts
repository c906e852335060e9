import { concatBytes } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { AttestationError, type AttestationErrorCode } from "../errors.js";
import { decodeDcapQuote } from "./quote.js";
import { SGX_VECTOR, TDX_OUTDATED_VECTOR, TDX_VECTOR } from "./realVectors.test-util.js";

function decodeError(bytes: Uint8Array, code: AttestationErrorCode): AttestationError {
  try {
    decodeDcapQuote(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(AttestationError);
    expect((error as AttestationError).code, (error as Error).message).toBe(code);
    return error as AttestationError;
  }
  return expect.unreachable(`expected ${code}`);
}

function withU16(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint16(at, value, true);
  return copy;
}

function withU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(at, value, true);
  return copy;
}

function u32At(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
}

const sgx = SGX_VECTOR.quote;
const tdx = TDX_VECTOR.quote;
const tdx15 = TDX_OUTDATED_VECTOR.quote;

describe("DCAP quote decoding", () => {
  it("decodes SGX v3, TDX v4 and TDX v5 quotes", () => {
    const v3 = decodeDcapQuote(sgx);
    expect(v3.header).toMatchObject({ version: 3, attestationKeyType: 2, teeType: 0, qeSvn: 10, pceSvn: 15 });
    expect(v3.body.type).toBe("sgx");
    expect(v3.signedData).toEqual(sgx.subarray(0, 432));
    expect(v3.qeAuthData.length).toBe(32);
    expect(v3.length).toBe(4600);
    expect(new TextDecoder().decode(v3.pckChain).startsWith("-----BEGIN CERTIFICATE-----")).toBe(true);

    const v4 = decodeDcapQuote(tdx);
    expect(v4.header).toMatchObject({ version: 4, teeType: 0x81 });
    expect(v4.body).toMatchObject({ type: "tdx", version: "1.0" });
    expect(v4.signedData.length).toBe(632);
    expect(v4.length).toBe(4936);

    const v5 = decodeDcapQuote(tdx15);
    expect(v5.header).toMatchObject({ version: 5, teeType: 0x81 });
    expect(v5.body).toMatchObject({ type: "tdx", version: "1.5" });
    expect(v5.signedData.length).toBe(48 + 6 + 648);
    expect(v5.body.type === "tdx" && v5.body.report.teeTcbSvn2?.[0]).toBe(13);
  });

  it("tolerates zero padding after the quote, and nothing else", () => {
    expect(decodeDcapQuote(concatBytes(sgx, new Uint8Array(100))).length).toBe(4600);
    decodeError(concatBytes(sgx, Uint8Array.of(0, 0, 1)), "DCAP_QUOTE_MALFORMED");
    const padded = tdx.slice();
    padded[padded.length - 1] = 0x20;
    decodeError(padded, "DCAP_QUOTE_MALFORMED");
  });

  it("refuses every truncation", () => {
    for (const [quote, length] of [
      [sgx, 4600],
      [tdx, 4936],
      [tdx15, 5006],
    ] as const) {
      for (let cut = 0; cut < length; cut += cut < 1100 ? 1 : 37) {
        const error = decodeError(quote.subarray(0, cut), "DCAP_QUOTE_MALFORMED");
        expect(error.details).toHaveProperty("field");
      }
    }
  });

  it("refuses declared lengths that disagree with the contents", () => {
    const sigLength = u32At(sgx, 432);
    // One byte more than the contents (and the byte is there): the signature data has leftovers.
    const longer = withU32(concatBytes(sgx, new Uint8Array(1)), 432, sigLength + 1);
    expect(decodeError(longer, "DCAP_QUOTE_MALFORMED").details).toMatchObject({ extra: 1 });
    // One byte less: the PCK chain runs past the signature data.
    decodeError(withU32(sgx, 432, sigLength - 1), "DCAP_QUOTE_MALFORMED");
    decodeError(withU32(sgx, 432, 0xffffffff), "DCAP_QUOTE_MALFORMED");
    // The v4 QE report certification data's own size.
    const outerSize = u32At(tdx, 632 + 4 + 128 + 2);
    const inner = withU32(concatBytes(tdx.subarray(0, 4936), new Uint8Array(1)), 632 + 4 + 128 + 2, outerSize + 1);
    decodeError(withU32(inner, 632, u32At(tdx, 632) + 1), "DCAP_QUOTE_MALFORMED");
    // The v5 body size must be the body type's.
    decodeError(withU32(tdx15, 50, 584), "DCAP_QUOTE_MALFORMED");
    // QE auth data longer than what follows.
    decodeError(withU16(sgx, 436 + 128 + 384 + 64, 0xffff), "DCAP_QUOTE_MALFORMED");
  });

  it("refuses versions, key types, TEE types, body types and certification data it does not support", () => {
    const field = (bytes: Uint8Array, name: string) =>
      expect(decodeError(bytes, "DCAP_QUOTE_UNSUPPORTED").details).toMatchObject({ field: name });
    field(withU16(sgx, 0, 2), "version");
    field(withU16(sgx, 0, 6), "version");
    field(withU16(sgx, 2, 3), "attestationKeyType");
    field(withU32(sgx, 4, 0x81), "teeType");
    field(withU32(tdx, 4, 0), "teeType");
    field(withU16(tdx15, 48, 1), "bodyType");
    const vendor = sgx.slice();
    vendor[12] = 0;
    field(vendor, "qeVendorId");
    // Certification data type 3 (encrypted PPID) instead of a PCK chain.
    const chainType = 436 + 128 + 384 + 64 + 2 + 32;
    field(withU16(sgx, chainType, 3), "certificationDataType");
    // A v4 quote must wrap its QE report in certification data type 6.
    field(withU16(tdx, 632 + 4 + 128, 5), "certificationDataType");
    decodeError("03" as unknown as Uint8Array, "DCAP_QUOTE_MALFORMED");
  });
});
