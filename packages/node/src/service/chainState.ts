import { EMPTY_TRIE_ROOT, encodeHeader, type Header, headerHash, type Trie, toHex } from "@phala-ts/core";

export interface StoredBlock {
  readonly hash: Uint8Array;
  readonly number: number;
  readonly header: Header;
}

export function genesisHeader(state: Trie): Header {
  return {
    parentHash: toHex(new Uint8Array(32)) as Header["parentHash"],
    number: 0,
    stateRoot: toHex(state.root()) as Header["stateRoot"],
    extrinsicRoot: toHex(EMPTY_TRIE_ROOT) as Header["extrinsicRoot"],
    digests: [],
  };
}

export function storedBlock(header: Header): StoredBlock {
  const encoded = encodeHeader(header);
  return { hash: headerHash(encoded), number: header.number, header };
}
