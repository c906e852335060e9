/** A key as nibbles, one per byte, high half of each key byte first. */
export function toNibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    const b = key[i] as number;
    out[2 * i] = b >> 4;
    out[2 * i + 1] = b & 0x0f;
  }
  return out;
}

/** Packs an even number of nibbles back into key bytes. */
export function fromNibbles(nibbles: ArrayLike<number>, length: number = nibbles.length): Uint8Array {
  const out = new Uint8Array(length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = ((nibbles[2 * i] as number) << 4) | (nibbles[2 * i + 1] as number);
  return out;
}

export function commonPrefixLength(a: Uint8Array, b: Uint8Array, bOffset: number): number {
  const max = Math.min(a.length, b.length - bOffset);
  let i = 0;
  while (i < max && a[i] === b[bOffset + i]) i++;
  return i;
}

export function concatNibbles(a: Uint8Array, middle: number, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + 1 + b.length);
  out.set(a, 0);
  out[a.length] = middle;
  out.set(b, a.length + 1);
  return out;
}

/** True when `path` and `want` agree on their common length. */
export function pathsCompatible(path: readonly number[], want: Uint8Array): boolean {
  const n = Math.min(path.length, want.length);
  for (let i = 0; i < n; i++) if (path[i] !== want[i]) return false;
  return true;
}

/** True when every key below the nibble path `path` sorts before the nibble key `target`. */
export function subtreeBefore(path: readonly number[], target: Uint8Array): boolean {
  const n = Math.min(path.length, target.length);
  for (let i = 0; i < n; i++) if (path[i] !== target[i]) return path[i]! < target[i]!;
  return false;
}
