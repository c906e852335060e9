import {
  concatBytes,
  decodeExact,
  type Ed25519Keypair,
  ed25519Verify,
  equalBytes,
  ScaleDecodeError,
  toHex,
  utf8,
} from "@phala-ts/core";
import { Bytes, bool, type Codec, createCodec, Struct, u16 } from "@polkadot-api/substrate-bindings";
import { decodeCanonical } from "../decodeCanonical.js";
import { AttestationError } from "../errors.js";
import { simQuotingKeypair } from "./simQuotingKey.js";

export const SIMULATED_QUOTE_VERSION = 1;
export const SIMULATED_QUOTE_DOMAIN = "phala/sim-quote/v1";
export const MEASUREMENT_LENGTH = 32;
export const REPORT_DATA_LENGTH = 64;
const PUBLIC_KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;

/** What a simulated enclave reports about itself, in the shape of an SGX report body. */
export interface SimulatedReportBody {
  readonly version: number;
  /** The code identity: in simulation, the hash of the built pRuntime bundle. */
  readonly measurement: Uint8Array;
  /** The 64 bytes the enclave binds into the quote (e.g. a hash of its public keys). */
  readonly reportData: Uint8Array;
  readonly debug: boolean;
}

/** A report body signed by a simulated quoting key: `signature` is Ed25519 by `signer`. */
export interface SimulatedQuote {
  readonly body: SimulatedReportBody;
  readonly signer: Uint8Array;
  readonly signature: Uint8Array;
}

export interface SimulatedQuoteInput {
  readonly measurement: Uint8Array;
  readonly reportData: Uint8Array;
  readonly debug: boolean;
}

/** What a verified simulated quote establishes. */
export interface VerifiedSimulatedQuote {
  readonly kind: "simulated";
  readonly measurement: Uint8Array;
  readonly reportData: Uint8Array;
  readonly debug: boolean;
}

const bodyCodec = Struct({
  version: u16,
  measurement: Bytes(MEASUREMENT_LENGTH),
  reportData: Bytes(REPORT_DATA_LENGTH),
  debug: bool,
});

const quoteStruct = Struct({
  body: bodyCodec,
  signer: Bytes(PUBLIC_KEY_LENGTH),
  signature: Bytes(SIGNATURE_LENGTH),
});

function invalid(reason: string, details: Record<string, unknown> = {}): AttestationError {
  return new AttestationError("ATTESTATION_INVALID_ARGUMENT", `invalid simulated quote: ${reason}`, details);
}

function assertBytes(value: unknown, length: number, what: string): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw invalid(`${what} must be ${length} bytes`, {
      what,
      expected: length,
      actual: value instanceof Uint8Array ? value.length : -1,
    });
  }
}

function assertValidBody(body: SimulatedReportBody): void {
  if (!Number.isInteger(body?.version) || body.version < 0 || body.version > 0xffff) {
    throw invalid("version must be a u16", { version: String(body?.version) });
  }
  assertBytes(body.measurement, MEASUREMENT_LENGTH, "measurement");
  assertBytes(body.reportData, REPORT_DATA_LENGTH, "reportData");
  if (typeof body.debug !== "boolean") throw invalid("debug must be a boolean");
}

// Bytes(n) would silently truncate or shorten a wrong-length field, so the encoder checks first.
/** SCALE `{body: {version: u16, measurement: [u8; 32], reportData: [u8; 64], debug: bool}, signer: [u8; 32], signature: [u8; 64]}`. */
export const simulatedQuoteCodec: Codec<SimulatedQuote> = createCodec((quote: SimulatedQuote) => {
  assertValidBody(quote?.body);
  assertBytes(quote.signer, PUBLIC_KEY_LENGTH, "signer");
  assertBytes(quote.signature, SIGNATURE_LENGTH, "signature");
  return quoteStruct.enc(quote);
}, quoteStruct.dec);

