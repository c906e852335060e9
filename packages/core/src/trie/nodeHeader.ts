/**
 * Substrate trie node headers (sp-trie `node_header.rs`): the first byte's top bits give the kind,
 * its remaining bits start the partial-key length in nibbles, continued by bytes of 255 and a final
 * byte below 255 when the length reaches the field's maximum.
 */
export type NodeKind = "leaf" | "branch" | "branchWithValue" | "leafWithHashedValue" | "branchWithHashedValue";

interface KindSpec {
  readonly prefix: number;
  readonly fieldBits: number;
}

const KINDS: Record<NodeKind, KindSpec> = {
  leaf: { prefix: 0b01 << 6, fieldBits: 6 },
  branch: { prefix: 0b10 << 6, fieldBits: 6 },
  branchWithValue: { prefix: 0b11 << 6, fieldBits: 6 },
  leafWithHashedValue: { prefix: 0b001 << 5, fieldBits: 5 },
  branchWithHashedValue: { prefix: 0b0001 << 4, fieldBits: 4 },
};

/** Upper bound on a partial key's nibble count, as sp-trie's `NIBBLE_SIZE_BOUND`. */
export const MAX_PARTIAL_NIBBLES = 0xffff;

export function headerSize(nibbleCount: number, kind: NodeKind): number {
  const max = (1 << KINDS[kind].fieldBits) - 1;
  return nibbleCount < max ? 1 : 2 + Math.floor((nibbleCount - max) / 255);
}

/** Writes the header at `at`; returns the offset after it. */
export function writeHeader(out: Uint8Array, at: number, kind: NodeKind, nibbleCount: number): number {
  const { prefix, fieldBits } = KINDS[kind];
  const max = (1 << fieldBits) - 1;
  if (nibbleCount < max) {
    out[at] = prefix | nibbleCount;
    return at + 1;
  }
  out[at++] = prefix | max;
  let rest = nibbleCount - max;
  while (rest >= 255) {
    out[at++] = 255;
    rest -= 255;
  }
  out[at++] = rest;
  return at;
}

export interface ParsedHeader {
  readonly kind: NodeKind;
  readonly nibbleCount: number;
  /** Offset just after the header. */
  readonly end: number;
}

/** Returns undefined for the empty-trie byte 0x00; throws a plain Error the caller turns into a typed one. */
export function readHeader(bytes: Uint8Array, at: number): ParsedHeader | undefined {
  const first = bytes[at];
  if (first === undefined) throw new RangeError("node ends before its header");
  let kind: NodeKind;
  if (first >> 6 === 0b01) kind = "leaf";
  else if (first >> 6 === 0b10) kind = "branch";
  else if (first >> 6 === 0b11) kind = "branchWithValue";
  else if (first >> 5 === 0b001) kind = "leafWithHashedValue";
  else if (first >> 4 === 0b0001) kind = "branchWithHashedValue";
  else if (first === 0) return undefined;
  else throw new Error(`invalid node header byte 0x${first.toString(16).padStart(2, "0")}`);
  const max = (1 << KINDS[kind].fieldBits) - 1;
  let nibbleCount = first & max;
  let i = at + 1;
  if (nibbleCount === max) {
    for (;;) {
      const next = bytes[i++];
      if (next === undefined) throw new RangeError("node ends inside its header");
      nibbleCount += next;
      if (nibbleCount > MAX_PARTIAL_NIBBLES) throw new Error("partial key longer than 65535 nibbles");
      if (next < 255) break;
    }
  }
  return { kind, nibbleCount, end: i };
}
