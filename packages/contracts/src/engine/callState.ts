import { fromHex } from "@phala-ts/core";
import { ContractError } from "../contractError.js";
import type { JsonValue } from "../kit/json.js";
import type { ContractCall, ContractEvent, StorageView } from "./contractCall.js";
import { GAS, MAX_EVENT_CHARS, MAX_EVENTS, MAX_KEY_CHARS, MAX_RANDOM_BYTES, MAX_VALUE_CHARS } from "./limits.js";
import { RandomStream } from "./randomStream.js";

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
const ACCOUNT_HEX = /^0x[0-9a-fA-F]{64}$/;

/**
 * One call's effects and meter, on the host side: gas (the interrupt handler and the charge for
 * each host operation), buffered writes and events, the random stream. The sandbox calls its
 * operations with plain values; they throw the contract's errors (a bad key, a query writing)
 * as ordinary exceptions. Nothing here outlives the call.
 */
export class CallState {
  gasUsed = 0;
  /** Set once gas runs out; the next interrupt then ends the call, caught or not. */
  outOfGas = false;
  /** The host's storage threw: not the contract's doing, so `run` rethrows it. */
  hostError: unknown;
  /** The wall clock passed the deadline (checked at each interrupt). */
  timedOut = false;
  readonly writes = new Map<string, string | null>();
  readonly events: ContractEvent[] = [];
  readonly #gasLimit: number;
  readonly #storage: StorageView;
  readonly #seed: Uint8Array | (() => Uint8Array);
  readonly #readOnly: boolean;
  readonly #deadline: number;
  #random: RandomStream | undefined;
  #randomTaken = 0;

  constructor(call: ContractCall, timeLimitMs?: number) {
    this.#deadline = timeLimitMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeLimitMs;
    this.#gasLimit = call.limits.gas;
    this.#storage = call.storage;
    this.#seed = call.ctx.randomSeed;
    this.#readOnly = call.entry === "query";
  }

  /** Adds `gas`; false (and out of gas from then on) when that passes the limit. */
  charge(gas: number): boolean {
    this.gasUsed += gas;
    if (this.gasUsed > this.#gasLimit) this.outOfGas = true;
    return !this.outOfGas;
  }

  readonly onInterrupt = (): boolean => {
    this.charge(GAS.perInterrupt);
    if (this.#deadline !== Number.POSITIVE_INFINITY && performance.now() > this.#deadline) this.timedOut = true;
    return this.outOfGas || this.timedOut || this.hostError !== undefined;
  };

  sortedWrites(): [string, string | null][] {
    return [...this.writes].sort(byKey);
  }

  get(key: string): string | undefined {
    this.#pay(GAS.storageRead + GAS.perStorageChar * this.#key(key).length);
    const value = this.writes.has(key) ? this.writes.get(key) : this.#read((storage) => storage.get(key));
    if (value === null || value === undefined) return undefined;
    this.#pay(GAS.perStorageChar * value.length);
    return value;
  }

  set(key: string, value: string): void {
    this.#writable();
    if (value.length > MAX_VALUE_CHARS)
      throw new RangeError(`a storage value is at most ${MAX_VALUE_CHARS} characters`);
    this.#pay(GAS.storageWrite + 2 * GAS.perStorageChar * (this.#key(key).length + value.length));
    this.writes.set(key, value);
  }

  delete(key: string): void {
    this.#writable();
    this.#pay(GAS.storageWrite + GAS.perStorageChar * this.#key(key).length);
    this.writes.set(key, null);
  }

  /** The entries under `prefix`, this call's writes included, sorted by key, as JSON. */
  entriesJson(prefix: string): string {
    this.#pay(GAS.storageRead + GAS.perStorageChar * this.#key(prefix).length);
    const merged = new Map<string, string | null>();
    for (const [key, value] of this.#read((storage) => storage.entries(prefix)))
      if (key.startsWith(prefix)) merged.set(key, value);
    for (const [key, value] of this.writes) if (key.startsWith(prefix)) merged.set(key, value);
    const entries: [string, string][] = [];
    let chars = 0;
    for (const [key, value] of merged)
      if (value !== null) {
        entries.push([key, value]);
        chars += key.length + value.length;
      }
    this.#pay(GAS.perStorageChar * chars);
    return JSON.stringify(entries.sort(byKey));
  }

  emit(json: string, to: string | undefined): void {
    if (this.events.length >= MAX_EVENTS) throw new RangeError(`a call emits at most ${MAX_EVENTS} events`);
    if (json.length > MAX_EVENT_CHARS) throw new RangeError(`event data is at most ${MAX_EVENT_CHARS} characters`);
    if (to !== undefined && !ACCOUNT_HEX.test(to))
      throw new TypeError("an event's `to` is a 0x-prefixed 32-byte account");
    this.#pay(GAS.event + GAS.perEventChar * json.length);
    const data = JSON.parse(json) as JsonValue;
    this.events.push(to === undefined ? { data } : { data, to: fromHex(to) });
  }

  randomBytes(n: number): Uint8Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError("randomBytes(n) needs a whole n >= 0");
    if (this.#randomTaken + n > MAX_RANDOM_BYTES)
      throw new RangeError(`a call takes at most ${MAX_RANDOM_BYTES} random bytes`);
    this.#pay(GAS.random + GAS.perRandomByte * n);
    this.#randomTaken += n;
    this.#random ??= new RandomStream(this.#seedBytes());
    return this.#random.next(n);
  }

  /** The seed; a host function that fails or returns other than 32 bytes is the host's error, as a failing read. */
  #seedBytes(): Uint8Array {
    const seed = this.#seed;
    if (typeof seed !== "function") return seed;
    let bytes: unknown;
    try {
      bytes = seed();
    } catch (error) {
      bytes = error;
    }
    if (bytes instanceof Uint8Array && bytes.length === 32) return bytes;
    this.hostError ??=
      bytes instanceof Error ? bytes : new ContractError("CONTRACT_BAD_CALL", "ctx.randomSeed() must return 32 bytes");
    throw new Error("the host could not derive randomness");
  }

  #writable(): void {
    if (this.#readOnly) throw Object.assign(new Error("storage is read-only in a query"), { name: "ReadOnlyError" });
  }

  #pay(gas: number): void {
    if (!this.charge(gas)) throw new Error("out of gas");
  }

  #read<T>(read: (storage: StorageView) => T): T {
    try {
      return read(this.#storage);
    } catch (error) {
      this.hostError ??= error;
      throw new Error("the host could not read storage");
    }
  }

  #key(key: string): string {
    if (key.length > MAX_KEY_CHARS) throw new RangeError(`a storage key is at most ${MAX_KEY_CHARS} characters`);
    return key;
  }
}
