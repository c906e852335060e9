import { randomFillSync } from "node:crypto";
import { inflateSync } from "node:zlib";

/*
 * schnorrkel compiled to WebAssembly, as shipped by @polkadot/wasm-crypto, driven without its
 * JavaScript packages: they load @polkadot/util, an asm.js fallback and a JavaScript inflater,
 * about 150 ms before the first call against about 10 ms here (Node's zlib, no other imports).
 * We take only the module bytes (@polkadot/wasm-crypto-wasm,
 * pinned to an exact version because the calling convention here is that build's) and supply
 * the few wasm-bindgen imports it needs, which only serve getrandom (signing and soft derivation
 * draw fresh randomness).
 *
 * Calling convention (wasm-bindgen): a byte-slice argument is a (pointer, length) pair in memory
 * allocated with `__wbindgen_malloc`, which the callee frees; a returned `Vec<u8>` is written as
 * (pointer, length) at a caller-reserved return slot and must be freed with `__wbindgen_free`.
 * The secret halves are schnorrkel's `to_ed25519_bytes()` (scalar × 8 ‖ nonce), the same bytes
 * as @scure/sr25519's 64-byte secret key; a keypair is that ‖ the 32-byte public key.
 */

// @types/node 20 does not declare the WebAssembly global: the part used here.
type WasmModule = { readonly kind: "WebAssembly.Module" };
const Wasm = (
  globalThis as unknown as {
    WebAssembly: {
      compile(bytes: Uint8Array): Promise<WasmModule>;
      Module: { imports(module: WasmModule): { module: string; name: string }[] };
      Instance: new (module: WasmModule, imports: Record<string, object>) => { exports: unknown };
    };
  }
).WebAssembly;

interface SrExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  __wbindgen_malloc(size: number): number;
  __wbindgen_free(ptr: number, size: number): void;
  __wbindgen_add_to_stack_pointer(delta: number): number;
  ext_sr_from_seed(ret: number, seedPtr: number, seedLen: number): void;
  ext_sr_sign(ret: number, ...slices: number[]): void;
  ext_sr_verify(...slices: number[]): number;
  ext_sr_derive_keypair_hard(ret: number, ...slices: number[]): void;
  ext_sr_derive_keypair_soft(ret: number, ...slices: number[]): void;
  ext_sr_derive_public_soft(ret: number, ...slices: number[]): void;
}

// wasm-bindgen's table of JavaScript objects handed to WebAssembly by index; 32..35 are constants.
const HEAP_RESERVED = 36;

class Instance {
  readonly exports: SrExports;
  readonly #heap: unknown[] = [...new Array(32).fill(undefined), undefined, null, true, false];
  #heapNext = HEAP_RESERVED;
  #bytes: Uint8Array | undefined;

  constructor(module: WasmModule) {
    const crypto = { getRandomValues: (view: Uint8Array) => randomFillSync(view) };
    const byName: Record<string, (...args: number[]) => unknown> = {
      __wbindgen_is_undefined: (index) => this.#heap[index] === undefined,
      __wbindgen_object_drop_ref: (index) => this.#drop(index),
      __wbg_self: () => this.#add({ crypto }),
      __wbg_crypto: () => this.#add(crypto),
      // getrandom asks for `crypto.getRandomValues` (one argument), then calls it (three).
      __wbg_getRandomValues: (...args) => {
        if (args.length === 1) return this.#add(crypto.getRandomValues);
        const [, ptr = 0, len = 0] = args;
        randomFillSync(this.bytes(), ptr, len);
        return undefined;
      },
      __wbg_require: () => {
        throw new Error("require is not available to sr25519 WebAssembly");
      },
      __wbg_randomFillSync: () => {
        throw new Error("randomFillSync is not available to sr25519 WebAssembly");
      },
    };
    const wbg: Record<string, (...args: number[]) => unknown> = {};
    for (const { module: from, name } of Wasm.Module.imports(module)) {
      const fn = byName[name.replace(/_[0-9a-f]{16}$/, "")];
      if (from !== "wbg" || fn === undefined) throw new Error(`sr25519 WebAssembly needs an unknown import ${name}`);
      wbg[name] = fn;
    }
    this.exports = new Wasm.Instance(module, { wbg }).exports as unknown as SrExports;
  }

