/** An authority set as GRANDPA has it: Ed25519 keys with voting weights, under a set id. */
export interface AuthoritySet {
  readonly setId: bigint;
  readonly authorities: readonly (readonly [id: Uint8Array, weight: bigint])[];
}

export function totalWeight(set: AuthoritySet): bigint {
  let total = 0n;
  for (const [, weight] of set.authorities) total += weight;
  return total;
}

/** More than two thirds of the total weight: the finality threshold. */
export function isSupermajority(set: AuthoritySet, weight: bigint): boolean {
  return weight * 3n > totalWeight(set) * 2n;
}
