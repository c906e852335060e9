import type { ChainMetadata } from "./chainMetadata.js";

/** When in the block an event happened: during an extrinsic (by its index in the block), or around them. */
export type EventPhase =
  | { readonly type: "ApplyExtrinsic"; readonly index: number }
  | { readonly type: "Initialization" }
  | { readonly type: "Finalization" };

/**
 * One entry of `System.Events`, decoded through the chain's metadata: `data` is the event's
 * fields as metadata names them (snake_case; accounts as SS58 addresses, fixed byte arrays as
 * 0x-hex, `Vec<u8>` as bytes, u64 and wider as bigint).
 */
export interface ChainEvent {
  readonly pallet: string;
  readonly name: string;
  readonly data: unknown;
  readonly phase: EventPhase;
  readonly topics: readonly string[];
}

interface RawRecord {
  readonly phase: { readonly type: string; readonly value?: unknown };
  readonly event: { readonly type: string; readonly value: { readonly type: string; readonly value?: unknown } };
  readonly topics?: readonly string[];
}

function phaseOf(raw: RawRecord["phase"]): EventPhase {
  if (raw.type === "ApplyExtrinsic") return { type: "ApplyExtrinsic", index: Number(raw.value) };
  return { type: raw.type === "Finalization" ? "Finalization" : "Initialization" };
}

/** `System.Events` from its stored bytes (none for an absent value). */
export function decodeEvents(metadata: ChainMetadata, raw: Uint8Array | string | null | undefined): ChainEvent[] {
  const records = (metadata.decodeStorage("System", "Events", raw) ?? []) as readonly RawRecord[];
  return records.map((record) => ({
    pallet: record.event.type,
    name: record.event.value.type,
    data: record.event.value.value,
    phase: phaseOf(record.phase),
    topics: record.topics ?? [],
  }));
}

/** The events of the extrinsic at `index` in its block. */
export function eventsOfExtrinsic(events: readonly ChainEvent[], index: number): ChainEvent[] {
  return events.filter((event) => event.phase.type === "ApplyExtrinsic" && event.phase.index === index);
}
