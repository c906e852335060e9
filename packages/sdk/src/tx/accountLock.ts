/**
 * Runs tasks one at a time per key, in call order: a signer's nonce is read and its transaction
 * handed to the pool before the next transaction of that signer reads the nonce, so concurrent
 * submissions from one account get consecutive nonces.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => {});
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
