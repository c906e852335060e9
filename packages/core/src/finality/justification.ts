import { byteKey, equalBytes, toHex } from "../bytes/bytes.js";
import { PhalaError } from "../errors/phalaError.js";
import { ed25519Verify } from "../keys/ed25519.js";
import { type Justification, type Precommit, precommitSigningPayload } from "../scale/justification.js";
import { type AuthoritySet, isSupermajority } from "./authoritySet.js";

export type JustificationErrorCode =
  | "JUSTIFICATION_WRONG_TARGET"
  | "JUSTIFICATION_UNKNOWN_SIGNER"
  | "JUSTIFICATION_DUPLICATE_SIGNER"
  | "JUSTIFICATION_BAD_SIGNATURE"
  | "JUSTIFICATION_INSUFFICIENT_WEIGHT";

export class JustificationError extends PhalaError<JustificationErrorCode> {
  override readonly name = "JustificationError";
}

/** A signer of precommits: an authority's Ed25519 key. */
export interface PrecommitSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** A commit for `target` signed by `signers` in `round` of set `setId`. */
export function createJustification(
  target: Precommit,
  round: bigint,
  setId: bigint,
  signers: readonly PrecommitSigner[],
): Justification {
  const payload = precommitSigningPayload(target, round, setId);
  return {
    round,
    commit: {
      targetHash: target.targetHash,
      targetNumber: target.targetNumber,
      precommits: signers.map((s) => ({ precommit: target, signature: s.sign(payload), id: s.publicKey })),
    },
    votesAncestries: [],
  };
}

/**
 * Checks that `justification` finalizes the block `(hash, number)` under `set`: every precommit
 * targets that block, comes from a distinct member of the set with a valid signature over
 * (Precommit, round, setId), and the signers hold more than two thirds of the weight.
 * This chain finalizes every block directly, so precommits for descendants are not accepted.
 */
export function verifyJustification(
  justification: Justification,
  hash: Uint8Array,
  number: number,
  set: AuthoritySet,
): void {
  const { commit, round } = justification;
  if (!equalBytes(commit.targetHash, hash) || commit.targetNumber !== number) {
    throw new JustificationError("JUSTIFICATION_WRONG_TARGET", "the justification is for another block", {
      expected: toHex(hash),
      target: toHex(commit.targetHash),
    });
  }
  const weights = new Map<string, bigint>();
  for (const [id, weight] of set.authorities) weights.set(byteKey(id), weight);
  const seen = new Set<string>();
  let signed = 0n;
  for (const { precommit, signature, id } of commit.precommits) {
    if (!equalBytes(precommit.targetHash, hash) || precommit.targetNumber !== number) {
      throw new JustificationError("JUSTIFICATION_WRONG_TARGET", "a precommit targets another block", {
        signer: toHex(id),
      });
    }
    const key = byteKey(id);
    const weight = weights.get(key);
    if (weight === undefined) {
      throw new JustificationError("JUSTIFICATION_UNKNOWN_SIGNER", "a precommit is signed by a non-authority", {
        signer: toHex(id),
      });
    }
    if (seen.has(key)) {
      throw new JustificationError("JUSTIFICATION_DUPLICATE_SIGNER", "an authority signed twice", {
        signer: toHex(id),
      });
    }
    seen.add(key);
    if (!ed25519Verify(signature, precommitSigningPayload(precommit, round, set.setId), id)) {
      throw new JustificationError("JUSTIFICATION_BAD_SIGNATURE", "a precommit signature is invalid", {
        signer: toHex(id),
      });
    }
    signed += weight;
  }
  if (!isSupermajority(set, signed)) {
    throw new JustificationError(
      "JUSTIFICATION_INSUFFICIENT_WEIGHT",
      "the signers hold two thirds of the weight or less",
      {
        signed: signed.toString(),
      },
    );
  }
}
