import { readFileSync } from "node:fs";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificateList } from "@peculiar/asn1-x509";
import {
  Boolean as AsnBoolean,
  Set as AsnSet,
  type BaseBlock,
  fromBER,
  GeneralizedTime,
  Integer,
  Null,
  OctetString,
  Primitive,
  Sequence,
  UTCTime,
} from "asn1js";
import { describe, expect, it } from "vitest";
import { SHARED_VECTORS_DIR } from "../../../core/src/testing/sharedVectors.test-util.js";
import { SGX_VECTOR, TDX_VECTOR } from "../dcap/realVectors.test-util.js";
import { AttestationError } from "../errors.js";
import { parseCertificate, serialHex } from "./certificate.js";
import { parseCrl } from "./crl.js";
import { clearParseCaches } from "./parseCache.js";
import { decodePemCertificates } from "./pem.js";

/**
 * Certificates and CRLs are accepted in DER only: the same values in another BER encoding (long or
 * indefinite lengths, a constructed string, a BOOLEAN other than 0xFF, an explicit DEFAULT, a padded
 * INTEGER) are refused. The variants are built by editing asn1js's tree of the real DER and
 * re-encoding it (asn1js keeps the edited flags), so each differs from the original in one place.
 */

const malformed = (message: string) => new AttestationError("DCAP_COLLATERAL_MALFORMED", message);

const rootDer = decodePemCertificates(
  readFileSync(`${SHARED_VECTORS_DIR}/attestation/Intel_SGX_Provisioning_Certification_RootCA.pem`, "utf8"),
  malformed,
)[0] as Uint8Array;
/** The PCK leaf of the TDX quote (it carries Intel's SGX extension). */
const pckLeafDer = decodePemCertificates(
  Buffer.from(TDX_VECTOR.quote).toString("latin1").slice(Buffer.from(TDX_VECTOR.quote).indexOf("-----BEGIN")),
  malformed,
)[0] as Uint8Array;
const rootCrlDer = new Uint8Array(Buffer.from(SGX_VECTOR.collateral.root_ca_crl as string, "hex"));
const pckCrlDer = new Uint8Array(Buffer.from(TDX_VECTOR.collateral.pck_crl as string, "hex"));

type Block = BaseBlock & { valueBlock: { value: Block[]; isIndefiniteForm?: boolean } };

/** `der` re-encoded by asn1js after `edit` changed its tree. */
function reencoded(der: Uint8Array, edit: (top: Block) => void): Uint8Array {
  const { offset, result } = fromBER(Uint8Array.from(der));
  expect(offset).toBe(der.length);
  expect(new Uint8Array(result.toBER())).toEqual(der);
  // asn1js keeps (and its encoder sets) the long form on every length that was once 128 or more,
  // even where an edit shortens it; it picks the long form itself for longer content, so clear it
  // everywhere and leave only the deliberate edits to set it.
  const shortForm = (block: Block) => {
    if (block.lenBlock === undefined) return; // an OBJECT IDENTIFIER's arcs are no blocks
    block.lenBlock.longFormUsed = false;
    if (Array.isArray(block.valueBlock.value)) block.valueBlock.value.forEach(shortForm);
  };
  shortForm(result as Block);
  edit(result as Block);
  const changed = new Uint8Array(result.toBER());
  expect(changed).not.toEqual(der);
  return changed;
}

const child = (block: Block, ...path: number[]): Block =>
  path.reduce((node, index) => node.valueBlock.value[index] as Block, block);

/** tbsCertificate's extensions (SEQUENCE OF Extension inside [3]). */
const extensionsOf = (certificate: Block): Block[] => child(certificate, 0, 7, 0).valueBlock.value;

function longLength(block: Block): void {
  block.lenBlock.longFormUsed = true;
}

function indefiniteLength(block: Block): void {
  block.lenBlock.isIndefiniteForm = true;
  block.valueBlock.isIndefiniteForm = true;
}

