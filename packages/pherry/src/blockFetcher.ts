import type { Logger } from "pino";
import type { BlockSource, SourceBlock } from "./blockSource.js";
import { isResponseTooBig } from "./nodeRpc.js";
import { PherryError } from "./pherryError.js";

/**
 * Asks the node for as many blocks at once as it will send. The range starts at `maxRange`; when
 * the node refuses an answer as over its response limit (busy blocks: their storage changes add
 * up), the range is halved and asked again at once, and after each full range the node sends it
 * doubles back towards `maxRange`. A single block over the limit cannot be relayed at all.
 */
export class BlockFetcher {
  #range: number;

  constructor(
    private readonly source: Pick<BlockSource, "blocks">,
    private readonly maxRange: number,
    private readonly logger?: Logger,
  ) {
    this.#range = maxRange;
  }

  /** Blocks asked for at once now. */
  get range(): number {
    return this.#range;
  }

  /** Blocks from `from` on, as many as the node sends at once, up to `last` at most. */
  async fetch(from: number, last: number): Promise<SourceBlock[]> {
    for (;;) {
      const to = Math.min(last, from + this.#range - 1);
      try {
        const blocks = await this.source.blocks(from, to);
        if (to - from + 1 === this.#range) this.#range = Math.min(this.maxRange, this.#range * 2);
        return blocks;
      } catch (error) {
        if (!isResponseTooBig(error)) throw error;
        if (to === from) {
          throw new PherryError(
            "PHERRY_BLOCK_TOO_LARGE",
            `block #${from}'s storage changes are over the node's RPC response limit`,
            { block: from },
            { cause: error },
          );
        }
        this.#range = Math.max(1, Math.floor((to - from + 1) / 2));
        this.logger?.warn(
          { from, to, range: this.#range },
          `the node's answer for #${from}..#${to} is over its size limit: asking for ${this.#range} blocks at once`,
        );
      }
    }
  }
}
