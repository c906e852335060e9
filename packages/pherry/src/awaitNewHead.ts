import { sleep } from "./sleep.js";

/** What `awaitNewHead` asks: the hash of the node's finalized head. */
export interface HeadSource {
  finalizedHash(): Promise<string>;
}

export interface AwaitNewHeadOptions {
  /** Between two questions, in ms. */
  readonly pollMs: number;
  /** The longest wait, in ms. */
  readonly maxMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Waits until the finalized head is another than `seen` (true), or `maxMs` passed or `signal`
 * aborted (false), asking `source` every `pollMs`. A failing question rejects.
 */
export async function awaitNewHead(source: HeadSource, seen: string, options: AwaitNewHeadOptions): Promise<boolean> {
  const until = Date.now() + options.maxMs;
  for (;;) {
    const left = until - Date.now();
    if (left <= 0 || options.signal?.aborted) return false;
    await sleep(Math.min(options.pollMs, left), options.signal);
    if (options.signal?.aborted) return false;
    if ((await source.finalizedHash()) !== seen) return true;
  }
}