/** The outer SEQUENCE's length with a needless leading zero octet (0x82 LL LL → 0x83 00 LL LL). */
function paddedOuterLength(der: Uint8Array): Uint8Array {
  expect(der[1]).toBe(0x82);
  return Uint8Array.from([der[0] as number, 0x83, 0x00, ...der.subarray(2)]);
}

function refused(parse: () => unknown): void {
  clearParseCaches();
  expect(parse).toThrow(/canonical DER|not valid DER/);
}

describe("certificates: DER only", () => {
  const variants: Record<string, (der: Uint8Array) => Uint8Array> = {
    "a long-form length below 128": (der) => reencoded(der, (top) => longLength(child(top, 0, 4))),
    "a long-form length on a primitive": (der) => reencoded(der, (top) => longLength(child(top, 0, 1))),
    "an indefinite length": (der) => reencoded(der, (top) => indefiniteLength(child(top, 0, 4))),
    "an indefinite outer length": (der) => reencoded(der, (top) => indefiniteLength(top)),
    "a length with a leading zero octet": paddedOuterLength,
    "an explicit DEFAULT (critical FALSE)": (der) =>
      reencoded(der, (top) => {
        const extension = extensionsOf(top).find((e) => e.valueBlock.value.length === 2) as Block;
        extension.valueBlock.value.splice(1, 0, new AsnBoolean({ value: false }) as unknown as Block);
      }),
    "a constructed OCTET STRING": (der) =>
      reencoded(der, (top) => {
        const extension = extensionsOf(top)[0] as Block;
        const value = extension.valueBlock.value[1] as unknown as OctetString;
        const bytes = value.valueBlock.valueHexView;
        extension.valueBlock.value[1] = new OctetString({
          value: [new OctetString({ valueHex: bytes.slice(0, 2) }), new OctetString({ valueHex: bytes.slice(2) })],
        }) as unknown as Block;
      }),
    "trailing bytes": (der) => Uint8Array.from([...der, 0]),
  };

  for (const [name, variant] of Object.entries(variants)) {
    it(`refuse ${name}`, () => {
      for (const der of [rootDer, pckLeafDer]) {
        clearParseCaches();
        expect(parseCertificate(der, malformed).der).toEqual(der);
        refused(() => parseCertificate(variant(der), malformed));
      }
    });
  }

  it("refuse a BOOLEAN other than 0xFF (basicConstraints critical = 0x01)", () => {
    const variant = reencoded(rootDer, (top) => {
      const critical = extensionsOf(top)
        .map((e) => e.valueBlock.value[1])
        .find((b) => b instanceof AsnBoolean) as unknown as AsnBoolean;
      critical.valueBlock.valueHexView = Uint8Array.of(1);
    });
    refused(() => parseCertificate(variant, malformed));
  });

  it("refuse an INTEGER with a needless leading zero (version)", () => {
    const variant = reencoded(rootDer, (top) => {
      const version = child(top, 0, 0, 0) as unknown as { valueBlock: { valueHexView: Uint8Array } };
      version.valueBlock.valueHexView = Uint8Array.of(0, ...version.valueBlock.valueHexView);
    });
    refused(() => parseCertificate(variant, malformed));
  });
});

