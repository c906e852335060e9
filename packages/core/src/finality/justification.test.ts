import { describe, expect, it } from "vitest";
import { devAccounts } from "../keys/devAccounts.js";
import { decodeJustification, encodeJustification } from "../scale/justification.js";
import { errorCodeOf } from "../testing/errorCode.test-util.js";
import type { AuthoritySet } from "./authoritySet.js";
import { createJustification, verifyJustification } from "./justification.js";

const ed = devAccounts("ed25519");
const signers = [ed.Alice, ed.Bob, ed.Charlie, ed.Dave];
const set: AuthoritySet = { setId: 3n, authorities: signers.map((s) => [s.publicKey, 1n] as const) };
const hash = new Uint8Array(32).fill(0xab);
const target = { targetHash: hash, targetNumber: 10 };

const code = errorCodeOf;

describe("justifications", () => {
  it("accepts more than two thirds of the weight, and survives a SCALE round trip", () => {
    const justification = createJustification(target, 1n, 3n, signers.slice(0, 3));
    verifyJustification(decodeJustification(encodeJustification(justification)), hash, 10, set);
  });

  it("rejects two thirds or less, wrong targets, strangers, duplicates, bad signatures and another set id", () => {
    expect(
      code(() => verifyJustification(createJustification(target, 1n, 3n, signers.slice(0, 2)), hash, 10, set)),
    ).toBe("JUSTIFICATION_INSUFFICIENT_WEIGHT");
    const good = createJustification(target, 1n, 3n, signers.slice(0, 3));
    expect(code(() => verifyJustification(good, hash, 11, set))).toBe("JUSTIFICATION_WRONG_TARGET");
    const stranger = createJustification(target, 1n, 3n, [ed.Alice, ed.Bob, ed.Eve]);
    expect(code(() => verifyJustification(stranger, hash, 10, set))).toBe("JUSTIFICATION_UNKNOWN_SIGNER");
    const twice = {
      ...good,
      commit: { ...good.commit, precommits: [...good.commit.precommits, good.commit.precommits[0]!] },
    };
    expect(code(() => verifyJustification(twice, hash, 10, set))).toBe("JUSTIFICATION_DUPLICATE_SIGNER");
    const otherSet = createJustification(target, 1n, 4n, signers.slice(0, 3));
    expect(code(() => verifyJustification(otherSet, hash, 10, set))).toBe("JUSTIFICATION_BAD_SIGNATURE");
    const otherRound = { ...good, round: 2n };
    expect(code(() => verifyJustification(otherRound, hash, 10, set))).toBe("JUSTIFICATION_BAD_SIGNATURE");
  });
});
