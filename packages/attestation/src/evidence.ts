import { Bytes, type Codec, createCodec, Option, Struct, Variant } from "@polkadot-api/substrate-bindings";
import { decodeCanonical } from "./decodeCanonical.js";
import { AttestationError } from "./errors.js";

/** An SGX DCAP quote (v3, or TDX v4) and, optionally, the collateral it was checked against. */
export interface SgxDcapEvidence {
  readonly quote: Uint8Array;
  readonly collateral: Uint8Array | undefined;
}

/** A legacy EPID attestation: the IAS report JSON, its signature and IAS's signing certificate. */
export interface SgxIasEvidence {
  readonly report: Uint8Array;
  readonly signature: Uint8Array;
  readonly certificate: Uint8Array;
}

/**
 * Evidence that an enclave produced some `report_data`. `Simulated` carries an encoded
 * SimulatedQuote (no SGX: development only); the others carry Intel's formats unchanged.
 */
export type Attestation =
  | { readonly type: "Simulated"; readonly value: Uint8Array }
  | { readonly type: "SgxDcap"; readonly value: SgxDcapEvidence }
  | { readonly type: "SgxIas"; readonly value: SgxIasEvidence };

export type AttestationType = Attestation["type"];

const variant = Variant(
  {
    Simulated: Bytes(),
    SgxDcap: Struct({ quote: Bytes(), collateral: Option(Bytes()) }),
    SgxIas: Struct({ report: Bytes(), signature: Bytes(), certificate: Bytes() }),
  },
  [0, 1, 2],
);

function invalid(reason: string, type: unknown): AttestationError {
  return new AttestationError("ATTESTATION_INVALID_ARGUMENT", `invalid attestation: ${reason}`, {
    type: String(type),
  });
}

/** Throws AttestationError("ATTESTATION_INVALID_ARGUMENT") for an unknown variant or a field that is not bytes. */
export function assertValidAttestation(attestation: Attestation): void {
  const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;
  switch (attestation?.type) {
    case "Simulated":
      if (isBytes(attestation.value)) return;
      throw invalid("Simulated evidence must be bytes", attestation.type);
    case "SgxDcap": {
      const value = attestation.value;
      if (isBytes(value?.quote) && (value.collateral === undefined || isBytes(value.collateral))) return;
      throw invalid("SgxDcap evidence needs a quote and optional collateral as bytes", attestation.type);
    }
    case "SgxIas": {
      const value = attestation.value;
      if (isBytes(value?.report) && isBytes(value.signature) && isBytes(value.certificate)) return;
      throw invalid("SgxIas evidence needs report, signature and certificate as bytes", attestation.type);
    }
  }
  throw invalid("unknown evidence type", (attestation as { type?: unknown } | undefined)?.type);
}

/**
 * SCALE `enum Attestation { Simulated(Vec<u8>) = 0, SgxDcap { quote: Vec<u8>, collateral:
 * Option<Vec<u8>> } = 1, SgxIas { report: Vec<u8>, signature: Vec<u8>, certificate: Vec<u8> } = 2 }`.
 */
export const attestationCodec: Codec<Attestation> = createCodec((attestation: Attestation) => {
  assertValidAttestation(attestation);
  return variant.enc(attestation);
}, variant.dec);

export function encodeAttestation(attestation: Attestation): Uint8Array {
  return attestationCodec.enc(attestation);
}

/** Truncated, over-long, unknown-variant or non-canonical input → ScaleDecodeError. */
export function decodeAttestation(bytes: Uint8Array): Attestation {
  return decodeCanonical(attestationCodec, bytes, "Attestation");
}
