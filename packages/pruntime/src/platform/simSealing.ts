import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from "node:crypto";
import { concatBytes, equalBytes, hkdfSha256, utf8 } from "@phala-ts/core";
import type { SealCodec } from "./fileSealedStore.js";
import { SealError } from "./platformError.js";

export const SIM_SEAL_LABEL = "phala/sim-seal/v1";
/** "PHSEAL1\0": the format of a file sealed by the `sim` platform. */
export const SIM_SEAL_MAGIC = Uint8Array.from([0x50, 0x48, 0x53, 0x45, 0x41, 0x4c, 0x31, 0x00]);
export const SIM_SEAL_IV_LENGTH = 12;
export const SIM_SEAL_TAG_LENGTH = 16;
const HEADER_LENGTH = SIM_SEAL_MAGIC.length + SIM_SEAL_IV_LENGTH;

/** sealing key = HKDF-SHA256(ikm = secret, salt = empty, info = "phala/sim-seal/v1", 32 bytes). */
export function simSealingKey(secret: Uint8Array): KeyObject {
  const raw = hkdfSha256(secret, new Uint8Array(0), utf8(SIM_SEAL_LABEL), 32);
  const key = createSecretKey(raw);
  raw.fill(0);
  return key;
}

// The name is authenticated, so a sealed file moved to another name does not unseal.
function aad(name: string): Uint8Array {
  return concatBytes(SIM_SEAL_MAGIC, utf8(name));
}

function corrupt(name: string, reason: string, cause?: unknown): SealError {
  return new SealError(
    "SEAL_CORRUPT",
    `sealed file ${JSON.stringify(name)} does not unseal (${reason}): it was sealed by another enclave or secret, under another name, or is damaged`,
    { name, reason },
    { cause },
  );
}

/** File = magic ++ 12-byte random IV ++ AES-256-GCM(ciphertext ++ 16-byte tag), AAD = magic ++ utf8(name). */
export function simSealCodec(key: KeyObject): SealCodec {
  return {
    seal(name, data) {
      const iv = randomBytes(SIM_SEAL_IV_LENGTH);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: SIM_SEAL_TAG_LENGTH });
      cipher.setAAD(aad(name));
      const body = cipher.update(data);
      const tail = cipher.final();
      return concatBytes(SIM_SEAL_MAGIC, iv, body, tail, cipher.getAuthTag());
    },
    unseal(name, content) {
      if (content.length < HEADER_LENGTH + SIM_SEAL_TAG_LENGTH) throw corrupt(name, "too short");
      if (!equalBytes(content.subarray(0, SIM_SEAL_MAGIC.length), SIM_SEAL_MAGIC)) throw corrupt(name, "bad magic");
      const iv = content.subarray(SIM_SEAL_MAGIC.length, HEADER_LENGTH);
      const tagStart = content.length - SIM_SEAL_TAG_LENGTH;
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: SIM_SEAL_TAG_LENGTH });
      decipher.setAAD(aad(name));
      decipher.setAuthTag(content.subarray(tagStart));
      const body = decipher.update(content.subarray(HEADER_LENGTH, tagStart));
      try {
        decipher.final();
      } catch (cause) {
        body.fill(0);
        throw corrupt(name, "authentication failed", cause);
      }
      const plaintext = new Uint8Array(body);
      body.fill(0);
      return plaintext;
    },
  };
}
