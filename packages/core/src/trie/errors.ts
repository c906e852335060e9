import { PhalaError } from "../errors/phalaError.js";

export type TrieErrorCode =
  | "TRIE_NODE_INVALID"
  | "TRIE_PROOF_INCOMPLETE"
  | "TRIE_PROOF_ROOT_MISSING"
  | "TRIE_PROOF_MALFORMED"
  | "TRIE_INPUT_INVALID";

export class TrieError extends PhalaError<TrieErrorCode> {
  override readonly name = "TrieError";
}
