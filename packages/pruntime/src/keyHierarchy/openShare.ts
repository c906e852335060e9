import { type KeyShare, openEnvelope, type X25519Keypair } from "@phala-ts/core";
import { KeyHierarchyError } from "./keyHierarchyError.js";

/** The secret a share seals to this enclave's ECDH key, or KEYS_SHARE_UNOPENABLE. */
export function openShare(share: KeyShare, ecdh: X25519Keypair, purpose: string): Uint8Array {
  try {
    return openEnvelope({ recipientSecret: ecdh, envelope: share.envelope, purpose });
  } catch (cause) {
    throw new KeyHierarchyError(
      "KEYS_SHARE_UNOPENABLE",
      "a key share addressed to this enclave does not open",
      { purpose, code: (cause as { code?: string }).code },
      { cause },
    );
  }
}
