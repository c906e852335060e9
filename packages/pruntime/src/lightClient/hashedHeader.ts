import { decodeHeader, fromHex, type Header, headerHash } from "@phala-ts/core";

/** A header with the hash of the exact bytes it arrived as (never of a re-encoding). */
export interface HashedHeader {
  /** The exact bytes the header came as, which `hash` is the blake2-256 of. */
  readonly bytes: Uint8Array;
  readonly header: Header;
  readonly hash: Uint8Array;
  readonly parentHash: Uint8Array;
  readonly number: number;
  readonly stateRoot: Uint8Array;
}

export function hashedHeader(bytes: Uint8Array): HashedHeader {
  const header = decodeHeader(bytes);
  return {
    bytes,
    header,
    hash: headerHash(bytes),
    parentHash: fromHex(header.parentHash),
    number: header.number,
    stateRoot: fromHex(header.stateRoot),
  };
}
