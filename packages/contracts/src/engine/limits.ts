/**
 * The numbers every worker must agree on: changing any of them changes outcomes, so they are
 * protocol constants, not options.
 */

/**
 * Gas schedule. One unit is one interpreter tick (a jump back or a call, 20 to 40 ns here); the
 * fixed charges are what the host's work for them takes, in ticks. A built-in is one tick
 * however much it does (see `ContractEngineOptions.timeLimitMs`).
 */
export const GAS = {
  /** The interrupt handler runs (and charges) every this many ticks. */
  perInterrupt: 100,
  /** A fresh runtime and context and the sandbox in it (about 0.3 ms); a warm query pays it too. */
  callBase: 10_000,
  /** Compiling the bundle, per character (about 100 ns); a warm query pays it too. */
  perCodeChar: 3,
  /** Input and output JSON, per character. */
  perIoChar: 1,
  storageRead: 100,
  storageWrite: 500,
  /** Per character of key and value read, listed or written (writes pay it twice). */
  perStorageChar: 1,
  event: 300,
  perEventChar: 1,
  random: 100,
  perRandomByte: 1,
} as const;

/** About 0.3 s of interpreted code, 16 MiB, about 250 levels of plain recursion. */
export const DEFAULT_LIMITS = { gas: 10_000_000, memoryBytes: 16 << 20, stackBytes: 48 << 10 } as const;

/** Bounds on what a host may ask for (a bad limit is a host bug: `CONTRACT_BAD_CALL`). */
export const LIMIT_BOUNDS = {
  memoryBytes: { min: 1 << 20, max: 128 << 20 },
  /**
   * QuickJS measures its stack in WebAssembly linear memory, but its native JSON code spends up
   * to 12 times as much of V8's own stack (984 KiB by default), and a call must overflow
   * QuickJS's stack first, deterministically. Up to 64 KiB that needs about 800 KiB of V8 stack
   * free where `run` is called.
   */
  stackBytes: { min: 16 << 10, max: 64 << 10 },
} as const;

/** The engine's WebAssembly memory: where it starts (the module's own 16 MiB) and its ceiling. */
export const INITIAL_HEAP_BYTES = 16 << 20;
export const DEFAULT_HEAP_BYTES = 256 << 20;
export const MIN_HEAP_BYTES = 32 << 20;

/**
 * The stack while the bundle is compiled and its top level runs; code nested deeper is refused.
 * Smaller than the call's, because QuickJS's parser spends about 25 bytes of V8's stack for each
 * byte it counts.
 */
export const CODE_STACK_BYTES = 24 << 10;

export const MAX_INPUT_CHARS = 1 << 20;
export const MAX_OUTPUT_CHARS = 1 << 20;
export const MAX_INPUT_DEPTH = 64;
export const MAX_KEY_CHARS = 1024;
export const MAX_VALUE_CHARS = 1 << 20;
export const MAX_EVENTS = 256;
export const MAX_EVENT_CHARS = 64 << 10;
export const MAX_RANDOM_BYTES = 64 << 10;
export const MAX_ERROR_MESSAGE_CHARS = 1024;

/** The global the bundle assigns its definition to (esbuild's `globalName`). */
export const CONTRACT_GLOBAL = "__phalaContract";
