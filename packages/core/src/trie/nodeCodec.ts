import { compact, createDecoder } from "@polkadot-api/substrate-bindings";
import { decodeExact, ScaleDecodeError } from "../scale/decodeExact.js";
import { TrieError } from "./errors.js";
import { type NodeKind, readHeader } from "./nodeHeader.js";

export const HASH_LENGTH = 32;

export type NodeValue =
  | { readonly hashed: false; readonly bytes: Uint8Array }
  | { readonly hashed: true; readonly hash: Uint8Array };

/**
 * A node as it travels in proofs and the database. A child reference is the child's merkle value:
 * exactly 32 bytes is a hash, anything shorter is the child's own encoding, inlined.
 */
export interface DecodedNode {
  readonly kind: NodeKind | "empty";
  /** Partial key as nibbles. */
  readonly partial: Uint8Array;
  readonly value: NodeValue | undefined;
  /** 16 slots for branches, undefined for leaves and the empty node. */
  readonly children: readonly (Uint8Array | undefined)[] | undefined;
}

type Positioned = Uint8Array & { i: number };

function take(bytes: Positioned, length: number): Uint8Array {
  const start = bytes.i;
  if (start + length > bytes.length) throw new RangeError("node ends early");
  bytes.i = start + length;
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, length);
}

function takeLength(bytes: Positioned): number {
  const length = compact.dec(bytes);
  if (typeof length !== "number" || length > bytes.length) throw new RangeError("length prefix beyond the node");
  return length;
}

const EMPTY: DecodedNode = { kind: "empty", partial: new Uint8Array(0), value: undefined, children: undefined };

const nodeDecoder = createDecoder((input): DecodedNode => {
  const bytes = input as Positioned;
  const header = readHeader(bytes, bytes.i);
  if (header === undefined) {
    bytes.i += 1;
    return EMPTY;
  }
  bytes.i = header.end;
  const { kind, nibbleCount } = header;
  const packed = take(bytes, (nibbleCount + 1) >> 1);
  const partial = new Uint8Array(nibbleCount);
  const odd = nibbleCount & 1;
  if (odd) {
    if ((packed[0] as number) >> 4 !== 0) throw new Error("padding nibble of an odd partial key is not zero");
    partial[0] = (packed[0] as number) & 0x0f;
  }
  for (let i = odd; i < packed.length; i++) {
    const b = packed[i] as number;
    partial[2 * i - odd] = b >> 4;
    partial[2 * i - odd + 1] = b & 0x0f;
  }
  const isBranch = kind === "branch" || kind === "branchWithValue" || kind === "branchWithHashedValue";
  let bitmap = 0;
  if (isBranch) {
    const raw = take(bytes, 2);
    bitmap = (raw[0] as number) | ((raw[1] as number) << 8);
    if (bitmap === 0) throw new Error("branch without children");
  }
  let value: NodeValue | undefined;
  if (kind === "leaf" || kind === "branchWithValue") value = { hashed: false, bytes: take(bytes, takeLength(bytes)) };
  else if (kind === "leafWithHashedValue" || kind === "branchWithHashedValue") {
    value = { hashed: true, hash: take(bytes, HASH_LENGTH) };
  }
  let children: (Uint8Array | undefined)[] | undefined;
  if (isBranch) {
    children = new Array<Uint8Array | undefined>(16).fill(undefined);
    for (let slot = 0; slot < 16; slot++) {
      if ((bitmap & (1 << slot)) === 0) continue;
      const length = takeLength(bytes);
      if (length > HASH_LENGTH) throw new Error("inline child longer than a hash");
      if (length === 0) throw new Error("empty child reference");
      children[slot] = take(bytes, length);
    }
  }
  return { kind, partial, value, children };
});

/** Decodes one trie node strictly; any deviation from the canonical codec is a TRIE_NODE_INVALID. */
export function decodeNode(encoded: Uint8Array): DecodedNode {
  try {
    return decodeExact(nodeDecoder, encoded, "trie node");
  } catch (cause) {
    if (!(cause instanceof ScaleDecodeError)) throw cause;
    throw new TrieError(
      "TRIE_NODE_INVALID",
      `invalid trie node: ${String(cause.details["reason"] ?? cause.message)}`,
      {
        reason: cause.code,
        length: encoded.length,
      },
      { cause },
    );
  }
}
