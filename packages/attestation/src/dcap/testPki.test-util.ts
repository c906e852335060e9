// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata polyfill.
import "reflect-metadata";
import { KeyObject, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { Enumerated, Integer, ObjectIdentifier, OctetString, Sequence } from "asn1js";

/**
 * A throw-away PKI shaped like Intel's (root CA → PCK CA → PCK leaf with the SGX extension; root
 * CA → TCB signing; root and PCK CRLs), for evidence that real quotes cannot give. Keys are P-256,
 * generated with WebCrypto; certificates and CRLs are made by @peculiar/x509, the SGX extension is
 * encoded with asn1js.
 */

/** Re-exported so that tests load @peculiar/x509 only after the polyfill. */
export { x509 };

export const TEST_NOW = 1_800_000_000;
export const DAY = 86_400;
const EC = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export const SGX_EXTENSION = "1.2.840.113741.1.13.1";

export interface PckExtensionSpec {
  readonly ppid?: Uint8Array;
  readonly tcbComponents?: readonly number[];
  readonly pceSvn?: number;
  readonly cpuSvn?: Uint8Array;
  readonly pceId?: Uint8Array;
  readonly fmspc?: Uint8Array;
  readonly sgxType?: number;
}

export const TEST_FMSPC = Uint8Array.of(0x30, 0x60, 0x6a, 0x00, 0x00, 0x00);
export const TEST_TCB_COMPONENTS = [5, 5, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
export const TEST_PCE_SVN = 13;

function pair(oid: string, value: Integer | OctetString | Sequence | Enumerated): Sequence {
  return new Sequence({ value: [new ObjectIdentifier({ value: oid }), value] });
}

function octets(bytes: Uint8Array): OctetString {
  return new OctetString({ valueHex: bytes });
}

/** The SGX extension's DER, as Intel's PCK certificates carry it. */
export function encodePckExtension(spec: PckExtensionSpec = {}): Uint8Array {
  const components = spec.tcbComponents ?? TEST_TCB_COMPONENTS;
  const tcb = new Sequence({
    value: [
      ...components.map((svn, i) => pair(`${SGX_EXTENSION}.2.${i + 1}`, new Integer({ value: svn }))),
      pair(`${SGX_EXTENSION}.2.17`, new Integer({ value: spec.pceSvn ?? TEST_PCE_SVN })),
      pair(`${SGX_EXTENSION}.2.18`, octets(spec.cpuSvn ?? Uint8Array.from(components))),
    ],
  });
  const extension = new Sequence({
    value: [
      pair(`${SGX_EXTENSION}.1`, octets(spec.ppid ?? new Uint8Array(16).fill(0x11))),
      pair(`${SGX_EXTENSION}.2`, tcb),
      pair(`${SGX_EXTENSION}.3`, octets(spec.pceId ?? new Uint8Array(2))),
      pair(`${SGX_EXTENSION}.4`, octets(spec.fmspc ?? TEST_FMSPC)),
      pair(`${SGX_EXTENSION}.5`, new Enumerated({ value: spec.sgxType ?? 0 })),
    ],
  });
  return new Uint8Array(extension.toBER());
}

/** A certificate with its keys: the WebCrypto pair, and the private key as a node KeyObject. */
export interface Issued {
  readonly certificate: x509.X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly privateKey: KeyObject;
  readonly der: Uint8Array;
  readonly pem: string;
}

export interface IssueOptions {
  readonly subject: string;
  /** Omitted: self-signed. */
  readonly issuer?: Issued;
  readonly serial: string;
  readonly ca: boolean;
  readonly usages: x509.KeyUsageFlags;
  readonly notBefore?: number;
  readonly notAfter?: number;
  readonly extensions?: readonly x509.Extension[];
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

export async function issue(options: IssueOptions): Promise<Issued> {
  const keys = await generateKeys();
  const extensions = [
    new x509.BasicConstraintsExtension(options.ca, undefined, true),
    new x509.KeyUsagesExtension(options.usages, true),
    ...(options.extensions ?? []),
  ];
  const common = {
    serialNumber: options.serial,
    notBefore: new Date((options.notBefore ?? TEST_NOW - 365 * DAY) * 1000),
    notAfter: new Date((options.notAfter ?? TEST_NOW + 5 * 365 * DAY) * 1000),
    signingAlgorithm: EC,
    extensions,
  };
  const certificate =
    options.issuer === undefined
      ? await x509.X509CertificateGenerator.createSelfSigned({
          ...common,
          name: options.subject,
          keys,
        })
      : await x509.X509CertificateGenerator.create({
          ...common,
          subject: options.subject,
          issuer: options.issuer.certificate.subjectName,
          publicKey: keys.publicKey,
          signingKey: options.issuer.keys.privateKey,
        });
  return {
    certificate,
    keys,
    privateKey: KeyObject.from(keys.privateKey),
    der: new Uint8Array(certificate.rawData),
    pem: certificate.toString("pem"),
  };
}

export async function issueCrl(
  issuer: Issued,
  revoked: readonly string[] = [],
  window: { thisUpdate?: number; nextUpdate?: number } = {},
): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.certificate.subjectName,
    thisUpdate: new Date((window.thisUpdate ?? TEST_NOW - DAY) * 1000),
    nextUpdate: new Date((window.nextUpdate ?? TEST_NOW + 30 * DAY) * 1000),
    // With a reason, so that the entry's extensions are not an empty SEQUENCE (which RFC 5280 forbids
    // and the verifier's DER check refuses).
    entries: revoked.map((serialNumber) => ({
      serialNumber,
      revocationDate: new Date((TEST_NOW - 2 * DAY) * 1000),
      reason: x509.X509CrlReason.keyCompromise,
    })),
    signingAlgorithm: EC,
    signingKey: issuer.keys.privateKey,
  });
  return new Uint8Array(crl.rawData);
}

