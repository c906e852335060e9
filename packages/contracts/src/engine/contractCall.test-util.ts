import type { JsonValue } from "../kit/json.js";
import type { CallContext, ContractCall, ContractEntry, ContractLimits, StorageView } from "./contractCall.js";
import { DEFAULT_LIMITS } from "./limits.js";

/** A committed store for tests: a sorted map that takes an outcome's writes. */
export class MemoryStorage implements StorageView {
  readonly map = new Map<string, string>();

  constructor(entries: [string, string][] = []) {
    for (const [key, value] of entries) this.map.set(key, value);
  }

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  entries(prefix: string): [string, string][] {
    return [...this.map].filter(([key]) => key.startsWith(prefix));
  }

  apply(writes: readonly [string, string | null][]): void {
    for (const [key, value] of writes) value === null ? this.map.delete(key) : this.map.set(key, value);
  }
}

export const bytes32 = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

export const TEST_CTX: CallContext = {
  contractId: bytes32(0xc1),
  caller: bytes32(0xa1),
  blockNumber: 42,
  timestampMs: 1_700_000_000_000,
  randomSeed: bytes32(0x5e),
};

/** A bundle in the engine's format from the text of an object literal with the entry points. */
export const contractCode = (definition: string): string => `var __phalaContract = (${definition});`;

export function testCall(
  code: string,
  entry: ContractEntry,
  input: JsonValue = null,
  overrides: { storage?: StorageView; ctx?: Partial<CallContext>; limits?: Partial<ContractLimits> } = {},
): ContractCall {
  return {
    code,
    entry,
    input,
    ctx: { ...TEST_CTX, ...overrides.ctx },
    storage: overrides.storage ?? new MemoryStorage(),
    limits: { ...DEFAULT_LIMITS, ...overrides.limits },
  };
}
