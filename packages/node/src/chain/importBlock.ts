import {
  encodeHeader,
  equalBytes,
  fromHex,
  type Header,
  headerHash,
  type Justification,
  PhalaError,
  toHex,
  verifyJustification,
} from "@phala-ts/core";
import { activeAuthorities } from "../consensus/activeAuthorities.js";
import { verifySeal } from "../consensus/seal.js";
import type { Runtime } from "../runtime/runtime.js";
import { BlockExecution, type ExecutedBlock, type ParentBlock } from "./blockExecution.js";
import type { ChainContext } from "./checkExtrinsic.js";

export type BlockImportErrorCode =
  | "BLOCK_BAD_PARENT"
  | "BLOCK_INVALID_EXTRINSIC"
  | "BLOCK_MISMATCH"
  | "BLOCK_NOT_FINALIZED";

export class BlockImportError extends PhalaError<BlockImportErrorCode> {
  override readonly name = "BlockImportError";
}

/**
 * Imports someone else's block: the parent link, the author's seal against the active authority
 * set, every extrinsic re-executed (all signatures verified), the resulting header (state root,
 * extrinsics root, runtime digests) identical to the one received, and the justification.
 * Throws a typed error and changes nothing when any of it fails.
 */
export function importBlock(
  runtime: Runtime,
  chain: ChainContext,
  parent: ParentBlock,
  header: Header,
  extrinsics: readonly Uint8Array[],
  justification: Justification | undefined,
): ExecutedBlock & { readonly hash: Uint8Array } {
  if (header.number !== parent.number + 1 || !equalBytes(fromHex(header.parentHash), parent.hash)) {
    throw new BlockImportError("BLOCK_BAD_PARENT", "the block does not extend its claimed parent", {
      number: header.number,
      parent: toHex(parent.hash),
    });
  }
  const set = activeAuthorities(parent.state);
  const unsealed = verifySeal(header, set.authorities);
  const preDigests = unsealed.digests.filter((item) => item.type === "preRuntime");
  const trustNothing = { ...chain, verifiedSignatures: undefined, verifiedMessages: undefined };
  const execution = new BlockExecution(runtime, trustNothing, parent, preDigests);
  for (const [index, bytes] of extrinsics.entries()) {
    try {
      execution.apply(execution.check(bytes));
    } catch (cause) {
      throw new BlockImportError(
        "BLOCK_INVALID_EXTRINSIC",
        `extrinsic ${index} of block ${header.number} is invalid`,
        {
          index,
          reason: cause instanceof PhalaError ? cause.code : String(cause),
        },
        { cause },
      );
    }
  }
  const executed = execution.finalize();
  if (!equalBytes(encodeHeader(executed.header), encodeHeader(unsealed))) {
    const field =
      executed.header.stateRoot !== unsealed.stateRoot
        ? "stateRoot"
        : executed.header.extrinsicRoot !== unsealed.extrinsicRoot
          ? "extrinsicsRoot"
          : "digest";
    throw new BlockImportError("BLOCK_MISMATCH", `re-executing the block gives another ${field}`, {
      number: header.number,
      field,
    });
  }
  const hash = headerHash(header);
  if (justification === undefined) {
    throw new BlockImportError("BLOCK_NOT_FINALIZED", "every block of this chain carries its justification", {
      number: header.number,
    });
  }
  verifyJustification(justification, hash, header.number, set);
  return { ...executed, header, hash };
}
