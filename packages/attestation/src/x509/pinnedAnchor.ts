import { sha256, toHex } from "@phala-ts/core";
import { type ChainPrefix, type TrustAnchor, trustAnchor } from "./certificateChain.js";
import type { SignatureScheme } from "./signatures.js";

/**
 * A trust anchor shipped in source. Its DER is checked against the published SHA-256 pin when the
 * module loads, so an edited constant fails loudly instead of silently trusting another root; the
 * certificate itself is decoded on first use.
 */
export function pinnedAnchor(
  base64Der: string,
  sha256Hex: string,
  scheme: SignatureScheme,
  prefix: ChainPrefix,
): () => TrustAnchor {
  const der = new Uint8Array(Buffer.from(base64Der.replace(/\s+/g, ""), "base64"));
  const actual = toHex(sha256(der)).slice(2);
  if (actual !== sha256Hex) {
    throw new Error(`pinned ${prefix} root certificate does not match its pin ${sha256Hex} (got ${actual})`);
  }
  let anchor: TrustAnchor | undefined;
  return () => {
    anchor ??= trustAnchor(der, scheme, prefix);
    return anchor;
  };
}
