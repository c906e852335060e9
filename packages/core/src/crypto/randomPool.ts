import { randomFillSync } from "node:crypto";

const POOL_BYTES = 16 * 1024;
const pool = new Uint8Array(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `length` fresh random bytes (at most 16 KiB) for values that are public once used, such as IVs
 * and nonces: drawn from a pool refilled by one `randomFillSync`, since one `randomBytes` call per
 * small value costs more than the rest of sealing a short message. Never for secrets: the pool
 * holds the next values in memory before they are handed out.
 */
export function publicRandomBytes(length: number): Uint8Array {
  if (length > POOL_BYTES) throw new RangeError(`publicRandomBytes: at most ${POOL_BYTES} bytes`);
  if (offset + length > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += length;
  return pool.slice(offset - length, offset);
}
