import { type Ed25519Keypair, equalBytes, type MessageOrigin, type SignedMessage, signMessage } from "@phala-ts/core";
import { type Codec, Struct, u32, u64, Vector } from "@polkadot-api/substrate-bindings";
import { offchainIngressAt, offchainIngressKey, type VerifiedStorage } from "../chain/chainStorage.js";

/** Something the sender owes the chain, numbered with the sequence its message will carry. */
export interface DueItem<W> {
  readonly sequence: bigint;
  readonly blockNumber: number;
  readonly work: W;
}

export interface OutboxState<W> {
  readonly nextSequence: bigint;
  readonly due: DueItem<W>[];
}

export interface Produced {
  readonly destination: Uint8Array;
  readonly payload: Uint8Array;
}

export function outboxStateCodec<W>(work: Codec<W>): Codec<OutboxState<W>> {
  return Struct({ nextSequence: u64, due: Vector(Struct({ sequence: u64, blockNumber: u32, work })) });
}

/**
 * The outbox of a sender several enclaves share (the Gatekeeper origin, a Cluster). Every
 * pRuntime numbers the sender's due messages from the public chain events it dispatches, whether
 * or not it holds the key, so that all holders sign the same message under the same sequence;
 * the first to land wins and the others become stale. Messages are produced on demand from the
 * due items and the key held now, so a pRuntime that receives the key late, or whose key
 * rotated, produces what is still owed with the right key.
 */
export class DeterministicOutbox<W> {
  readonly origin: MessageOrigin;
  readonly #ingressKey: Uint8Array;
  #nextSequence = 0n;
  #due: DueItem<W>[] = [];
  readonly #cache = new Map<bigint, SignedMessage>();
  #cacheSigner: Uint8Array | undefined;

  constructor(origin: MessageOrigin) {
    this.origin = origin;
    this.#ingressKey = offchainIngressKey(origin);
  }

  get nextSequence(): bigint {
    return this.#nextSequence;
  }

  get dueCount(): number {
    return this.#due.length;
  }

  record(blockNumber: number, work: W): void {
    this.#due.push({ sequence: this.#nextSequence, blockNumber, work });
    this.#nextSequence += 1n;
  }

  /** Drops every item the chain took (below the sender's next expected sequence). */
  purge(state: VerifiedStorage): void {
    const ingress = offchainIngressAt(state, this.#ingressKey);
    if (this.#due.length === 0 || this.#due[0]!.sequence >= ingress) return;
    this.#due = this.#due.filter((item) => item.sequence >= ingress);
    for (const sequence of this.#cache.keys()) if (sequence < ingress) this.#cache.delete(sequence);
  }

  /**
   * The signed messages for what is still due, each produced once per signing key (a
   * production may draw randomness, and pherry should see the same message on every fetch).
   * `produce` answers undefined for an item this holder cannot serve.
   */
  pending(
    state: VerifiedStorage | undefined,
    signer: Ed25519Keypair,
    produce: (item: DueItem<W>) => Produced | undefined,
  ): SignedMessage[] {
    if (this.#cacheSigner === undefined || !equalBytes(this.#cacheSigner, signer.publicKey)) {
      this.#cache.clear();
      this.#cacheSigner = signer.publicKey;
    }
    const ingress = state === undefined ? 0n : offchainIngressAt(state, this.#ingressKey);
    const out: SignedMessage[] = [];
    for (const item of this.#due) {
      if (item.sequence < ingress) continue;
      let signed = this.#cache.get(item.sequence);
      if (signed === undefined) {
        const produced = produce(item);
        // A gap would leave every later message waiting: stop at the first item not served.
        if (produced === undefined) break;
        signed = signMessage(signer, { sender: this.origin, ...produced }, item.sequence);
        this.#cache.set(item.sequence, signed);
      }
      out.push(signed);
    }
    return out;
  }

  save(): OutboxState<W> {
    return { nextSequence: this.#nextSequence, due: [...this.#due] };
  }

  load(state: OutboxState<W>): void {
    this.#nextSequence = state.nextSequence;
    this.#due = [...state.due];
    this.#cache.clear();
    this.#cacheSigner = undefined;
  }
}
