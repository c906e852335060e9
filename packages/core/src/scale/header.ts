import { type BlockHeader, Bytes, blockHeader } from "@polkadot-api/substrate-bindings";
import { fromHex, toHex } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { decodeExact, ScaleDecodeError } from "./decodeExact.js";

const fixed32 = Bytes(32).dec;

/**
 * Substrate's header: `{parentHash, number (compact), stateRoot, extrinsicsRoot, digest}`, with
 * digest items `other`, `consensus`, `seal`, `preRuntime` and `runtimeUpdated`.
 */
export type Header = BlockHeader;
export type DigestItem = Header["digests"][number];

export function encodeHeader(header: Header): Uint8Array {
  return blockHeader.enc(header);
}

export function decodeHeader(bytes: Uint8Array): Header {
  return decodeExact(blockHeader.dec, bytes, "header");
}

/** Block hash: blake2-256 of the SCALE-encoded header. */
export function headerHash(header: Header | Uint8Array): Uint8Array {
  return blake2_256(header instanceof Uint8Array ? header : encodeHeader(header));
}

/** A header as Substrate's JSON-RPC carries it: the number in hex, digest items SCALE-encoded in hex. */
export interface RpcHeader {
  readonly parentHash: string;
  readonly number: string;
  readonly stateRoot: string;
  readonly extrinsicsRoot: string;
  readonly digest: { readonly logs: readonly string[] };
}

const digestItemCodec = blockHeader.inner.digests.inner;

export function headerToRpc(header: Header): RpcHeader {
  return {
    parentHash: header.parentHash,
    number: `0x${header.number.toString(16)}`,
    stateRoot: header.stateRoot,
    extrinsicsRoot: header.extrinsicRoot,
    digest: { logs: header.digests.map((item) => toHex(digestItemCodec.enc(item))) },
  };
}

/** The inverse of `headerToRpc`; malformed fields become `ScaleDecodeError`. */
export function headerFromRpc(json: RpcHeader): Header {
  const number = Number.parseInt(json.number, 16);
  if (!/^0x[0-9a-f]+$/i.test(json.number) || !Number.isSafeInteger(number)) {
    throw new ScaleDecodeError("SCALE_MALFORMED", "the header number is not a hex integer", { number: json.number });
  }
  const hash = (value: string, what: string) => toHex(decodeExact(fixed32, fromHex(value), what));
  return {
    parentHash: hash(json.parentHash, "parentHash") as Header["parentHash"],
    number,
    stateRoot: hash(json.stateRoot, "stateRoot") as Header["stateRoot"],
    extrinsicRoot: hash(json.extrinsicsRoot, "extrinsicsRoot") as Header["extrinsicRoot"],
    digests: json.digest.logs.map((log) => decodeExact(digestItemCodec.dec, fromHex(log), "digest item")),
  };
}
