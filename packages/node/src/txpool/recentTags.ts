/**
 * Tags the chain provided in the last few blocks. A transaction validated against a slightly older
 * state may still name them in `requires`; they count as satisfied until revalidation catches up.
 */
export class RecentTags {
  private readonly roundOf = new Map<string, number>();
  private readonly rounds: { round: number; tags: string[] }[] = [];
  private round = 0;

  constructor(private readonly keepRounds: number) {}

  has(tag: string): boolean {
    return this.roundOf.has(tag);
  }

  /** Starts a new round with `tags`, forgetting rounds older than `keepRounds`. */
  add(tags: Iterable<string>): void {
    this.round++;
    const kept: string[] = [];
    for (const tag of tags) {
      this.roundOf.set(tag, this.round);
      kept.push(tag);
    }
    this.rounds.push({ round: this.round, tags: kept });
    while (this.rounds.length > this.keepRounds) {
      const old = this.rounds.shift();
      if (old === undefined) break;
      for (const tag of old.tags) if (this.roundOf.get(tag) === old.round) this.roundOf.delete(tag);
    }
  }
}
