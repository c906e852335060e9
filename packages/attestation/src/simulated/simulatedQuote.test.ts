import { ed25519FromSeed, keypairFromUri, ScaleDecodeError, utf8 } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { expectRejectsTruncatedAndOverlong } from "../../../core/src/testing/decoderProperties.test-util.js";
import { AttestationError, type AttestationErrorCode } from "../errors.js";
import { SIM_QUOTING_KEY_URI, simQuotingPublicKey } from "./simQuotingKey.js";
import {
  createSimulatedQuote,
  decodeSimulatedQuote,
  encodeSimulatedQuote,
  SIMULATED_QUOTE_DOMAIN,
  type SimulatedReportBody,
  simulatedQuoteSigningPayload,
  verifySimulatedQuote,
} from "./simulatedQuote.js";

const measurement = new Uint8Array(32).map((_, i) => i + 1);
const reportData = new Uint8Array(64).map((_, i) => 0xc0 ^ i);
const trusted = [simQuotingPublicKey()];
const otherKey = ed25519FromSeed(new Uint8Array(32).fill(7));

function verifyError(bytes: Uint8Array, signers: readonly Uint8Array[] = trusted): AttestationError {
  try {
    verifySimulatedQuote(bytes, signers);
  } catch (error) {
    expect(error).toBeInstanceOf(AttestationError);
    return error as AttestationError;
  }
  return expect.unreachable("the quote verified");
}

