import { type Codec, compact, createCodec } from "@polkadot-api/substrate-bindings";

/**
 * SCALE encoding into one growing buffer, for the runtime's declared types. substrate-bindings'
 * encoders (scale-ts) allocate an array per value and merge them at every level of a type, which
 * made encoding a block's events about 4 µs an event; writing in place produces the same bytes
 * without the intermediate arrays. Each writer mirrors the scale-ts encoder it replaces, including
 * how it treats out-of-range numbers (DataView's wrapping), and the codec it replaces is kept as
 * the reference that tests compare against.
 */
export class ScaleWriter {
  #buffer = new Uint8Array(256);
  #view = new DataView(this.#buffer.buffer);
  #at = 0;

  #reserve(bytes: number): number {
    const at = this.#at;
    if (at + bytes > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(this.#buffer.length * 2, at + bytes));
      grown.set(this.#buffer.subarray(0, at));
      this.#buffer = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#at = at + bytes;
    return at;
  }

  // Each reserves before it reads #view: reserving may replace the buffer and its view.
  u8(value: number): void {
    const at = this.#reserve(1);
    this.#view.setUint8(at, value);
  }
  u16(value: number): void {
    const at = this.#reserve(2);
    this.#view.setUint16(at, value, true);
  }
  u32(value: number): void {
    const at = this.#reserve(4);
    this.#view.setUint32(at, value, true);
  }
  u64(value: bigint): void {
    const at = this.#reserve(8);
    this.#view.setBigUint64(at, value, true);
  }
  /** As scale-ts's x128Enc: two signed 64-bit halves, so any bigint wraps modulo 2^128. */
  u128(value: bigint): void {
    const at = this.#reserve(16);
    this.#view.setBigInt64(at, value, true);
    this.#view.setBigInt64(at + 8, value >> 64n, true);
  }

  /** Compact integers below 2^30 in place; larger ones (rare) through scale-ts's encoder. */
  compact(value: number | bigint): void {
    if (value < 0) throw new Error(`Wrong compact input (${value})`);
    const shifted = Number(value) << 2;
    if (value < 1 << 6) this.u8(shifted);
    else if (value < 1 << 14) this.u16(shifted | 1);
    else if (value < 1 << 30) this.u32(shifted | 2);
    else this.bytes(compact.enc(value));
  }

  bytes(bytes: Uint8Array): void {
    const at = this.#reserve(bytes.length); // first: it may replace the buffer
    this.#buffer.set(bytes, at);
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#at);
  }

  /** Empties the writer for another value; false when its buffer grew too large to keep. */
  reset(): boolean {
    this.#at = 0;
    return this.#buffer.length <= KEPT_BUFFER_BYTES;
  }
}

/** A writer whose buffer grew past this (a block's events) is not kept for the next value. */
const KEPT_BUFFER_BYTES = 64 * 1024;

/** One idle writer, reused: most encodes are small, and a new buffer and view cost more than them. */
let idle: ScaleWriter | undefined;

function encodeWith<T>(write: Write<T>, value: T): Uint8Array {
  // Taken while in use, so an encode nested in a writer (a codec without one) gets its own.
  const writer = idle ?? new ScaleWriter();
  idle = undefined;
  try {
    write(writer, value);
    return writer.finish();
  } finally {
    if (writer.reset()) idle = writer;
  }
}

/** Writes one value of a type into a ScaleWriter. */
export type Write<T> = (writer: ScaleWriter, value: T) => void;

// biome-ignore lint/suspicious/noExplicitAny: writers of any value type, looked up by their codec
type AnyCodec = Codec<any>;

const writers = new WeakMap<AnyCodec, Write<unknown>>();
const references = new WeakMap<AnyCodec, (value: unknown) => Uint8Array>();

/**
 * `reference` with its encoder replaced by `write` (the decoder is kept), except for a `leaf`,
 * which keeps its encoder and lends `write` to the composites around it. Composite types find
 * their parts' writers through the codecs they are given; a codec made elsewhere (core's
 * `withCodec` codecs) is written with its own encoder.
 */
export function withWriter<T>(reference: Codec<T>, write: Write<T>, { leaf = false } = {}): Codec<T> {
  // A leaf (a number, bytes) encodes alone as fast as substrate-bindings does, which may even hand
  // back its input (fixed-length bytes): only values inside a composite are written in place.
  const encode = leaf ? reference.enc : (value: T) => encodeWith(write, value);
  const codec = createCodec(encode, reference.dec) as Codec<T>;
  writers.set(codec, write as Write<unknown>);
  references.set(codec, references.get(reference) ?? (reference.enc as (value: unknown) => Uint8Array));
  return codec;
}

/** The writer of a codec: its registered one, or one that copies what its own encoder returns. */
export function writerOf<T>(codec: Codec<T>): Write<T> {
  return (writers.get(codec) as Write<T> | undefined) ?? ((writer, value) => writer.bytes(codec.enc(value)));
}

/** The substrate-bindings encoder a codec's writer replaced (its own encoder when it has none). */
export function referenceEncoder<T>(codec: Codec<T>): (value: T) => Uint8Array {
  return (references.get(codec) as ((value: T) => Uint8Array) | undefined) ?? codec.enc;
}
