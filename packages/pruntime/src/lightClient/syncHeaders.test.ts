import { decodeJustification, devAccounts, encodeJustification, toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { TestChain } from "../testing/testChain.test-util.js";
import { initLightClient, type LightClientState } from "./initLightClient.js";
import { syncHeaders } from "./syncHeaders.js";

const ed = devAccounts("ed25519");

const errorCode = errorCodeOf;

function start(chain: TestChain): LightClientState {
  const init = chain.initRequest();
  return initLightClient(init.genesisHeader, chain.genesis.state, init.authoritySet);
}

describe("initLightClient", () => {
  it("trusts a genesis whose storage and authority set match", () => {
    const chain = new TestChain();
    const state = start(chain);
    expect(toHex(state.genesisHash)).toBe(toHex(chain.genesis.hash));
    expect(state.authoritySet.authorities).toHaveLength(4);
  });

  it("refuses a genesis whose storage does not hash to its root, or another authority set", () => {
    const chain = new TestChain();
    const other = new TestChain([[new Uint8Array([1]), new Uint8Array([2])]]);
    const init = chain.initRequest();
    expect(errorCode(() => initLightClient(init.genesisHeader, other.genesis.state, init.authoritySet))).toBe(
      "LIGHT_CLIENT_GENESIS_ROOT_MISMATCH",
    );
    const fewer = { setId: 0n, authorities: init.authoritySet.authorities.slice(1) };
    expect(errorCode(() => initLightClient(init.genesisHeader, chain.genesis.state, fewer))).toBe(
      "LIGHT_CLIENT_AUTHORITY_SET_MISMATCH",
    );
    expect(
      errorCode(() => initLightClient(init.genesisHeader, chain.genesis.state, { ...init.authoritySet, setId: 1n })),
    ).toBe("LIGHT_CLIENT_AUTHORITY_SET_MISMATCH");
    chain.produce();
    expect(errorCode(() => initLightClient(chain.head.bytes, chain.head.state, init.authoritySet))).toBe(
      "LIGHT_CLIENT_GENESIS_NOT_ZERO",
    );
  });
});

describe("syncHeaders", () => {
  it("proves a linked batch final with a justification on its last header", () => {
    const chain = new TestChain();
    for (let i = 0; i < 5; i++) chain.produce();
    const { state, headers } = syncHeaders(start(chain), chain.syncRequest(1, 5).headers, chain.justify(5));
    expect(state.finalized.number).toBe(5);
    expect(headers.map((h) => h.number)).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses broken links, missing or insufficient justifications, strangers, other blocks and other set ids", () => {
    const chain = new TestChain();
    for (let i = 0; i < 4; i++) chain.produce();
    const state = start(chain);
    const headers = chain.syncRequest(1, 4).headers;
    const sync = (h: Uint8Array[], justification?: Uint8Array) => syncHeaders(state, h, justification);

    expect(errorCode(() => sync([]))).toBe("LIGHT_CLIENT_EMPTY_BATCH");
    expect(errorCode(() => sync([headers[0]!, headers[2]!, headers[3]!], chain.justify(4)))).toBe(
      "LIGHT_CLIENT_HEADER_NOT_LINKED",
    );
    expect(errorCode(() => sync(headers.slice(1), chain.justify(4)))).toBe("LIGHT_CLIENT_HEADER_NOT_LINKED");
    expect(errorCode(() => sync(headers, undefined))).toBe("LIGHT_CLIENT_NO_JUSTIFICATION");
    const [a, b, c] = chain.finalizers.get(4)!.signers;
    expect(errorCode(() => sync(headers, chain.justify(4, { signers: [a!, b!] })))).toBe(
      "JUSTIFICATION_INSUFFICIENT_WEIGHT",
    );
    expect(errorCode(() => sync(headers, chain.justify(4, { signers: [a!, b!, ed.Eve] })))).toBe(
      "JUSTIFICATION_UNKNOWN_SIGNER",
    );
    expect(errorCode(() => sync(headers, chain.justify(3)))).toBe("JUSTIFICATION_WRONG_TARGET");
    expect(errorCode(() => sync(headers, chain.justify(4, { setId: 1n })))).toBe("JUSTIFICATION_BAD_SIGNATURE");
    expect(errorCode(() => sync(headers, chain.justify(4, { signers: [a!, b!, c!] })))).toBeUndefined();
  });

  it("refuses a precommit whose signature is over another block", () => {
    const chain = new TestChain();
    for (let i = 0; i < 3; i++) chain.produce();
    const signed = decodeJustification(chain.justify(2));
    // Re-point the commit at block 3 without re-signing: the signatures stay over block 2.
    const block3 = { targetHash: chain.blocks[3]!.hash, targetNumber: 3 };
    const forged = encodeJustification({
      ...signed,
      commit: {
        ...block3,
        precommits: signed.commit.precommits.map((p) => ({ ...p, precommit: block3 })),
      },
    });
    const headers = chain.syncRequest(1, 3).headers;
    expect(errorCode(() => syncHeaders(start(chain), headers, forged))).toBe("JUSTIFICATION_BAD_SIGNATURE");
  });

  it("follows an authority-set change only at the end of a batch", () => {
    const chain = new TestChain();
    chain.produce();
    chain.produce({ nextAuthorities: [ed.Eve, ed.Ferdie, ed.Alice] });
    chain.produce();
    chain.produce();
    expect(errorCode(() => syncHeaders(start(chain), chain.syncRequest(1, 4).headers, chain.justify(4)))).toBe(
      "LIGHT_CLIENT_AUTHORITY_CHANGE_INSIDE_BATCH",
    );
    const first = syncHeaders(start(chain), chain.syncRequest(1, 2).headers, chain.justify(2));
    expect(first.state.authoritySet.setId).toBe(1n);
    // The old set can no longer finalize; the new one can.
    const oldSet = chain.justify(4, { signers: [ed.Alice, ed.Bob, ed.Charlie, ed.Dave], setId: 1n });
    expect(errorCode(() => syncHeaders(first.state, chain.syncRequest(3, 4).headers, oldSet))).toBe(
      "JUSTIFICATION_UNKNOWN_SIGNER",
    );
    const next = syncHeaders(first.state, chain.syncRequest(3, 4).headers, chain.justify(4));
    expect(next.state.finalized.number).toBe(4);
  });
});
