import {
  type DerivedKeypairs,
  decodeExact,
  equalBytes,
  keypairsFromSeed,
  type MasterKeyEntry,
  masterKeyHistoryCodec,
  toHex,
} from "@phala-ts/core";
import { KeyHierarchyError } from "./keyHierarchyError.js";

/**
 * Every master key a gatekeeper has held, oldest first: the current one signs the Gatekeeper
 * origin's messages, earlier ones still derive the keys of clusters created under them.
 */
export class MasterKeyHistory {
  readonly #entries: MasterKeyEntry[];
  readonly #keypairs = new Map<bigint, DerivedKeypairs>();

  private constructor(entries: MasterKeyEntry[]) {
    this.#entries = entries;
  }

  static empty(): MasterKeyHistory {
    return new MasterKeyHistory([]);
  }

  /**
   * A history as a share or a checkpoint carries it, checked: ids strictly increasing and, when
   * `expectedPubkey` is given, non-empty and ending at that key.
   */
  static decode(bytes: Uint8Array, expectedPubkey?: Uint8Array): MasterKeyHistory {
    let entries: MasterKeyEntry[];
    try {
      entries = decodeExact(masterKeyHistoryCodec.dec, bytes, "MasterKeyHistory");
    } catch (cause) {
      throw new KeyHierarchyError("KEYS_BAD_HISTORY", "the master key history does not decode", {}, { cause });
    }
    const checked = MasterKeyHistory.empty();
    for (const entry of entries) {
      checked.#check(entry.rotationId);
      checked.#entries.push(entry);
    }
    if (expectedPubkey !== undefined) checked.#expectPubkey(expectedPubkey);
    return checked;
  }

  encode(): Uint8Array {
    return masterKeyHistoryCodec.enc(this.#entries);
  }

  get holding(): boolean {
    return this.#entries.length > 0;
  }

  get length(): number {
    return this.#entries.length;
  }

  get currentRotationId(): bigint | undefined {
    return this.#entries.at(-1)?.rotationId;
  }

  /** The current master keypairs; undefined when no key is held. */
  current(): DerivedKeypairs | undefined {
    const last = this.#entries.at(-1);
    return last === undefined ? undefined : this.keypairsAt(last.rotationId);
  }

  seedAt(rotationId: bigint): Uint8Array | undefined {
    return this.#entries.find((entry) => entry.rotationId === rotationId)?.seed;
  }

  keypairsAt(rotationId: bigint): DerivedKeypairs | undefined {
    let keypairs = this.#keypairs.get(rotationId);
    if (keypairs === undefined) {
      const seed = this.seedAt(rotationId);
      if (seed === undefined) return undefined;
      keypairs = keypairsFromSeed(seed);
      this.#keypairs.set(rotationId, keypairs);
    }
    return keypairs;
  }

  /** This history with `seed` appended as `rotationId`, which must come after the current one. */
  withKey(rotationId: bigint, seed: Uint8Array, expectedPubkey: Uint8Array): MasterKeyHistory {
    this.#check(rotationId);
    const next = new MasterKeyHistory([...this.#entries, { rotationId, seed }]);
    next.#expectPubkey(expectedPubkey);
    return next;
  }

  #check(rotationId: bigint): void {
    const current = this.currentRotationId;
    if (current !== undefined && rotationId <= current) {
      throw new KeyHierarchyError("KEYS_BAD_HISTORY", "master key rotation ids must increase", {
        current: current.toString(),
        rotationId: rotationId.toString(),
      });
    }
  }

  #expectPubkey(expected: Uint8Array): void {
    const actual = this.current()?.identity.publicKey;
    if (actual === undefined || !equalBytes(actual, expected)) {
      throw new KeyHierarchyError(
        "KEYS_PUBKEY_MISMATCH",
        "the master key does not match the chain's master public key",
        {
          expected: toHex(expected),
        },
      );
    }
  }
}
