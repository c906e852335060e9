import { blake2_256, devAccounts, IMMORTAL_ERA, signExtrinsic } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { PHA } from "../pallets/balances.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { addressOf } from "../runtime/multiAddress.js";
import { StateOverlay } from "../runtime/overlay.js";
import { checkExtrinsic } from "./checkExtrinsic.js";
import { DecodedExtrinsics } from "./decodedExtrinsics.js";
import { buildGenesisState } from "./genesisState.js";
import { TransactionInvalidError } from "./transactionValidity.js";

const runtime = createPhalaRuntime();
const sr = devAccounts("sr25519");
const genesisHash = new Uint8Array(32).fill(0x42);
const state = new StateOverlay(buildGenesisState(runtime, { Balances: { balances: [[sr.Alice.accountId, PHA]] } }));

function transfer(value: bigint, nonce = 0): Uint8Array {
  const call = runtime.encodeCall({
    type: "Balances",
    value: { type: "transferKeepAlive", value: { dest: addressOf(sr.Bob.accountId), value } },
  });
  const additional = { specVersion: 1, transactionVersion: 1, genesisHash, birthHash: genesisHash };
  return signExtrinsic(sr.Alice, call, { era: IMMORTAL_ERA, nonce, tip: 0n }, additional);
}

describe("DecodedExtrinsics", () => {
  it("gives the block producer what the pool decoded, and the same check as without it", () => {
    const cached = { genesisHash, maxExtrinsicSize: 4096, decodedExtrinsics: new DecodedExtrinsics() };
    const plain = { genesisHash, maxExtrinsicSize: 4096 };
    const bytes = transfer(5n);
    const first = checkExtrinsic(runtime, cached, state, 1, bytes);
    const again = checkExtrinsic(runtime, cached, state, 1, bytes);
    expect(again.call).toBe(first.call);
    expect(again).toEqual(checkExtrinsic(runtime, plain, state, 1, bytes));
    expect(cached.decodedExtrinsics.get(blake2_256(bytes))?.call).toBe(first.call);
  });

  it("is keyed by content: bytes changed in place are decoded and checked again", () => {
    const cached = { genesisHash, maxExtrinsicSize: 4096, decodedExtrinsics: new DecodedExtrinsics() };
    const bytes = transfer(5n);
    checkExtrinsic(runtime, cached, state, 1, bytes);
    // Length prefix (2), version (1), MultiAddress (1 + 32), signature type (1): byte 50 is in the signature.
    bytes[50] = bytes[50]! ^ 1;
    expect(() => checkExtrinsic(runtime, cached, state, 1, bytes)).toThrow(TransactionInvalidError);
  });

  it("keeps the size limit and forgets the oldest entries past its capacity", () => {
    const small = { genesisHash, maxExtrinsicSize: 16, decodedExtrinsics: new DecodedExtrinsics(2) };
    expect(() => checkExtrinsic(runtime, small, state, 1, transfer(5n))).toThrow();
    const decoded = new DecodedExtrinsics(2);
    const chain = { genesisHash, maxExtrinsicSize: 4096, decodedExtrinsics: decoded };
    const [a, b, c] = [transfer(1n), transfer(2n), transfer(3n)];
    for (const bytes of [a, b, c]) checkExtrinsic(runtime, chain, state, 1, bytes);
    expect(decoded.get(blake2_256(a))).toBeUndefined();
    expect(decoded.get(blake2_256(b))).toBeDefined();
    expect(decoded.get(blake2_256(c))).toBeDefined();
  });
});
