import { type DigestItem, type Header, orderedTrieRoot, type Trie, type TrieChange, toHex } from "@phala-ts/core";
import { systemStorage } from "../pallets/system.js";
import { ExecutionContext } from "../runtime/context.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { Runtime } from "../runtime/runtime.js";
import { type ApplyOutcome, applyExtrinsic } from "./applyExtrinsic.js";
import { type ChainContext, type CheckedExtrinsic, checkExtrinsic } from "./checkExtrinsic.js";

export interface ParentBlock {
  readonly hash: Uint8Array;
  readonly number: number;
  readonly state: Trie;
}

export interface ExecutedBlock {
  /** The header without its seal. */
  readonly header: Header;
  readonly extrinsics: readonly Uint8Array[];
  readonly state: Trie;
  /** The block's net storage changes, in key order (what pherry relays to pRuntimes). */
  readonly changes: readonly TrieChange[];
  readonly outcomes: readonly ApplyOutcome[];
}

/**
 * One block's execution on top of its parent's state, shared by the builder (which chooses the
 * extrinsics) and the importer (which replays someone else's): initialize, apply, finalize.
 */
export class BlockExecution {
  readonly exec: ExecutionContext;
  readonly #extrinsics: Uint8Array[] = [];
  readonly #outcomes: ApplyOutcome[] = [];

  constructor(
    readonly runtime: Runtime,
    readonly chain: ChainContext,
    readonly parent: ParentBlock,
    readonly preDigests: readonly DigestItem[],
  ) {
    const block = { number: parent.number + 1, parentHash: parent.hash };
    this.exec = new ExecutionContext(new StateOverlay(parent.state), block, chain.verifiedMessages);
    for (const pallet of runtime.pallets) pallet.hooks?.onInitialize?.(this.exec);
  }

  get number(): number {
    return this.exec.block.number;
  }

  get count(): number {
    return this.#extrinsics.length;
  }

  /** Checks the extrinsic against the current state. Throws (a typed error) without changing anything. */
  check(bytes: Uint8Array): CheckedExtrinsic {
    return checkExtrinsic(this.runtime, this.chain, this.exec.state, this.number, bytes);
  }

  /** Applies one extrinsic; on any throw the block is exactly as it was before. */
  apply(xt: CheckedExtrinsic): ApplyOutcome {
    const mark = this.exec.events.length;
    const phase = this.exec.phase;
    try {
      const outcome = this.exec.transactional(() =>
        applyExtrinsic(this.runtime, this.exec, this.#extrinsics.length, xt),
      );
      this.#extrinsics.push(xt.bytes);
      this.#outcomes.push(outcome);
      return outcome;
    } catch (error) {
      this.exec.events.length = mark;
      this.exec.phase = phase;
      throw error;
    }
  }

  finalize(): ExecutedBlock {
    const { exec, runtime } = this;
    exec.phase = { type: "Finalization", value: undefined };
    for (const pallet of runtime.pallets) pallet.hooks?.onFinalize?.(exec);
    systemStorage.ExtrinsicCount.set(exec.state, this.#extrinsics.length);
    systemStorage.EventCount.set(exec.state, exec.events.length);
    runtime.systemEvents.set(exec.state, exec.events);
    const changes = exec.state.changes();
    const state = this.parent.state.update(changes);
    const header: Header = {
      parentHash: toHex(this.parent.hash) as Header["parentHash"],
      number: this.number,
      stateRoot: toHex(state.root()) as Header["stateRoot"],
      extrinsicRoot: toHex(orderedTrieRoot(this.#extrinsics, "V0")) as Header["extrinsicRoot"],
      digests: [...this.preDigests, ...exec.digests],
    };
    return { header, extrinsics: [...this.#extrinsics], state, changes, outcomes: [...this.#outcomes] };
  }
}