describe("CRLs: DER only", () => {
  const both = [rootCrlDer, pckCrlDer];
  /** Variants and the CRLs they apply to (the root CA's CRL revokes nothing). */
  const variants: Record<string, [(der: Uint8Array) => Uint8Array, Uint8Array[]]> = {
    "a long-form length below 128 (issuer)": [(der) => reencoded(der, (top) => longLength(child(top, 0, 2))), both],
    "a long-form length in a revoked entry": [
      (der) => reencoded(der, (top) => longLength(child(top, 0, 5, 0))),
      [pckCrlDer],
    ],
    "an indefinite length": [(der) => reencoded(der, (top) => indefiniteLength(child(top, 0, 2))), both],
    "an indefinite length in the revoked list": [
      (der) => reencoded(der, (top) => indefiniteLength(child(top, 0, 5))),
      [pckCrlDer],
    ],
    "a length with a leading zero octet": [paddedOuterLength, [pckCrlDer]],
    "trailing bytes": [(der) => Uint8Array.from([...der, 0]), both],
  };

  for (const [name, [variant, crls]] of Object.entries(variants)) {
    it(`refuse ${name}`, () => {
      for (const der of crls) {
        clearParseCaches();
        expect(parseCrl(der, malformed).der).toEqual(der);
        refused(() => parseCrl(variant(der), malformed));
      }
    });
  }

  it("refuse an explicit DEFAULT inside a revoked entry's extension", () => {
    const variant = reencoded(pckCrlDer, (top) => {
      const extension = child(top, 0, 5, 0, 2, 0);
      expect(extension).toBeInstanceOf(Sequence);
      extension.valueBlock.value.splice(1, 0, new AsnBoolean({ value: false }) as unknown as Block);
    });
    refused(() => parseCrl(variant, malformed));
  });
});

/**
 * `parseCrl` maps the revoked entries itself and round-trips their repeated dates and extensions once
 * each; it must accept exactly the CRLs that the plain round trip (`AsnConvert.parse` of the whole
 * CRL, serialised back to the same bytes) accepts, and read the same serial numbers from them.
 */
