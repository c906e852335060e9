import type { MultiSignature, SignatureCheck } from "@phala-ts/core";

/*
 * Signature checks packed into one buffer for a verifier thread, so that a batch crosses as one
 * transferred ArrayBuffer (a structured clone of each Uint8Array would copy its whole backing
 * buffer, often a request's). Per check: u8 scheme (0 Ed25519, 1 Sr25519, 2 Ecdsa), the signature
 * (64 bytes, 65 for Ecdsa), the 32-byte signer, u32 LE message length, the message.
 */

const SCHEMES = ["Ed25519", "Sr25519", "Ecdsa"] as const;
const SIGNATURE_LENGTH = [64, 64, 65] as const;
const SIGNER_LENGTH = 32;

/** The check as packed, or undefined when it cannot be valid (wrong lengths or scheme): no need to send it. */
function schemeOf(check: SignatureCheck): number | undefined {
  const scheme = SCHEMES.indexOf(check.signature?.type as (typeof SCHEMES)[number]);
  if (scheme < 0) return undefined;
  const { value } = check.signature;
  if (!(value instanceof Uint8Array) || value.length !== SIGNATURE_LENGTH[scheme]) return undefined;
  if (!(check.signer instanceof Uint8Array) || check.signer.length !== SIGNER_LENGTH) return undefined;
  if (!(check.message instanceof Uint8Array)) return undefined;
  return scheme;
}

/**
 * `checks` packed, with the index of each packed one in `checks`: a check that cannot be valid
 * (a malformed signature or signer) is left out, and is simply invalid.
 */
export function packChecks(checks: readonly SignatureCheck[]): { packed: Uint8Array; indices: Uint32Array } {
  const schemes = checks.map(schemeOf);
  let size = 0;
  let count = 0;
  for (const [i, scheme] of schemes.entries()) {
    if (scheme === undefined) continue;
    size += 1 + SIGNATURE_LENGTH[scheme as 0 | 1 | 2] + SIGNER_LENGTH + 4 + checks[i]!.message.length;
    count++;
  }
  const packed = new Uint8Array(size);
  const view = new DataView(packed.buffer);
  const indices = new Uint32Array(count);
  let at = 0;
  let n = 0;
  for (const [i, scheme] of schemes.entries()) {
    if (scheme === undefined) continue;
    const { signature, signer, message } = checks[i]!;
    packed[at++] = scheme;
    packed.set(signature.value, at);
    at += signature.value.length;
    packed.set(signer, at);
    at += SIGNER_LENGTH;
    view.setUint32(at, message.length, true);
    at += 4;
    packed.set(message, at);
    at += message.length;
    indices[n++] = i;
  }
  return { packed, indices };
}

/** What `packChecks` packed, as views into `packed`. */
export function unpackChecks(packed: Uint8Array): SignatureCheck[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const checks: SignatureCheck[] = [];
  let at = 0;
  while (at < packed.length) {
    const scheme = packed[at++] as 0 | 1 | 2;
    const value = packed.subarray(at, at + SIGNATURE_LENGTH[scheme]);
    at += value.length;
    const signer = packed.subarray(at, at + SIGNER_LENGTH);
    at += SIGNER_LENGTH;
    const length = view.getUint32(at, true);
    at += 4;
    const message = packed.subarray(at, at + length);
    at += length;
    checks.push({ signature: { type: SCHEMES[scheme], value } as MultiSignature, message, signer });
  }
  return checks;
}
