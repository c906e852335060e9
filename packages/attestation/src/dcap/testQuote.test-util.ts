import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { concatBytes, sha256, utf8 } from "@phala-ts/core";
import { DAY, TEST_FMSPC, TEST_NOW, TEST_PCE_SVN, TEST_TCB_COMPONENTS, type TestPki } from "./testPki.test-util.js";

/** Quotes and collateral signed by a test PKI, byte for byte in Intel's formats. */

const INTEL_QE_VENDOR_ID = Uint8Array.from(Buffer.from("939a7233f79c4ca9940a0db3957f0607", "hex"));
export const TEST_QE_MRSIGNER = new Uint8Array(32).fill(0x8c);
export const TEST_QE_ISVSVN = 8;

export interface SgxReportFields {
  readonly cpuSvn: Uint8Array;
  readonly miscSelect: number;
  readonly attributes: Uint8Array;
  readonly mrEnclave: Uint8Array;
  readonly mrSigner: Uint8Array;
  readonly isvProdId: number;
  readonly isvSvn: number;
  readonly reportData: Uint8Array;
}

export interface TdReportFields {
  readonly teeTcbSvn: Uint8Array;
  readonly mrSeam: Uint8Array;
  readonly mrSignerSeam: Uint8Array;
  readonly seamAttributes: Uint8Array;
  readonly tdAttributes: Uint8Array;
  readonly xfam: Uint8Array;
  readonly mrTd: Uint8Array;
  readonly rtmr0: Uint8Array;
  readonly rtmr3: Uint8Array;
  readonly reportData: Uint8Array;
  readonly teeTcbSvn2: Uint8Array;
  readonly mrServiceTd: Uint8Array;
}

function u16(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, value >>> 8);
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

export const TEST_MRENCLAVE = new Uint8Array(32).fill(0xe1);
export const TEST_MRSIGNER = new Uint8Array(32).fill(0x51);
export const TEST_REPORT_DATA = new Uint8Array(64).map((_, i) => i);

export function encodeSgxReport(fields: Partial<SgxReportFields> = {}): Uint8Array {
  const out = new Uint8Array(384);
  out.set(fields.cpuSvn ?? Uint8Array.from(TEST_TCB_COMPONENTS), 0);
  out.set(u32(fields.miscSelect ?? 0), 16);
  out.set(fields.attributes ?? Uint8Array.of(0x05, 0, 0, 0, 0, 0, 0, 0, 0x03), 48);
  out.set(fields.mrEnclave ?? TEST_MRENCLAVE, 64);
  out.set(fields.mrSigner ?? TEST_MRSIGNER, 128);
  out.set(u16(fields.isvProdId ?? 3), 256);
  out.set(u16(fields.isvSvn ?? 2), 258);
  out.set(fields.reportData ?? TEST_REPORT_DATA, 320);
  return out;
}

export const TEST_TEE_TCB_SVN = Uint8Array.of(4, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
export const TEST_MRTD = new Uint8Array(48).fill(0x7d);

export function encodeTdReport(fields: Partial<TdReportFields>, version: "1.0" | "1.5"): Uint8Array {
  const out = new Uint8Array(version === "1.0" ? 584 : 648);
  out.set(fields.teeTcbSvn ?? TEST_TEE_TCB_SVN, 0);
  out.set(fields.mrSeam ?? new Uint8Array(48).fill(0x5e), 16);
  out.set(fields.mrSignerSeam ?? new Uint8Array(48), 64);
  out.set(fields.seamAttributes ?? new Uint8Array(8), 112);
  out.set(fields.tdAttributes ?? Uint8Array.of(0, 0, 0, 0x10, 0, 0, 0, 0), 120);
  out.set(fields.xfam ?? Uint8Array.of(0xe7, 0x02, 0x06, 0, 0, 0, 0, 0), 128);
  out.set(fields.mrTd ?? TEST_MRTD, 136);
  out.set(fields.rtmr0 ?? new Uint8Array(48).fill(0xa0), 328);
  out.set(fields.rtmr3 ?? new Uint8Array(48).fill(0xa3), 472);
  out.set(fields.reportData ?? TEST_REPORT_DATA, 520);
  if (version === "1.5") {
    out.set(fields.teeTcbSvn2 ?? fields.teeTcbSvn ?? TEST_TEE_TCB_SVN, 584);
    out.set(fields.mrServiceTd ?? new Uint8Array(48), 600);
  }
  return out;
}

export interface QuoteSpec {
  /** `sgx` is a v3 quote, `td10` a v4 one (or v5 with `version: 5`), `td15` a v5 one. */
  readonly tee?: "sgx" | "td10" | "td15";
  readonly version?: 4 | 5;
  readonly enclave?: Partial<SgxReportFields>;
  readonly td?: Partial<TdReportFields>;
  readonly qe?: Partial<SgxReportFields>;
  readonly qeAuthData?: Uint8Array;
  /** Replaces the QE report data that binds the attestation key. */
  readonly qeReportData?: Uint8Array;
  readonly qeVendorId?: Uint8Array;
  readonly userData?: Uint8Array;
  readonly pckChainPem?: string;
  /** Signs the QE report; default the PKI's PCK leaf. */
  readonly pckKey?: KeyObject;
}

function rawP256(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: "jwk" });
  return concatBytes(Buffer.from(jwk.x as string, "base64url"), Buffer.from(jwk.y as string, "base64url"));
}

