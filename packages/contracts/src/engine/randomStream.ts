import { sha256 } from "@phala-ts/core";

/**
 * The bytes `ctx.randomBytes` hands out, in order: SHA-256(seed ++ u64le(0)), SHA-256(seed ++
 * u64le(1)), … concatenated. Successive calls take successive bytes, so what a call sees depends
 * only on the seed and how many bytes it asked for before.
 */
export class RandomStream {
  readonly #input: Uint8Array;
  readonly #view: DataView;
  #counter = 0;
  #block: Uint8Array = new Uint8Array(0);
  #offset = 0;

  constructor(seed: Uint8Array) {
    this.#input = new Uint8Array(seed.length + 8);
    this.#input.set(seed);
    this.#view = new DataView(this.#input.buffer, seed.length, 8);
  }

  next(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.#offset === this.#block.length) {
        this.#view.setBigUint64(0, BigInt(this.#counter++), true);
        this.#block = sha256(this.#input);
        this.#offset = 0;
      }
      const take = Math.min(n - filled, this.#block.length - this.#offset);
      out.set(this.#block.subarray(this.#offset, this.#offset + take), filled);
      filled += take;
      this.#offset += take;
    }
    return out;
  }
}
