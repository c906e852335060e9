import { type Header, toHex } from "@phala-ts/core";
import { blockHeader } from "@polkadot-api/substrate-bindings";
import { hex } from "./params.js";

const digestItemCodec = blockHeader.inner.digests.inner;

/** A header as Substrate's RPC returns it: numbers in hex, digest items SCALE-encoded. */
export function headerJson(header: Header) {
  return {
    parentHash: header.parentHash,
    number: hex(header.number),
    stateRoot: header.stateRoot,
    extrinsicsRoot: header.extrinsicRoot,
    digest: { logs: header.digests.map((item) => toHex(digestItemCodec.enc(item))) },
  };
}