export const CA_USAGES = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
export const SIGNER_USAGES = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;

/** The test PKI: one root, one PCK CA, one PCK leaf, one TCB signer, and fresh CRLs. */
export interface TestPki {
  readonly root: Issued;
  readonly ca: Issued;
  readonly pck: Issued;
  readonly tcbSigner: Issued;
  readonly rootCrl: Uint8Array;
  readonly pckCrl: Uint8Array;
  /** Leaf, PCK CA, root: as a quote carries it. */
  readonly pckChainPem: string;
  /** PCK CA, root: the PCK CRL issuer chain. */
  readonly caChainPem: string;
  /** TCB signer, root. */
  readonly tcbChainPem: string;
}

export interface TestPkiOptions {
  readonly pck?: PckExtensionSpec;
  readonly pckNotBefore?: number;
  readonly pckNotAfter?: number;
  /** Names, so that a second PKI can pose as the first one. */
  readonly rootName?: string;
  readonly caName?: string;
}

export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const root = await issue({
    subject: options.rootName ?? "CN=Test SGX Root CA, O=Phala Test",
    serial: "01",
    ca: true,
    usages: CA_USAGES,
  });
  const ca = await issue({
    subject: options.caName ?? "CN=Test SGX PCK Processor CA, O=Phala Test",
    issuer: root,
    serial: "0a",
    ca: true,
    usages: CA_USAGES,
  });
  const pck = await issue({
    subject: "CN=Test SGX PCK Certificate, O=Phala Test",
    issuer: ca,
    serial: "0b01",
    ca: false,
    usages: SIGNER_USAGES,
    notBefore: options.pckNotBefore,
    notAfter: options.pckNotAfter,
    extensions: [new x509.Extension(SGX_EXTENSION, false, encodePckExtension(options.pck))],
  });
  const tcbSigner = await issue({
    subject: "CN=Test SGX TCB Signing, O=Phala Test",
    issuer: root,
    serial: "0c",
    ca: false,
    usages: SIGNER_USAGES,
  });
  return {
    root,
    ca,
    pck,
    tcbSigner,
    rootCrl: await issueCrl(root),
    pckCrl: await issueCrl(ca),
    pckChainPem: pck.pem + "\n" + ca.pem + "\n" + root.pem + "\n",
    caChainPem: ca.pem + "\n" + root.pem + "\n",
    tcbChainPem: tcbSigner.pem + "\n" + root.pem + "\n",
  };
}