function signRaw(key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign("sha256", data, { key, dsaEncoding: "ieee-p1363" }));
}

/** A complete quote: header and body signed by a fresh attestation key, the QE report by the PCK key. */
export function buildQuote(pki: TestPki, spec: QuoteSpec = {}): Uint8Array {
  const tee = spec.tee ?? "sgx";
  const version = tee === "sgx" ? 3 : tee === "td15" ? 5 : (spec.version ?? 4);
  const header = concatBytes(
    u16(version),
    u16(2),
    u32(tee === "sgx" ? 0 : 0x81),
    u16(0),
    u16(0),
    spec.qeVendorId ?? INTEL_QE_VENDOR_ID,
    spec.userData ?? new Uint8Array(20).fill(0x0d),
  );
  let body: Uint8Array;
  if (tee === "sgx") body = encodeSgxReport(spec.enclave);
  else {
    const report = encodeTdReport(spec.td ?? {}, tee === "td15" ? "1.5" : "1.0");
    body = version === 5 ? concatBytes(u16(tee === "td15" ? 3 : 2), u32(report.length), report) : report;
  }
  const signed = concatBytes(header, body);
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const attestationKey = rawP256(publicKey);
  const qeAuthData = spec.qeAuthData ?? new Uint8Array(32).map((_, i) => 0xa0 + i);
  const qeReportData = new Uint8Array(64);
  qeReportData.set(spec.qeReportData ?? sha256(concatBytes(attestationKey, qeAuthData)));
  const qeReport = encodeSgxReport({
    cpuSvn: Uint8Array.from(TEST_TCB_COMPONENTS),
    attributes: Uint8Array.of(0x11),
    mrSigner: TEST_QE_MRSIGNER,
    isvProdId: tee === "sgx" ? 1 : 2,
    isvSvn: TEST_QE_ISVSVN,
    mrEnclave: new Uint8Array(32).fill(0x9e),
    ...spec.qe,
    reportData: qeReportData,
  });
  const pem = utf8(spec.pckChainPem ?? pki.pckChainPem);
  const pckChain = concatBytes(u16(5), u32(pem.length), pem);
  const qeCertification = concatBytes(
    qeReport,
    signRaw(spec.pckKey ?? pki.pck.privateKey, qeReport),
    u16(qeAuthData.length),
    qeAuthData,
    pckChain,
  );
  const certification =
    version === 3 ? qeCertification : concatBytes(u16(6), u32(qeCertification.length), qeCertification);
  const signatureData = concatBytes(signRaw(privateKey, signed), attestationKey, certification);
  return concatBytes(signed, u32(signatureData.length), signatureData);
}

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").toUpperCase();
}

export interface LevelSpec {
  readonly status: string;
  readonly advisories?: readonly string[];
  readonly sgx?: readonly number[];
  readonly pceSvn?: number;
  readonly tdx?: readonly number[];
}