describe("simulated quote", () => {
  it("is created by the well-known simulated quoting key and verifies", () => {
    expect(simQuotingPublicKey()).toEqual(keypairFromUri(SIM_QUOTING_KEY_URI, "ed25519").publicKey);
    for (const debug of [false, true]) {
      const quote = createSimulatedQuote({ measurement, reportData, debug });
      expect(quote.length).toBe(2 + 32 + 64 + 1 + 32 + 64);
      expect(verifySimulatedQuote(quote, trusted)).toEqual({ kind: "simulated", measurement, reportData, debug });
      const decoded = decodeSimulatedQuote(quote);
      expect(decoded.body).toEqual({ version: 1, measurement, reportData, debug });
      expect(decoded.signer).toEqual(simQuotingPublicKey());
      expect(encodeSimulatedQuote(decoded)).toEqual(quote);
    }
  });

  it("signs the domain-separated report body", () => {
    const body: SimulatedReportBody = { version: 1, measurement, reportData, debug: false };
    const payload = simulatedQuoteSigningPayload(body);
    expect(payload.subarray(0, SIMULATED_QUOTE_DOMAIN.length)).toEqual(utf8("phala/sim-quote/v1"));
    expect(payload.length).toBe(SIMULATED_QUOTE_DOMAIN.length + 2 + 32 + 64 + 1);
  });

  it("rejects every tampered byte", () => {
    const quote = createSimulatedQuote({ measurement, reportData, debug: false });
    const seen = new Set<AttestationErrorCode>();
    for (let index = 0; index < quote.length; index++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const tampered = quote.slice();
        tampered[index] = (tampered[index] as number) ^ mask;
        const error = verifyError(tampered);
        seen.add(error.code);
        const expected: AttestationErrorCode[] =
          index < 2
            ? ["ATTESTATION_UNSUPPORTED_VERSION"]
            : index >= 99 && index < 131
              ? ["ATTESTATION_UNTRUSTED_SIGNER"]
              : ["ATTESTATION_BAD_SIGNATURE", "ATTESTATION_MALFORMED"];
        expect(expected, `byte ${index} ^ ${mask}`).toContain(error.code);
      }
    }
    // The debug byte flipped to 0xff is not a bool: malformed, not merely a bad signature.
    expect(seen).toEqual(
      new Set([
        "ATTESTATION_UNSUPPORTED_VERSION",
        "ATTESTATION_UNTRUSTED_SIGNER",
        "ATTESTATION_BAD_SIGNATURE",
        "ATTESTATION_MALFORMED",
      ]),
    );
  });

  it("rejects truncated and over-long quotes as malformed", () => {
    const quote = createSimulatedQuote({ measurement, reportData, debug: true });
    // Vitest loads @phala-ts/core twice (package and relative src), so pass this package's class.
    expectRejectsTruncatedAndOverlong(quote, Uint8Array.of(0), decodeSimulatedQuote, {
      truncated: (error) => expect(error).toBeInstanceOf(ScaleDecodeError),
      overlong: (error) => expect((error as ScaleDecodeError).code).toBe("SCALE_TRAILING_BYTES"),
    });
    const isMalformed = (error: unknown) => {
      expect(error).toBeInstanceOf(AttestationError);
      expect((error as AttestationError).code).toBe("ATTESTATION_MALFORMED");
      expect((error as AttestationError).cause).toBeInstanceOf(ScaleDecodeError);
    };
    expectRejectsTruncatedAndOverlong(quote, Uint8Array.of(0), (bytes) => verifySimulatedQuote(bytes, trusted), {
      truncated: (error) => {
        expect(error).toBeInstanceOf(AttestationError);
        expect((error as AttestationError).code).toBe("ATTESTATION_MALFORMED");
      },
      overlong: isMalformed,
    });
    expect(verifyError("0x" as unknown as Uint8Array).code).toBe("ATTESTATION_MALFORMED");
  });

  it("rejects a quote by a signer the verifier does not trust", () => {
    const quote = createSimulatedQuote({ measurement, reportData, debug: false }, otherKey);
    expect(verifyError(quote).code).toBe("ATTESTATION_UNTRUSTED_SIGNER");
    expect(verifyError(quote, []).code).toBe("ATTESTATION_UNTRUSTED_SIGNER");
    expect(verifySimulatedQuote(quote, [...trusted, otherKey.publicKey]).measurement).toEqual(measurement);
    const simQuote = createSimulatedQuote({ measurement, reportData, debug: false });
    expect(verifyError(simQuote, [otherKey.publicKey]).code).toBe("ATTESTATION_UNTRUSTED_SIGNER");
  });

  it("rejects a signature by another key over a trusted signer's name", () => {
    const forged = decodeSimulatedQuote(createSimulatedQuote({ measurement, reportData, debug: false }, otherKey));
    const relabelled = encodeSimulatedQuote({ ...forged, signer: simQuotingPublicKey() });
    expect(verifyError(relabelled).code).toBe("ATTESTATION_BAD_SIGNATURE");
  });

  it("rejects other format versions even when correctly signed", () => {
    const body: SimulatedReportBody = { version: 2, measurement, reportData, debug: false };
    const signature = otherKey.sign(simulatedQuoteSigningPayload(body));
    const quote = encodeSimulatedQuote({ body, signer: otherKey.publicKey, signature });
    const error = verifyError(quote, [otherKey.publicKey]);
    expect(error.code).toBe("ATTESTATION_UNSUPPORTED_VERSION");
    expect(error.details).toMatchObject({ version: 2, expected: 1 });
  });

  it("refuses report data that is not exactly 64 bytes and measurements that are not 32", () => {
    for (const length of [0, 32, 63, 65, 128]) {
      try {
        createSimulatedQuote({ measurement, reportData: new Uint8Array(length), debug: false });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AttestationError);
        expect((error as AttestationError).code).toBe("ATTESTATION_INVALID_ARGUMENT");
        expect((error as AttestationError).details).toMatchObject({ what: "reportData", actual: length });
      }
    }
    for (const length of [0, 31, 33]) {
      expect(() => createSimulatedQuote({ measurement: new Uint8Array(length), reportData, debug: false })).toThrow(
        AttestationError,
      );
    }
    expect(() => createSimulatedQuote({ measurement, reportData, debug: 1 as unknown as boolean })).toThrow(
      AttestationError,
    );
  });
});
