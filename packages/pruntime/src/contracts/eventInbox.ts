import type { ContractEvent } from "@phala-ts/contracts";
import { toHex } from "@phala-ts/core";
import type { ContractStorage } from "./contractStorage.js";

/** Events kept per recipient (and for the public); older ones are dropped. */
export const INBOX_LENGTH = 64;
/** The inbox of events that were emitted without `to`. */
export const PUBLIC_INBOX = "public";

const entryKey = (owner: string, seq: number) => `${owner}/${seq.toString().padStart(12, "0")}`;
const nextKey = (owner: string) => `${owner}/next`;

export interface InboxEvent {
  readonly seq: number;
  /** The command that emitted it. */
  readonly index: string;
  readonly data: unknown;
}

/**
 * The events of a contract's successful commands, kept inside the enclave for whom they are
 * for: an account reads its own (and the public ones) with a signed query. Part of the state
 * every worker of the cluster holds, so part of its state root.
 */
export function deliverEvents(inboxes: ContractStorage, index: bigint, events: readonly ContractEvent[]): void {
  for (const event of events) {
    const owner = event.to === undefined ? PUBLIC_INBOX : toHex(event.to);
    const seq = Number(inboxes.get(nextKey(owner)) ?? "0");
    const writes: [string, string | null][] = [
      [entryKey(owner, seq), JSON.stringify({ index: index.toString(), data: event.data })],
      [nextKey(owner), String(seq + 1)],
    ];
    if (seq >= INBOX_LENGTH) writes.push([entryKey(owner, seq - INBOX_LENGTH), null]);
    inboxes.apply(writes);
  }
}

/** The owner's events with a sequence number of `after` or more, oldest first. */
export function readInbox(
  inboxes: ContractStorage,
  owner: string,
  after: number,
): { events: InboxEvent[]; next: number } {
  const next = Number(inboxes.get(nextKey(owner)) ?? "0");
  const events: InboxEvent[] = [];
  for (let seq = Math.max(after, next - INBOX_LENGTH, 0); seq < next; seq++) {
    const raw = inboxes.get(entryKey(owner, seq));
    if (raw !== undefined) events.push({ seq, ...(JSON.parse(raw) as { index: string; data: unknown }) });
  }
  return { events, next };
}
