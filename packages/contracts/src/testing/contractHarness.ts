import { blake2_256, type HexString, toHex, utf8 } from "@phala-ts/core";
import { buildContract } from "../build/buildContract.js";
import type { ContractEntry, ContractLimits, ContractOutcome, StorageView } from "../engine/contractCall.js";
import { ContractEngine } from "../engine/contractEngine.js";
import { DEFAULT_LIMITS } from "../engine/limits.js";
import type { JsonValue } from "../kit/json.js";

/** A test account: 32 bytes and the `0x` hex a contract sees as `ctx.caller`. */
export interface TestAccount {
  readonly bytes: Uint8Array;
  readonly hex: HexString;
}

/** The account whose 32 bytes are all `n` (0 to 255). */
export function account(n: number): TestAccount {
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new RangeError(`account(n) takes 0 to 255, not ${n}`);
  const bytes = new Uint8Array(32).fill(n);
  return { bytes, hex: toHex(bytes) };
}

/** The block a call runs in; `timestamp` in milliseconds. */
export interface Block {
  readonly number: number;
  readonly timestamp: number;
}

/** Who sends a call (a test account or raw 32 bytes), and optionally another block than `harness.block`. */
export interface CallOptions {
  readonly caller: TestAccount | Uint8Array;
  readonly block?: Block;
}

/** An event of a successful `init` or `handle`, with `to` in hex. */
export interface HarnessEvent {
  readonly data: JsonValue;
  readonly to?: HexString;
}

/** A shared engine (one is loaded otherwise), the contract's id and its limits. */
export interface HarnessOptions {
  readonly engine?: ContractEngine;
  readonly contractId?: Uint8Array;
  readonly limits?: Partial<ContractLimits>;
}

/**
 * One contract instance for tests: runs its entry points in the engine, as a worker would, and
 * keeps its committed storage and events in memory. A failed call changes nothing.
 */
export class ContractHarness {
  /** Committed storage: each successful `init` or `handle` applies its writes. */
  readonly storage = new Map<string, string>();
  /** The events of every successful `init` and `handle`, in order. */
  readonly events: HarnessEvent[] = [];
  /** The block calls run in unless they name another; set it to move time on. */
  block: Block = { number: 1, timestamp: 0 };
  readonly contractId: Uint8Array;
  readonly limits: ContractLimits;
  #calls = 0;
  readonly #view: StorageView = {
    get: (key) => this.storage.get(key),
    entries: (prefix) => [...this.storage].filter(([key]) => key.startsWith(prefix)),
  };

  private constructor(
    readonly code: string,
    readonly engine: ContractEngine,
    options: HarnessOptions,
  ) {
    this.contractId = options.contractId ?? new Uint8Array(32).fill(0xc0);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** Bundles the contract file with `buildContract` and makes a harness for it. */
  static async fromFile(path: string, options: HarnessOptions = {}): Promise<ContractHarness> {
    return ContractHarness.fromCode((await buildContract(path)).code, options);
  }

  /** A harness for an already built bundle. */
  static async fromCode(code: string, options: HarnessOptions = {}): Promise<ContractHarness> {
    return new ContractHarness(code, options.engine ?? (await ContractEngine.create()), options);
  }

  /** Instantiates the contract. */
  init(args: JsonValue, options: CallOptions): ContractOutcome {
    return this.#run("init", args, options.caller, options.block);
  }

  /** Runs one command. */
  handle(command: JsonValue, options: CallOptions): ContractOutcome {
    return this.#run("handle", command, options.caller, options.block);
  }

  /** Asks a read-only query, signed by `caller` or by nobody. */
  query(request: JsonValue, options: Partial<CallOptions> = {}): ContractOutcome {
    return this.#run("query", request, options.caller, options.block);
  }

  #run(entry: ContractEntry, input: JsonValue, caller: CallOptions["caller"] | undefined, block = this.block) {
    // A seed from the contract, the block and the call's index: repeatable, and new for each call.
    const seed = blake2_256(utf8(`${toHex(this.contractId)}/${block.number}/${this.#calls++}`));
    const outcome = this.engine.run({
      code: this.code,
      entry,
      input,
      ctx: {
        contractId: this.contractId,
        caller: caller instanceof Uint8Array ? caller : caller?.bytes,
        blockNumber: block.number,
        timestampMs: block.timestamp,
        randomSeed: seed,
      },
      storage: this.#view,
      limits: this.limits,
    });
    if (outcome.ok && entry !== "query") {
      for (const [key, value] of outcome.writes)
        value === null ? this.storage.delete(key) : this.storage.set(key, value);
      for (const { data, to } of outcome.events)
        this.events.push(to === undefined ? { data } : { data, to: toHex(to) });
    }
    return outcome;
  }
}
