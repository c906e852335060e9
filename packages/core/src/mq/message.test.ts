import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../bytes/bytes.js";
import { ScaleDecodeError } from "../scale/decodeExact.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import { decodeMessage, encodeMessage, type Message } from "./message.js";
import { gatekeeperOrigin, palletOrigin } from "./messageOrigin.js";
import { arbitraryMessage, normalizeOrigin } from "./mqArbitraries.test-util.js";
import { phalaTopic } from "./topic.js";

const normalize = (message: Message): Message => ({ ...message, sender: normalizeOrigin(message.sender) });

describe("Message", () => {
  it("encodes as {sender, destination: Vec<u8>, payload: Vec<u8>}", () => {
    const message: Message = {
      sender: gatekeeperOrigin(),
      destination: phalaTopic("gatekeeper", "key"),
      payload: Uint8Array.of(1, 2),
    };
    expect(toHex(encodeMessage(message))).toBe(`0x05${"50"}${toHex(utf8("phala/gatekeeper/key")).slice(2)}080102`);
    expect(normalize(decodeMessage(encodeMessage(message)))).toEqual(message);
  });

  it("round-trips arbitrary messages", () => {
    fc.assert(
      fc.property(arbitraryMessage, (message) => {
        const encoded = encodeMessage(message);
        const decoded = decodeMessage(encoded);
        expect(normalize(decoded)).toEqual(normalize(message));
        expect(encodeMessage(decoded)).toEqual(encoded);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects truncated, over-long and unknown-variant input with ScaleDecodeError", () => {
    fc.assert(
      fc.property(arbitraryMessage, fc.uint8Array({ minLength: 1, maxLength: 4 }), (message, extra) => {
        const encoded = encodeMessage(message);
        expectRejectsTruncatedAndOverlong(encoded, extra, decodeMessage);
        const unknown = encoded.slice();
        unknown[0] = 4;
        expect(() => decodeMessage(unknown)).toThrow(ScaleDecodeError);
      }),
      { numRuns: 100 },
    );
  });

  it("throws only ScaleDecodeError (or decodes) on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          decodeMessage(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ScaleDecodeError);
        }
      }),
      { numRuns: 1000 },
    );
    expect(() => decodeMessage(Uint8Array.of(0, 0xff, 0xff, 0xff, 0xff, 0x13))).toThrow(ScaleDecodeError);
    expect(decodeMessage(Uint8Array.of(0, 4, 0x78, 0, 0)).sender).toEqual(palletOrigin("x"));
  });
});
