import { getPublicKey, HDKD, secretFromSeed, sign, verify } from "@scure/sr25519";
import { assertLength } from "./ed25519.js";
import { InvalidKeyMaterialError } from "./keyErrors.js";
import { Sr25519Wasm } from "./sr25519Wasm.js";

export interface Sr25519Keypair {
  readonly type: "sr25519";
  readonly publicKey: Uint8Array;
  /** For sr25519 the AccountId32 is the public key itself. */
  readonly accountId: Uint8Array;
  /** Schnorrkel signature in the "substrate" signing context; randomized, so not reproducible. */
  sign(message: Uint8Array): Uint8Array;
  /** Substrate's `//junction`: the child's secret cannot be linked to the parent from public data. */
  deriveHard(chainCode: Uint8Array): Sr25519Keypair;
  /** Substrate's `/junction`: the child's public key follows from the parent's public key alone. */
  deriveSoft(chainCode: Uint8Array): Sr25519Keypair;
}

/**
 * Which implementation the sr25519 functions use: "scure" (@scure/sr25519, pure JavaScript) until
 * `sr25519Ready()` has resolved, then "wasm" (schnorrkel in WebAssembly, about 5× faster). Both
 * give the same public keys, derivations and verdicts, and verify each other's signatures.
 */
export type Sr25519Backend = "wasm" | "scure";

let wasm: Sr25519Wasm | undefined;
let forced: Sr25519Backend | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the WebAssembly implementation once (about 10 ms); later and concurrent calls share it.
 * Long-running processes await it at start; until then, and in code that never calls it, the
 * same functions run on @scure/sr25519.
 */
export function sr25519Ready(): Promise<void> {
  loading ??= Sr25519Wasm.load().then(
    (loaded) => {
      wasm = loaded;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

export function sr25519Backend(): Sr25519Backend {
  return active() === undefined ? "scure" : "wasm";
}

/**
 * Runs `fn` with `backend` in use, then restores the previous choice (so only what `fn` does
 * synchronously): for tests and benchmarks that compare the two. "wasm" needs `sr25519Ready()`.
 */
export function withSr25519Backend<T>(backend: Sr25519Backend, fn: () => T): T {
  if (backend === "wasm" && wasm === undefined)
    throw new Error("sr25519 WebAssembly is not loaded: await sr25519Ready()");
  const previous = forced;
  forced = backend;
  try {
    return fn();
  } finally {
    forced = previous;
  }
}

function active(): Sr25519Wasm | undefined {
  return forced === "scure" ? undefined : wasm;
}

// Both implementations hold the secret as the same 64 bytes: schnorrkel's `to_ed25519_bytes()`,
// the scalar × 8 ‖ the nonce (@scure/sr25519's secret key). WebAssembly's keypair is that ‖ public key.
class SchnorrkelKeypair implements Sr25519Keypair {
  readonly type = "sr25519" as const;
  readonly publicKey: Uint8Array;
  readonly accountId: Uint8Array;
  readonly #secretKey: Uint8Array;

  constructor(secretKey: Uint8Array, publicKey: Uint8Array) {
    this.#secretKey = secretKey;
    this.publicKey = publicKey;
    this.accountId = publicKey;
  }

  /** From the 96 bytes WebAssembly returns for a keypair. */
  static fromPair(pair: Uint8Array): SchnorrkelKeypair {
    return new SchnorrkelKeypair(pair.slice(0, 64), pair.slice(64));
  }

  static fromSecret(secretKey: Uint8Array): SchnorrkelKeypair {
    return new SchnorrkelKeypair(secretKey, getPublicKey(secretKey));
  }

  sign(message: Uint8Array): Uint8Array {
    const impl = active();
    return impl ? impl.sign(this.publicKey, this.#secretKey, message) : sign(this.#secretKey, message);
  }

  deriveHard(chainCode: Uint8Array): Sr25519Keypair {
    assertLength(chainCode, 32, "sr25519 chain code");
    const impl = active();
    return impl
      ? SchnorrkelKeypair.fromPair(impl.deriveKeypairHard(this.#pair(), chainCode))
      : SchnorrkelKeypair.fromSecret(HDKD.secretHard(this.#secretKey, chainCode));
  }

  deriveSoft(chainCode: Uint8Array): Sr25519Keypair {
    assertLength(chainCode, 32, "sr25519 chain code");
    const impl = active();
    return impl
      ? SchnorrkelKeypair.fromPair(impl.deriveKeypairSoft(this.#pair(), chainCode))
      : SchnorrkelKeypair.fromSecret(HDKD.secretSoft(this.#secretKey, chainCode));
  }

  #pair(): Uint8Array {
    const pair = new Uint8Array(96);
    pair.set(this.#secretKey, 0);
    pair.set(this.publicKey, 64);
    return pair;
  }
}

/** From a 32-byte mini-secret, expanded as schnorrkel's `ExpansionMode::Ed25519` (what Substrate does). */
export function sr25519FromSeed(miniSecret: Uint8Array): Sr25519Keypair {
  assertLength(miniSecret, 32, "sr25519 mini-secret");
  const impl = active();
  return impl
    ? SchnorrkelKeypair.fromPair(impl.keypairFromSeed(miniSecret))
    : SchnorrkelKeypair.fromSecret(secretFromSeed(miniSecret));
}

/** The public key of `deriveSoft(chainCode)` computed from the parent's public key only. */
export function sr25519DerivePublicSoft(publicKey: Uint8Array, chainCode: Uint8Array): Uint8Array {
  assertLength(publicKey, 32, "sr25519 public key");
  assertLength(chainCode, 32, "sr25519 chain code");
  const impl = active();
  try {
    return impl ? impl.derivePublicSoft(publicKey, chainCode) : HDKD.publicSoft(publicKey, chainCode);
  } catch (cause) {
    // schnorrkel panics without a message ("unreachable"); @scure/sr25519 says why.
    const reason = impl ? "not a ristretto point" : cause instanceof Error ? cause.message : String(cause);
    throw new InvalidKeyMaterialError("sr25519 public key", reason);
  }
}

/**
 * False for a wrong signature, a missing schnorrkel marker, a non-canonical scalar, bytes that are
 * not a ristretto point, and the identity as public key (which schnorrkel would accept with a
 * signature anyone can make).
 */
export function sr25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || !(message instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) {
    return false;
  }
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const impl = active();
  try {
    return impl
      ? !isIdentity(publicKey) && impl.verify(signature, message, publicKey)
      : verify(message, signature, publicKey);
  } catch {
    return false;
  }
}

/** The identity's only ristretto encoding is 32 zero bytes (encodings are canonical). */
function isIdentity(publicKey: Uint8Array): boolean {
  let bits = 0;
  for (const byte of publicKey) bits |= byte;
  return bits === 0;
}
