import { Bytes, Struct, u64, Vector } from "@polkadot-api/substrate-bindings";
import { fromHex, toHex } from "../bytes/bytes.js";
import { PhalaError } from "../errors/phalaError.js";
import { decodeExact } from "../scale/decodeExact.js";
import type { DigestItem, Header } from "../scale/header.js";
import type { AuthoritySet } from "./authoritySet.js";

/** The consensus engine id under which authority-set changes travel in header digests. */
export const GRANDPA_ENGINE_ID = "FRNK";

export type AuthorityList = AuthoritySet["authorities"];

export class ScheduledChangeError extends PhalaError<"SCHEDULED_CHANGE_INVALID"> {
  override readonly name = "ScheduledChangeError";
}

// sp-consensus-grandpa `ConsensusLog::ScheduledChange(ScheduledChange { next_authorities, delay })`, index 1.
const scheduledChangeCodec = Struct({
  log: Bytes(1),
  nextAuthorities: Vector(Struct({ id: Bytes(32), weight: u64 })),
  delay: u64,
});

type DigestPayload = Extract<DigestItem, { type: "consensus" }>["value"]["payload"];

/** The digest item announcing that `next` takes over from the next block (delay 0). */
export function scheduledChangeDigest(next: AuthorityList): DigestItem {
  const payload = scheduledChangeCodec.enc({
    log: Uint8Array.of(1),
    nextAuthorities: next.map(([id, weight]) => ({ id, weight })),
    delay: 0n,
  });
  return { type: "consensus", value: { engine: GRANDPA_ENGINE_ID, payload: toHex(payload) as DigestPayload } };
}

/**
 * The authority set a header schedules for its successor, or undefined when it schedules none.
 * Only delay-0 changes exist on this chain; anything else under the GRANDPA engine id is refused.
 */
export function scheduledChangeOf(header: Header): AuthorityList | undefined {
  let found: AuthorityList | undefined;
  for (const item of header.digests) {
    if (item.type !== "consensus" || item.value.engine !== GRANDPA_ENGINE_ID) continue;
    const change = decodeExact(scheduledChangeCodec.dec, fromHex(item.value.payload), "ScheduledChange");
    if (change.log[0] !== 1 || change.delay !== 0n || found !== undefined) {
      throw new ScheduledChangeError("SCHEDULED_CHANGE_INVALID", "unsupported or repeated GRANDPA digest", {
        number: header.number,
      });
    }
    found = change.nextAuthorities.map(({ id, weight }) => [id, weight] as const);
  }
  return found;
}
