import {
  byteKey,
  type Ed25519Keypair,
  encodeMessageOrigin,
  type MessageOrigin,
  PhalaError,
  type SignedMessage,
  signMessage,
} from "@phala-ts/core";
import { offchainIngressAt, offchainIngressKey, type VerifiedStorage } from "../chain/chainStorage.js";

export class EgressError extends PhalaError<"EGRESS_UNKNOWN_SENDER" | "EGRESS_DUPLICATE_SENDER"> {
  override readonly name = "EgressError";
}

interface Outbox {
  readonly origin: MessageOrigin;
  /** Where the chain keeps this sender's next expected sequence (`PhalaMq.OffchainIngress`). */
  readonly ingressKey: Uint8Array;
  readonly signer: Ed25519Keypair;
  nextSequence: bigint;
  messages: SignedMessage[];
}

/** A sender's queue as a checkpoint holds it (its key is re-attached on load). */
export interface OutboxState {
  readonly origin: MessageOrigin;
  readonly nextSequence: bigint;
  readonly messages: readonly SignedMessage[];
}

/**
 * Messages produced on demand rather than queued: the deterministic senders (Gatekeeper, a
 * Cluster) whose messages are a function of public chain events and the key held now. `state`
 * is the newest verified state (undefined before init).
 */
export interface EgressSource {
  pending(state: VerifiedStorage | undefined): SignedMessage[];
  /** Forgets what verified state shows the chain took. */
  purge(state: VerifiedStorage): void;
}

/**
 * What pRuntime has to say to the chain: per sender, signed messages with consecutive sequence
 * numbers. A message stays until verified chain state shows the chain took its sequence, so
 * pherry may fetch and submit the same message any number of times; the chain takes it once.
 */
export class EgressQueue {
  readonly #outboxes = new Map<string, Outbox>();
  readonly #sources: EgressSource[] = [];

  addSource(source: EgressSource): void {
    this.#sources.push(source);
  }

  /** Lets `origin` send, signing with `signer`; its sequence starts where the chain expects it. */
  addSender(origin: MessageOrigin, signer: Ed25519Keypair, nextSequence: bigint): void {
    const key = byteKey(encodeMessageOrigin(origin));
    if (this.#outboxes.has(key)) {
      throw new EgressError("EGRESS_DUPLICATE_SENDER", "this sender is already registered", { origin: origin.type });
    }
    this.#outboxes.set(key, { origin, ingressKey: offchainIngressKey(origin), signer, nextSequence, messages: [] });
  }

  hasSender(origin: MessageOrigin): boolean {
    return this.#outboxes.has(byteKey(encodeMessageOrigin(origin)));
  }

  push(origin: MessageOrigin, destination: Uint8Array, payload: Uint8Array): SignedMessage {
    const outbox = this.#outbox(origin);
    const signed = signMessage(outbox.signer, { sender: origin, destination, payload }, outbox.nextSequence);
    outbox.nextSequence += 1n;
    outbox.messages.push(signed);
    return signed;
  }

  /** Drops what verified state shows the chain took: every message below the sender's next expected sequence. */
  purge(state: VerifiedStorage): void {
    for (const source of this.#sources) source.purge(state);
    for (const outbox of this.#outboxes.values()) {
      const ingress = offchainIngressAt(state, outbox.ingressKey);
      if (outbox.messages.length > 0 && outbox.messages[0]!.sequence < ingress) {
        outbox.messages = outbox.messages.filter((m) => m.sequence >= ingress);
      }
      if (outbox.nextSequence < ingress) outbox.nextSequence = ingress;
    }
  }

  /** Every message the chain has not taken yet, per sender in sequence order. */
  pending(state?: VerifiedStorage): SignedMessage[] {
    const queued = [...this.#outboxes.values()].flatMap((o) => o.messages);
    return this.#sources.length === 0 ? queued : [...queued, ...this.#sources.flatMap((s) => s.pending(state))];
  }

  /** Queued messages only: what the sources would produce costs crypto to find out. */
  get pendingCount(): number {
    let count = 0;
    for (const outbox of this.#outboxes.values()) count += outbox.messages.length;
    return count;
  }

  save(): OutboxState[] {
    return [...this.#outboxes.values()].map(({ origin, nextSequence, messages }) => ({
      origin,
      nextSequence,
      messages: [...messages],
    }));
  }

  /** Restores saved outboxes; each sender must have been added (with its key) first. */
  load(saved: readonly OutboxState[]): void {
    for (const state of saved) {
      const outbox = this.#outbox(state.origin);
      outbox.nextSequence = state.nextSequence;
      outbox.messages = [...state.messages];
    }
  }

  #outbox(origin: MessageOrigin): Outbox {
    const outbox = this.#outboxes.get(byteKey(encodeMessageOrigin(origin)));
    if (outbox === undefined) {
      throw new EgressError("EGRESS_UNKNOWN_SENDER", "no key is registered for this sender", { origin: origin.type });
    }
    return outbox;
  }
}
