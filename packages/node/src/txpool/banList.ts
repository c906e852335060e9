/**
 * Hashes refused without validation until a deadline. With a constant ban time and a monotonic
 * clock, Map insertion order is expiry order, so expired bans are purged from the front.
 */
export class BanList {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly banTimeMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    this.purge();
    return this.until.size;
  }

  ban(key: string): void {
    this.until.delete(key);
    this.until.set(key, this.now() + this.banTimeMs);
    while (this.until.size > this.maxEntries) {
      const oldest = this.until.keys().next();
      if (oldest.done) break;
      this.until.delete(oldest.value);
    }
  }

  isBanned(key: string): boolean {
    this.purge();
    return this.until.has(key);
  }

  private purge(): void {
    const now = this.now();
    for (const [key, deadline] of this.until) {
      if (deadline > now) break;
      this.until.delete(key);
    }
  }
}
