import type { Codec } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { ScaleDecodeError } from "../scale/decodeExact.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import {
  decodeOperatorBody,
  dispatchBlocksRequestCodec,
  initRequestCodec,
  syncHeaderRequestCodec,
  syncStatusCodec,
} from "./operatorWire.js";

const cases = [
  [
    "init",
    initRequestCodec,
    {
      genesisHeader: Uint8Array.of(1, 2, 3),
      genesisStorage: [[Uint8Array.of(1), Uint8Array.of(2)]],
      authoritySet: { setId: 4n, authorities: [[new Uint8Array(32).fill(7), 1n]] },
      operator: new Uint8Array(32).fill(8),
    },
  ],
  [
    "sync-header",
    syncHeaderRequestCodec,
    { headers: [Uint8Array.of(1), Uint8Array.of(2)], justification: Uint8Array.of(3) },
  ],
  [
    "dispatch-blocks",
    dispatchBlocksRequestCodec,
    {
      blocks: [
        {
          number: 7,
          changes: [
            [Uint8Array.of(1), Uint8Array.of(2)],
            [Uint8Array.of(3), undefined],
          ],
        },
      ],
    },
  ],
  ["status", syncStatusCodec, { syncedHeight: 9, dispatchedHeight: 8 }],
] as const;

describe("operator wire codecs", () => {
  for (const [name, anyCodec, value] of cases) {
    it(`${name}: round-trips and rejects truncated and over-long bodies`, () => {
      const codec = anyCodec as unknown as Codec<unknown>;
      const encoded = codec.enc(value);
      expect(decodeOperatorBody(codec, encoded, name)).toEqual(value);
      expectRejectsTruncatedAndOverlong(encoded, Uint8Array.of(0), (bytes) => decodeOperatorBody(codec, bytes, name), {
        truncated: (error) => expect(error).toBeInstanceOf(ScaleDecodeError),
      });
    });
  }
});
