import { createHash } from "node:crypto";
import { utf8 } from "@phala-ts/core";
import { type InvalidReason, TransactionInvalidError } from "../chain/transactionValidity.js";
import type { TxSource, ValidTransaction } from "./types.js";

/** A fake transaction: `who` sends its `nonce`-th transaction, paying `tip`. */
export interface FakeTx {
  readonly who: string;
  readonly nonce: number;
  readonly tip?: number;
  /** Extra bytes, to make the encoding longer. */
  readonly pad?: number;
  /** Distinguishes otherwise identical transactions (a replacement with the same tip). */
  readonly salt?: string;
}

export function encodeTx(tx: FakeTx): Uint8Array {
  return utf8(`${tx.who}|${tx.nonce}|${tx.tip ?? 0}|${tx.salt ?? ""}|${"x".repeat(tx.pad ?? 0)}`);
}

export function decodeTx(bytes: Uint8Array): Required<FakeTx> {
  const [who = "", nonce = "0", tip = "0", salt = "", pad = ""] = new TextDecoder().decode(bytes).split("|");
  return { who, nonce: Number(nonce), tip: Number(tip), salt, pad: pad.length };
}

export const hashTx = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(bytes).digest());

export const nonceTag = (who: string, nonce: number): Uint8Array => utf8(`nonce:${who}:${nonce}`);

/**
 * Account nonces, as a chain's state would keep them, and a validate function modelled on the
 * chain's: stale nonces are invalid, later ones require their predecessor's tag.
 */
export class FakeChain {
  readonly nonces = new Map<string, number>();
  /** Accounts whose transactions are invalid, and why. */
  readonly invalid = new Map<string, InvalidReason>();
  /** Transactions with these salts are invalid, and why. */
  readonly invalidSalts = new Map<string, InvalidReason>();
  longevity = 64;
  validations = 0;
  readonly sources: TxSource[] = [];

  readonly validate = (bytes: Uint8Array, source: TxSource): ValidTransaction => {
    this.validations++;
    this.sources.push(source);
    const tx = decodeTx(bytes);
    const reason = this.invalid.get(tx.who) ?? this.invalidSalts.get(tx.salt);
    if (reason !== undefined) throw new TransactionInvalidError(reason);
    const current = this.nonce(tx.who);
    if (tx.nonce < current) throw new TransactionInvalidError("Stale", { nonce: tx.nonce, expected: current });
    return {
      hash: hashTx(bytes),
      priority: BigInt(tx.tip),
      provides: [nonceTag(tx.who, tx.nonce)],
      requires: tx.nonce > current ? [nonceTag(tx.who, tx.nonce - 1)] : [],
      longevity: this.longevity,
      propagate: true,
    };
  };

  nonce(who: string): number {
    return this.nonces.get(who) ?? 0;
  }

  /** Applies a block of transactions; returns what `prune` needs. */
  include(txs: readonly Uint8Array[]): { hashes: Uint8Array[]; tags: Uint8Array[] } {
    const tags: Uint8Array[] = [];
    for (const bytes of txs) {
      const tx = decodeTx(bytes);
      if (tx.nonce !== this.nonce(tx.who)) throw new Error(`block has ${tx.who}#${tx.nonce} out of order`);
      this.nonces.set(tx.who, tx.nonce + 1);
      tags.push(nonceTag(tx.who, tx.nonce));
    }
    return { hashes: txs.map(hashTx), tags };
  }
}

/** Short labels ("alice#0") for the ready order. */
export function labels(txs: Iterable<{ readonly bytes: Uint8Array }>): string[] {
  return Array.from(txs, ({ bytes }) => {
    const tx = decodeTx(bytes);
    return `${tx.who}#${tx.nonce}`;
  });
}
