import {
  type DigestItem,
  decodeExact,
  ed25519Verify,
  encodeHeader,
  equalBytes,
  fromHex,
  type Header,
  headerHash,
  PhalaError,
  toHex,
} from "@phala-ts/core";
import { u32 } from "@polkadot-api/substrate-bindings";

/** The consensus engine id of Phala-TS blocks (pre-runtime author digest and seal). */
export const ENGINE_ID = "tdmt";

export class SealError extends PhalaError<"SEAL_MISSING" | "SEAL_INVALID" | "SEAL_UNKNOWN_AUTHOR"> {
  override readonly name = "SealError";
}

type HexPayload = Extract<DigestItem, { type: "seal" }>["value"]["payload"];

export interface BlockAuthor {
  readonly index: number;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** The pre-runtime digest naming the author by its index in the authority set. */
export function authorDigest(index: number): DigestItem {
  return { type: "preRuntime", value: { engine: ENGINE_ID, payload: toHex(u32.enc(index)) as HexPayload } };
}

/** The author's index from the pre-runtime digest, or undefined. */
export function authorIndex(header: Header): number | undefined {
  for (const item of header.digests) {
    if (item.type === "preRuntime" && item.value.engine === ENGINE_ID) {
      return decodeExact(u32.dec, fromHex(item.value.payload), "author index");
    }
  }
  return undefined;
}

/**
 * Seals an executed header: the author signs the hash of the header without its seal (the
 * "pre-hash") and the signature goes last in the digest, as Substrate's seal items do.
 */
export function sealHeader(header: Header, author: BlockAuthor): Header {
  const signature = author.sign(headerHash(header));
  return {
    ...header,
    digests: [
      ...header.digests,
      { type: "seal", value: { engine: ENGINE_ID, payload: toHex(signature) as HexPayload } },
    ],
  };
}

/** Checks the seal against the authority set; returns the header without its seal. */
export function verifySeal(header: Header, authorities: readonly (readonly [Uint8Array, bigint])[]): Header {
  const last = header.digests.at(-1);
  if (last === undefined || last.type !== "seal" || last.value.engine !== ENGINE_ID) {
    throw new SealError("SEAL_MISSING", "the header carries no seal", { number: header.number });
  }
  const unsealed: Header = { ...header, digests: header.digests.slice(0, -1) };
  const index = authorIndex(unsealed);
  const authority = index === undefined ? undefined : authorities[index];
  if (authority === undefined)
    throw new SealError("SEAL_UNKNOWN_AUTHOR", "the author is not in the authority set", { index });
  const signature = fromHex(last.value.payload);
  if (!ed25519Verify(signature, headerHash(unsealed), authority[0])) {
    throw new SealError("SEAL_INVALID", "the seal signature is invalid", { number: header.number });
  }
  return unsealed;
}

export function sameHeader(a: Header, b: Header): boolean {
  return equalBytes(encodeHeader(a), encodeHeader(b));
}