  /** A view of linear memory; renewed when memory grows (the old buffer is detached). */
  bytes(): Uint8Array {
    const buffer = this.exports.memory.buffer;
    if (this.#bytes === undefined || this.#bytes.buffer !== buffer) this.#bytes = new Uint8Array(buffer);
    return this.#bytes;
  }

  /** Copies `data` into memory the callee will free: the (pointer, length) pair. */
  pass(data: Uint8Array): [number, number] {
    const ptr = this.exports.__wbindgen_malloc(data.length);
    this.bytes().set(data, ptr);
    return [ptr, data.length];
  }

  /** Calls `call(returnSlot)` and takes the `Vec<u8>` it leaves there. */
  returning(call: (ret: number) => void, expectedLength: number): Uint8Array {
    const ret = this.exports.__wbindgen_add_to_stack_pointer(-16);
    try {
      call(ret);
      const slot = new Int32Array(this.exports.memory.buffer, ret, 2);
      const ptr = slot[0] ?? 0;
      const len = slot[1] ?? 0;
      const out = this.bytes().slice(ptr, ptr + len);
      this.exports.__wbindgen_free(ptr, len);
      if (out.length !== expectedLength) throw new Error(`sr25519 WebAssembly returned ${out.length} bytes`);
      return out;
    } finally {
      this.exports.__wbindgen_add_to_stack_pointer(16);
    }
  }

  #add(value: unknown): number {
    if (this.#heapNext === this.#heap.length) this.#heap.push(this.#heap.length + 1);
    const index = this.#heapNext;
    this.#heapNext = this.#heap[index] as number;
    this.#heap[index] = value;
    return index;
  }

  #drop(index: number): void {
    if (index < HEAP_RESERVED) return;
    this.#heap[index] = this.#heapNext;
    this.#heapNext = index;
  }
}

/**
 * The schnorrkel operations on one WebAssembly instance. A call that throws (schnorrkel panics
 * on a public key that is not a ristretto point) aborts mid-function and leaves the instance's
 * stack and allocations behind, so the instance is replaced before the error goes on.
 */
export class Sr25519Wasm {
  readonly #module: WasmModule;
  #instance: Instance;

  private constructor(module: WasmModule) {
    this.#module = module;
    this.#instance = new Instance(module);
  }

  static async load(): Promise<Sr25519Wasm> {
    // Dynamic, so processes that never ask for it do not load the 225 kB of base64.
    const { bytes } = await import("@polkadot/wasm-crypto-wasm/cjs/bytes");
    const module = await Wasm.compile(inflateSync(Buffer.from(bytes, "base64")));
    return new Sr25519Wasm(module);
  }

  /** 96 bytes: secret (scalar × 8 ‖ nonce) ‖ public key, by `ExpansionMode::Ed25519`. */
  keypairFromSeed(miniSecret: Uint8Array): Uint8Array {
    return this.#run((i) => i.returning((ret) => i.exports.ext_sr_from_seed(ret, ...i.pass(miniSecret)), 96));
  }

  sign(publicKey: Uint8Array, secret: Uint8Array, message: Uint8Array): Uint8Array {
    return this.#run((i) =>
      i.returning((ret) => i.exports.ext_sr_sign(ret, ...i.pass(publicKey), ...i.pass(secret), ...i.pass(message)), 64),
    );
  }

  /** schnorrkel's own verdict: it accepts the identity as a public key (the caller must not). */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
    return (
      this.#run((i) => i.exports.ext_sr_verify(...i.pass(signature), ...i.pass(message), ...i.pass(publicKey))) !== 0
    );
  }

  deriveKeypairHard(keypair: Uint8Array, chainCode: Uint8Array): Uint8Array {
    return this.#run((i) =>
      i.returning((ret) => i.exports.ext_sr_derive_keypair_hard(ret, ...i.pass(keypair), ...i.pass(chainCode)), 96),
    );
  }

  deriveKeypairSoft(keypair: Uint8Array, chainCode: Uint8Array): Uint8Array {
    return this.#run((i) =>
      i.returning((ret) => i.exports.ext_sr_derive_keypair_soft(ret, ...i.pass(keypair), ...i.pass(chainCode)), 96),
    );
  }

  /** Throws when `publicKey` is not a ristretto point. */
  derivePublicSoft(publicKey: Uint8Array, chainCode: Uint8Array): Uint8Array {
    return this.#run((i) =>
      i.returning((ret) => i.exports.ext_sr_derive_public_soft(ret, ...i.pass(publicKey), ...i.pass(chainCode)), 32),
    );
  }

  #run<T>(call: (instance: Instance) => T): T {
    try {
      return call(this.#instance);
    } catch (error) {
      this.#instance = new Instance(this.#module);
      throw error;
    }
  }
}
