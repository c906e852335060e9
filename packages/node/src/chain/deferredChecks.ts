import type { SignatureCheck } from "@phala-ts/core";

/**
 * Signature checks set aside during a validation run instead of verified inline: the run goes on
 * as if each one passed, the checks are verified elsewhere (the node's verifier threads), and each
 * one that passes is remembered through its `remember` (a cache of what this node verified), so
 * that the next run over the same bytes finds it verified and does no crypto.
 */
export class DeferredChecks {
  readonly checks: SignatureCheck[] = [];
  readonly #remember: (() => void)[] = [];

  get size(): number {
    return this.checks.length;
  }

  defer(check: SignatureCheck, remember: () => void): void {
    this.checks.push(check);
    this.#remember.push(remember);
  }

  /** Remembers the checks that passed (`valid[i]` for `checks[i]`); answers whether all did. */
  settle(valid: readonly boolean[]): boolean {
    let all = true;
    for (const [i, remember] of this.#remember.entries()) {
      if (valid[i] === true) remember();
      else all = false;
    }
    return all;
  }
}