const DOMAIN_BYTES = utf8(SIMULATED_QUOTE_DOMAIN);

/** The signed bytes: utf8(SIMULATED_QUOTE_DOMAIN) ++ SCALE(body). */
export function simulatedQuoteSigningPayload(body: SimulatedReportBody): Uint8Array {
  assertValidBody(body);
  return concatBytes(DOMAIN_BYTES, bodyCodec.enc(body));
}

export function encodeSimulatedQuote(quote: SimulatedQuote): Uint8Array {
  return simulatedQuoteCodec.enc(quote);
}

/** Truncated, over-long or non-canonical input (e.g. a `debug` byte other than 0 or 1) → ScaleDecodeError. */
export function decodeSimulatedQuote(bytes: Uint8Array): SimulatedQuote {
  return decodeCanonical(simulatedQuoteCodec, bytes, "SimulatedQuote");
}

/**
 * A simulated quote of `input`, signed by `signer` (by default the well-known simulated quoting
 * key, `SIM_QUOTING_KEY_URI`). Returns the encoded quote.
 */
export function createSimulatedQuote(
  input: SimulatedQuoteInput,
  signer: Ed25519Keypair = simQuotingKeypair(),
): Uint8Array {
  const body: SimulatedReportBody = {
    version: SIMULATED_QUOTE_VERSION,
    measurement: input?.measurement,
    reportData: input?.reportData,
    debug: input?.debug,
  };
  const signature = signer.sign(simulatedQuoteSigningPayload(body));
  return encodeSimulatedQuote({ body, signer: signer.publicKey, signature });
}

function malformed(cause: unknown, length: number): AttestationError {
  return new AttestationError(
    "ATTESTATION_MALFORMED",
    "malformed simulated quote",
    { length, reason: cause instanceof ScaleDecodeError ? cause.code : String(cause) },
    { cause },
  );
}

/**
 * Checks a simulated quote: format version, encoding, that `signer` is one of `trustedSigners`, and
 * the signature. Throws AttestationError (ATTESTATION_MALFORMED, ATTESTATION_UNSUPPORTED_VERSION,
 * ATTESTATION_UNTRUSTED_SIGNER, ATTESTATION_BAD_SIGNATURE). Which measurements to accept is policy,
 * left to the caller.
 */
export function verifySimulatedQuote(bytes: Uint8Array, trustedSigners: readonly Uint8Array[]): VerifiedSimulatedQuote {
  if (!(bytes instanceof Uint8Array)) throw malformed("input is not bytes", -1);
  // The version comes first so that a later format can change everything after it.
  if (bytes.length >= 2) {
    const version = decodeExact(u16.dec, bytes.slice(0, 2), "SimulatedQuote version");
    if (version !== SIMULATED_QUOTE_VERSION) {
      throw new AttestationError(
        "ATTESTATION_UNSUPPORTED_VERSION",
        `simulated quote version ${version} is not supported (expected ${SIMULATED_QUOTE_VERSION})`,
        { version, expected: SIMULATED_QUOTE_VERSION },
      );
    }
  }
  let quote: SimulatedQuote;
  try {
    quote = decodeSimulatedQuote(bytes);
  } catch (cause) {
    if (cause instanceof ScaleDecodeError) throw malformed(cause, bytes.length);
    throw cause;
  }
  const { body, signer, signature } = quote;
  if (!trustedSigners.some((trusted) => trusted instanceof Uint8Array && equalBytes(trusted, signer))) {
    throw new AttestationError("ATTESTATION_UNTRUSTED_SIGNER", "simulated quote is signed by an untrusted key", {
      signer: toHex(signer),
    });
  }
  if (!ed25519Verify(signature, simulatedQuoteSigningPayload(body), signer)) {
    throw new AttestationError("ATTESTATION_BAD_SIGNATURE", "simulated quote signature does not verify");
  }
  return { kind: "simulated", measurement: body.measurement, reportData: body.reportData, debug: body.debug };
}
