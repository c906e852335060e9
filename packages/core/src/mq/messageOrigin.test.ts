import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../bytes/bytes.js";
import { ScaleDecodeError } from "../scale/decodeExact.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import {
  accountOrigin,
  clusterOrigin,
  contractOrigin,
  decodeMessageOrigin,
  encodeMessageOrigin,
  gatekeeperOrigin,
  type MessageOrigin,
  palletOrigin,
  workerOrigin,
} from "./messageOrigin.js";
import { arbitraryOrigin, normalizeOrigin } from "./mqArbitraries.test-util.js";
import { MqError } from "./mqError.js";

const id = new Uint8Array(32).fill(0xaa);
const idHex = toHex(id).slice(2);

describe("MessageOrigin", () => {
  it("uses phala-mq's variant indices", () => {
    expect(toHex(encodeMessageOrigin(palletOrigin("mq")))).toBe(`0x0008${toHex(utf8("mq")).slice(2)}`);
    expect(toHex(encodeMessageOrigin(contractOrigin(id)))).toBe(`0x01${idHex}`);
    expect(toHex(encodeMessageOrigin(workerOrigin(id)))).toBe(`0x02${idHex}`);
    expect(toHex(encodeMessageOrigin(accountOrigin(id)))).toBe(`0x03${idHex}`);
    expect(toHex(encodeMessageOrigin(gatekeeperOrigin()))).toBe("0x05");
    expect(toHex(encodeMessageOrigin(clusterOrigin(id)))).toBe(`0x06${idHex}`);
  });

  it("round-trips arbitrary origins", () => {
    fc.assert(
      fc.property(arbitraryOrigin, (origin) => {
        expect(normalizeOrigin(decodeMessageOrigin(encodeMessageOrigin(origin)))).toEqual(normalizeOrigin(origin));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects unknown variants, truncated and over-long input with ScaleDecodeError", () => {
    for (const index of [4, 7, 8, 0x7f, 0xff]) {
      try {
        decodeMessageOrigin(Uint8Array.of(index, ...id));
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ScaleDecodeError);
        expect((error as ScaleDecodeError).code).toBe("SCALE_MALFORMED");
      }
    }
    fc.assert(
      fc.property(arbitraryOrigin, fc.uint8Array({ minLength: 1, maxLength: 4 }), (origin, extra) => {
        const encoded = encodeMessageOrigin(origin);
        expectRejectsTruncatedAndOverlong(encoded, extra, decodeMessageOrigin);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses ids that are not 32 bytes rather than truncating them", () => {
    for (const make of [contractOrigin, workerOrigin, accountOrigin, clusterOrigin]) {
      expect(() => make(new Uint8Array(31))).toThrow(MqError);
      expect(() => make(new Uint8Array(33))).toThrow(MqError);
    }
    const forged = { type: "Worker", value: new Uint8Array(33) } as MessageOrigin;
    expect(() => encodeMessageOrigin(forged)).toThrow(MqError);
    expect(() => encodeMessageOrigin({ type: "MultiLocation" } as unknown as MessageOrigin)).toThrow(MqError);
  });
});
