import { type Enumerated, Integer, ObjectIdentifier, OctetString, Sequence } from "asn1js";
import { describe, expect, it } from "vitest";
import { AttestationError } from "../errors.js";
import { parseCertificate } from "../x509/certificate.js";
import { decodePemCertificates } from "../x509/pem.js";
import { decodePckExtension, pckExtensionOf } from "./pckExtension.js";
import { decodeDcapQuote } from "./quote.js";
import { SGX_VECTOR, TDX_VECTOR } from "./realVectors.test-util.js";
import { encodePckExtension, SGX_EXTENSION, TEST_FMSPC } from "./testPki.test-util.js";

const fail = (message: string) => new AttestationError("DCAP_QUOTE_MALFORMED", message);

function leafOf(quote: Uint8Array) {
  const pem = new TextDecoder().decode(decodeDcapQuote(quote).pckChain);
  return parseCertificate(decodePemCertificates(pem, fail)[0] as Uint8Array, fail);
}

function invalid(der: Uint8Array): AttestationError {
  try {
    decodePckExtension(der);
  } catch (error) {
    expect(error).toBeInstanceOf(AttestationError);
    expect((error as AttestationError).code, (error as Error).message).toBe("DCAP_PCK_CERT_INVALID");
    return error as AttestationError;
  }
  return expect.unreachable("expected DCAP_PCK_CERT_INVALID");
}

const pair = (oid: string, value: Integer | OctetString | Sequence | Enumerated) =>
  new Sequence({ value: [new ObjectIdentifier({ value: oid }), value] });

describe("PCK certificate SGX extension", () => {
  it("reads FMSPC, PCE ID, the TCB components and PCESVN of Intel's PCK certificates", () => {
    const sgx = pckExtensionOf(leafOf(SGX_VECTOR.quote));
    expect(Buffer.from(sgx.fmspc).toString("hex")).toBe("00a067110000");
    expect(Buffer.from(sgx.pceId).toString("hex")).toBe("0000");
    expect(sgx.tcbComponents).toEqual([11, 11, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(sgx.pceSvn).toBe(13);
    expect(Buffer.from(sgx.cpuSvn).toString("hex")).toBe("0b0b0202ff0100000000000000000000");
    expect(Buffer.from(sgx.ppid).toString("hex")).toBe("d04ec06d4e6d92dc90d0ad3cf5ee2ddf");
    expect(sgx.sgxType).toBe(0);
    const tdx = pckExtensionOf(leafOf(TDX_VECTOR.quote));
    expect(Buffer.from(tdx.fmspc).toString("hex")).toBe("b0c06f000000");
  });

  it("round-trips the test encoder", () => {
    const extension = decodePckExtension(encodePckExtension({ pceSvn: 300, sgxType: 1 }));
    expect(extension.fmspc).toEqual(TEST_FMSPC);
    expect(extension.pceSvn).toBe(300);
    expect(extension.sgxType).toBe(1);
  });

  it("refuses extensions that are not Intel's shape", () => {
    const good = encodePckExtension();
    invalid(new Uint8Array([...good, 0]));
    invalid(good.subarray(0, good.length - 1));
    invalid(encodePckExtension({ fmspc: new Uint8Array(5) }));
    invalid(encodePckExtension({ pceId: new Uint8Array(3) }));
    invalid(encodePckExtension({ tcbComponents: [256, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }));
    invalid(encodePckExtension({ tcbComponents: [-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }));
    invalid(encodePckExtension({ tcbComponents: [1, 2, 3] }));
    invalid(encodePckExtension({ pceSvn: 0x10000 }));
    const ppid = pair(`${SGX_EXTENSION}.1`, new OctetString({ valueHex: new Uint8Array(16) }));
    const fmspc = pair(`${SGX_EXTENSION}.4`, new OctetString({ valueHex: new Uint8Array(6) }));
    // Missing TCB, repeated FMSPC, an INTEGER where the SGX type's ENUMERATED belongs.
    invalid(new Uint8Array(new Sequence({ value: [ppid, fmspc] }).toBER()));
    const decoded = new Sequence({ value: [ppid, fmspc, fmspc] });
    expect(invalid(new Uint8Array(decoded.toBER())).details).toMatchObject({ oid: `${SGX_EXTENSION}.4` });
    invalid(new Uint8Array(new Integer({ value: 1 }).toBER()));
    const error = invalid(new Uint8Array(0));
    expect(error.message).toContain("SGX extension");
  });

  it("requires the extension on the PCK leaf", () => {
    const pem = new TextDecoder().decode(decodeDcapQuote(SGX_VECTOR.quote).pckChain);
    const intermediate = parseCertificate(decodePemCertificates(pem, fail)[1] as Uint8Array, fail);
    expect(() => pckExtensionOf(intermediate)).toThrow(/missing/);
  });
});
