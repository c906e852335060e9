import { Trie } from "@phala-ts/core";
import { StateOverlay } from "../runtime/overlay.js";
import type { Runtime } from "../runtime/runtime.js";

/** Each pallet's genesis configuration, keyed by pallet name. */
export type GenesisConfig = Readonly<Record<string, unknown>>;

/** The genesis state: every pallet writes its part; deterministic for a given config. */
export function buildGenesisState(runtime: Runtime, config: GenesisConfig): Trie {
  const state = new StateOverlay(Trie.empty("V1"));
  for (const pallet of runtime.pallets) {
    const part = config[pallet.name];
    if (part !== undefined && pallet.genesis === undefined)
      throw new Error(`pallet ${pallet.name} takes no genesis config`);
    if (part !== undefined) pallet.genesis!(state, part);
  }
  for (const name of Object.keys(config)) {
    if (runtime.pallet(name) === undefined) throw new Error(`genesis config for unknown pallet ${name}`);
  }
  return state.commit();
}
