import { randomBytes } from "node:crypto";
import {
  decodeExact,
  type Ed25519Keypair,
  ed25519FromSeed,
  ed25519Generate,
  equalBytes,
  PhalaError,
  type X25519Keypair,
  x25519FromSecret,
  x25519Generate,
} from "@phala-ts/core";
import { Bytes, Struct, u8 } from "@polkadot-api/substrate-bindings";
import type { SealedStore } from "../platform/enclavePlatform.js";

export class EnclaveKeysError extends PhalaError<"KEYS_UNSUPPORTED_VERSION" | "KEYS_MISMATCH"> {
  override readonly name = "EnclaveKeysError";
}

/** The sealed file holding the keys; nothing else ever stores their secrets. */
export const KEYS_FILE = "keys";
const KEYS_VERSION = 1;

const sealedKeysCodec = Struct({
  version: u8,
  identitySeed: Bytes(32),
  ecdhSecret: Bytes(32),
  machineId: Bytes(16),
});

/**
 * The enclave's own keys: an Ed25519 identity that signs egress and API responses, and an X25519
 * key secrets are encrypted to. Generated inside on first start; their secrets only ever leave
 * this object sealed.
 */
export class EnclaveKeys {
  readonly identity: Ed25519Keypair;
  readonly ecdh: X25519Keypair;
  readonly machineId: Uint8Array;
  readonly #secrets: { identitySeed: Uint8Array; ecdhSecret: Uint8Array };

  private constructor(identitySeed: Uint8Array, ecdhSecret: Uint8Array, machineId: Uint8Array) {
    this.identity = ed25519FromSeed(identitySeed);
    this.ecdh = x25519FromSecret(ecdhSecret);
    this.machineId = machineId;
    this.#secrets = { identitySeed, ecdhSecret };
  }

  static generate(): EnclaveKeys {
    const { seed } = ed25519Generate();
    const { secret } = x25519Generate();
    return new EnclaveKeys(seed, secret, new Uint8Array(randomBytes(16)));
  }

  /** The keys sealed in `store`, generating and sealing new ones on first start. */
  static async loadOrCreate(store: SealedStore): Promise<{ keys: EnclaveKeys; created: boolean }> {
    const sealed = await store.read(KEYS_FILE);
    if (sealed !== undefined) return { keys: EnclaveKeys.decode(sealed), created: false };
    const keys = EnclaveKeys.generate();
    await store.write(KEYS_FILE, keys.encode());
    return { keys, created: true };
  }

  /** The secret form, only for sealed storage (the key file and checkpoints). */
  encode(): Uint8Array {
    return sealedKeysCodec.enc({ version: KEYS_VERSION, ...this.#secrets, machineId: this.machineId });
  }

  static decode(bytes: Uint8Array): EnclaveKeys {
    const decoded = decodeExact(sealedKeysCodec.dec, bytes, "sealed keys");
    if (decoded.version !== KEYS_VERSION) {
      throw new EnclaveKeysError("KEYS_UNSUPPORTED_VERSION", "the sealed keys have an unknown version", {
        version: decoded.version,
      });
    }
    return new EnclaveKeys(decoded.identitySeed, decoded.ecdhSecret, decoded.machineId);
  }

  sameAs(other: EnclaveKeys): boolean {
    return (
      equalBytes(this.identity.publicKey, other.identity.publicKey) &&
      equalBytes(this.ecdh.publicKey, other.ecdh.publicKey) &&
      equalBytes(this.machineId, other.machineId)
    );
  }
}