export const TEST_TDX_COMPONENTS = [4, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

/** TCB info in Intel's v3 shape; levels default to UpToDate for the test platform, then OutOfDate. */
export function testTcbInfo(
  options: {
    id?: "SGX" | "TDX";
    levels?: readonly LevelSpec[];
    fmspc?: Uint8Array;
    pceId?: string;
    issueDate?: number;
    nextUpdate?: number;
    tdxModuleMrSigner?: Uint8Array;
    moduleLevels?: readonly { isvsvn: number; status: string; advisories?: string[] }[];
  } = {},
): Record<string, unknown> {
  const id = options.id ?? "SGX";
  const levels = options.levels ?? [
    { status: "UpToDate" },
    {
      status: "OutOfDate",
      advisories: ["INTEL-SA-00001"],
      sgx: [4, 4, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      tdx: [2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    },
  ];
  return {
    id,
    version: 3,
    issueDate: isoDate(options.issueDate ?? TEST_NOW - DAY),
    nextUpdate: isoDate(options.nextUpdate ?? TEST_NOW + 30 * DAY),
    fmspc: hex(options.fmspc ?? TEST_FMSPC),
    pceId: options.pceId ?? "0000",
    tcbType: 0,
    tcbEvaluationDataNumber: 17,
    ...(id === "TDX"
      ? {
          tdxModule: {
            mrsigner: hex(new Uint8Array(48)),
            attributes: "0000000000000000",
            attributesMask: "FFFFFFFFFFFFFFFF",
          },
          tdxModuleIdentities: [
            {
              id: "TDX_01",
              mrsigner: hex(options.tdxModuleMrSigner ?? new Uint8Array(48)),
              attributes: "0000000000000000",
              attributesMask: "FFFFFFFFFFFFFFFF",
              tcbLevels: (
                options.moduleLevels ?? [
                  { isvsvn: 4, status: "UpToDate" },
                  { isvsvn: 2, status: "OutOfDate", advisories: ["INTEL-SA-01036"] },
                ]
              ).map((level) => ({
                tcb: { isvsvn: level.isvsvn },
                tcbDate: "2024-03-13T00:00:00Z",
                tcbStatus: level.status,
                ...(level.advisories === undefined ? {} : { advisoryIDs: level.advisories }),
              })),
            },
          ],
        }
      : {}),
    tcbLevels: levels.map((level) => ({
      tcb: {
        sgxtcbcomponents: (level.sgx ?? TEST_TCB_COMPONENTS).map((svn) => ({ svn })),
        pcesvn: level.pceSvn ?? TEST_PCE_SVN,
        ...(id === "TDX" ? { tdxtcbcomponents: (level.tdx ?? TEST_TDX_COMPONENTS).map((svn) => ({ svn })) } : {}),
      },
      tcbDate: "2024-03-13T00:00:00Z",
      tcbStatus: level.status,
      ...(level.advisories === undefined ? {} : { advisoryIDs: level.advisories }),
    })),
  };
}

/** QE identity in Intel's v2 shape for the test QE (ISVSVN 8 UpToDate, 6 OutOfDate). */
export function testQeIdentity(
  options: {
    id?: "QE" | "TD_QE";
    levels?: readonly { isvsvn: number; status: string; advisories?: string[] }[];
    mrSigner?: Uint8Array;
    isvProdId?: number;
  } = {},
): Record<string, unknown> {
  const id = options.id ?? "QE";
  return {
    id,
    version: 2,
    issueDate: isoDate(TEST_NOW - DAY),
    nextUpdate: isoDate(TEST_NOW + 30 * DAY),
    tcbEvaluationDataNumber: 17,
    miscselect: "00000000",
    miscselectMask: "FFFFFFFF",
    attributes: "11000000000000000000000000000000",
    attributesMask: "FBFFFFFFFFFFFFFF0000000000000000",
    mrsigner: hex(options.mrSigner ?? TEST_QE_MRSIGNER),
    isvprodid: options.isvProdId ?? (id === "QE" ? 1 : 2),
    tcbLevels: (
      options.levels ?? [
        { isvsvn: TEST_QE_ISVSVN, status: "UpToDate" },
        { isvsvn: 6, status: "OutOfDate", advisories: ["INTEL-SA-00615"] },
      ]
    ).map((level) => ({
      tcb: { isvsvn: level.isvsvn },
      tcbDate: "2024-03-13T00:00:00Z",
      tcbStatus: level.status,
      ...(level.advisories === undefined ? {} : { advisoryIDs: level.advisories }),
    })),
  };
}

export interface CollateralSpec {
  readonly tcbInfo?: Record<string, unknown> | string;
  readonly qeIdentity?: Record<string, unknown> | string;
  readonly rootCrl?: Uint8Array;
  readonly pckCrl?: Uint8Array;
  readonly tcbChainPem?: string;
  readonly qeChainPem?: string;
  readonly pckCrlChainPem?: string;
  /** Signs TCB info and QE identity; default the PKI's TCB signer. */
  readonly signer?: KeyObject;
}

/** Collateral JSON (snake_case, as `@phala/dcap-qvl` writes it) signed by the test PKI. */
export function buildCollateral(pki: TestPki, spec: CollateralSpec = {}): Record<string, string> {
  const text = (value: Record<string, unknown> | string) => (typeof value === "string" ? value : JSON.stringify(value));
  const tcbInfo = text(spec.tcbInfo ?? testTcbInfo());
  const qeIdentity = text(spec.qeIdentity ?? testQeIdentity());
  const signer = spec.signer ?? pki.tcbSigner.privateKey;
  return {
    pck_crl_issuer_chain: spec.pckCrlChainPem ?? pki.caChainPem,
    root_ca_crl: Buffer.from(spec.rootCrl ?? pki.rootCrl).toString("hex"),
    pck_crl: Buffer.from(spec.pckCrl ?? pki.pckCrl).toString("hex"),
    tcb_info_issuer_chain: spec.tcbChainPem ?? pki.tcbChainPem,
    tcb_info: tcbInfo,
    tcb_info_signature: Buffer.from(signRaw(signer, utf8(tcbInfo))).toString("hex"),
    qe_identity_issuer_chain: spec.qeChainPem ?? pki.tcbChainPem,
    qe_identity: qeIdentity,
    qe_identity_signature: Buffer.from(signRaw(signer, utf8(qeIdentity))).toString("hex"),
  };
}