describe("CRLs: revoked entries", () => {
  function reference(der: Uint8Array): string[] | undefined {
    try {
      const asn = AsnConvert.parse(der, CertificateList);
      if (!Buffer.from(AsnConvert.serialize(asn)).equals(Buffer.from(der))) return undefined;
      return (asn.tbsCertList.revokedCertificates ?? []).map((entry) => serialHex(entry.userCertificate));
    } catch {
      return undefined;
    }
  }

  function ours(der: Uint8Array): string[] | undefined {
    clearParseCaches();
    try {
      return [...parseCrl(der, malformed).revoked];
    } catch (error) {
      expect((error as Error).message).toMatch(/canonical DER|not valid DER/);
      return undefined;
    }
  }

  const entry = (top: Block, index: number) => child(top, 0, 5, index);
  const date = (top: Block, index = 0) => child(top, 0, 5, index, 1);
  const extensionList = (top: Block, index = 0) => child(top, 0, 5, index, 2);
  const replaceChild = (parent: Block, index: number, block: unknown) => {
    parent.valueBlock.value[index] = block as Block;
  };
  const revocationDate = new Date(Date.UTC(2025, 5, 19, 10, 0, 35));

  const variants: Record<string, [expected: "accepted" | "refused", edit: (top: Block) => void]> = {
    "a long-form length on a revocation date": ["refused", (top) => longLength(date(top))],
    "a long-form length on a second entry's date only": ["refused", (top) => longLength(date(top, 1))],
    "a long-form length on an entry extension": ["refused", (top) => longLength(child(extensionList(top), 0))],
    "a long-form length on an entry's extension list": ["refused", (top) => longLength(extensionList(top))],
    "an indefinite length on an entry's extension list": ["refused", (top) => indefiniteLength(extensionList(top))],
    "an indefinite length on an entry": ["refused", (top) => indefiniteLength(entry(top, 0))],
    "an entry without extensions": ["accepted", (top) => entry(top, 0).valueBlock.value.splice(2, 1)],
    "an entry with an empty extension list": ["refused", (top) => detach(extensionList(top))],
    "an entry with a fourth element": ["refused", (top) => entry(top, 0).valueBlock.value.push(new Null() as never)],
    "an entry with one element": ["refused", (top) => entry(top, 0).valueBlock.value.splice(1, 2)],
    "a revocation date as GeneralizedTime": [
      "accepted",
      (top) => replaceChild(entry(top, 0), 1, new GeneralizedTime({ valueDate: revocationDate })),
    ],
    "another revocation date": [
      "accepted",
      (top) => replaceChild(entry(top, 0), 1, new UTCTime({ valueDate: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })),
    ],
    "a revocation date without seconds": [
      "refused",
      (top) =>
        replaceChild(
          entry(top, 0),
          1,
          new Primitive({ idBlock: { tagClass: 1, tagNumber: 23 }, valueHex: Buffer.from("2506191000Z") }),
        ),
    ],
    "a revocation date that is an OCTET STRING": [
      "refused",
      (top) => replaceChild(entry(top, 0), 1, new OctetString({ valueHex: Buffer.from("250619100035Z") })),
    ],
    "a serial number with a leading zero octet": [
      "accepted",
      (top) => {
        const serial = child(entry(top, 0), 0) as unknown as Integer;
        serial.valueBlock.valueHexView = Uint8Array.of(0, ...serial.valueBlock.valueHexView);
      },
    ],
    "an entry that is an INTEGER": ["refused", (top) => replaceChild(child(top, 0, 5), 0, new Integer({ value: 7 }))],
    "an extension list with an INTEGER in it": [
      "refused",
      (top) => extensionList(top).valueBlock.value.push(new Integer({ value: 1 }) as never),
    ],
    "an extension list that is a SET": [
      "refused",
      (top) => replaceChild(entry(top, 0), 2, new AsnSet({ value: extensionList(top).valueBlock.value })),
    ],
    "an extension marked critical with 0xFF": [
      "accepted",
      (top) => child(extensionList(top), 0).valueBlock.value.splice(1, 0, new AsnBoolean({ value: true }) as never),
    ],
    "an extension marked critical with 0x01": [
      "refused",
      (top) => {
        const critical = new AsnBoolean({ value: true });
        critical.valueBlock.valueHexView = Uint8Array.of(1);
        child(extensionList(top), 0).valueBlock.value.splice(1, 0, critical as never);
      },
    ],
    "an explicit critical FALSE on an extension": [
      "refused",
      (top) => child(extensionList(top), 0).valueBlock.value.splice(1, 0, new AsnBoolean({ value: false }) as never),
    ],
    "an empty revoked list": ["refused", (top) => detach(child(top, 0, 5))],
    "a single entry": ["accepted", (top) => child(top, 0, 5).valueBlock.value.splice(1)],
    "a single entry in a list that keeps a long-form length": [
      "refused",
      (top) => {
        child(top, 0, 5).valueBlock.value.splice(1);
        longLength(child(top, 0, 5));
      },
    ],
    "two entries swapped": [
      "accepted",
      (top) => {
        const list = child(top, 0, 5).valueBlock.value;
        [list[0], list[1]] = [list[1] as Block, list[0] as Block];
      },
    ],
    "the revoked list after the CRL extensions": [
      "refused",
      (top) => {
        const fields = child(top, 0).valueBlock.value;
        fields.push(...fields.splice(5, 1));
      },
    ],
  };

  function detach(block: Block): void {
    block.valueBlock.value = [];
  }

  it("accept the real CRLs, with the serial numbers the plain round trip reads", () => {
    for (const der of [rootCrlDer, pckCrlDer]) {
      expect(ours(der)).toEqual(reference(der));
      expect(ours(der)).toBeDefined();
    }
    expect(ours(pckCrlDer)?.length).toBe(44);
  });

  for (const [name, [expected, edit]] of Object.entries(variants)) {
    it(`${expected === "accepted" ? "accept" : "refuse"} ${name}, as the plain round trip does`, () => {
      const variant = reencoded(pckCrlDer, edit);
      const plain = reference(variant);
      expect(plain === undefined ? "refused" : "accepted").toBe(expected);
      expect(ours(variant)).toEqual(plain);
    });
  }
});
