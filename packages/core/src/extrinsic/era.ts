import { type Codec, createCodec, createDecoder, u8, u16 } from "@polkadot-api/substrate-bindings";
import { decodeExact } from "../scale/index.js";
import { ExtrinsicError } from "./extrinsicError.js";

/**
 * sp_runtime `generic::Era`. A mortal era is valid for `period` blocks starting at a block whose
 * number is `phase` modulo `period`.
 */
export type Era =
  | { readonly type: "Immortal" }
  | { readonly type: "Mortal"; readonly period: number; readonly phase: number };

export const IMMORTAL_ERA: Era = Object.freeze({ type: "Immortal" });

export const MIN_ERA_PERIOD = 4;
export const MAX_ERA_PERIOD = 1 << 16;

/** Periods above 4096 keep only 12 bits of phase: the phase is a multiple of period / 4096. */
function quantizeFactor(period: number): number {
  return Math.max(period >> 12, 1);
}

function invalidEra(message: string, details: Record<string, unknown>): ExtrinsicError {
  return new ExtrinsicError("EXTRA_INVALID_ERA", message, details);
}

function assertBlockNumber(current: number): void {
  if (!Number.isSafeInteger(current) || current < 0) {
    throw invalidEra("block number must be a non-negative safe integer", { current });
  }
}

/**
 * `Era::mortal(period, current)`: the period is rounded up to a power of two and clamped to
 * 4..65536, the phase is `current % period` rounded down to what the encoding can hold.
 */
export function mortalEra(period: number, current: number): Era {
  if (!Number.isSafeInteger(period) || period < 0) {
    throw invalidEra("era period must be a non-negative safe integer", { period });
  }
  assertBlockNumber(current);
  let rounded = MIN_ERA_PERIOD;
  while (rounded < period && rounded < MAX_ERA_PERIOD) rounded *= 2;
  const factor = quantizeFactor(rounded);
  const phase = Math.floor((current % rounded) / factor) * factor;
  return { type: "Mortal", period: rounded, phase };
}

function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value > 0 && (value & (value - 1)) === 0;
}

function assertEncodable(era: Era): void {
  if (era?.type === "Immortal") return;
  if (era?.type !== "Mortal") throw invalidEra("unknown era kind", { type: String((era as { type?: unknown })?.type) });
  const { period, phase } = era;
  if (!isPowerOfTwo(period) || period < MIN_ERA_PERIOD || period > MAX_ERA_PERIOD) {
    throw invalidEra("era period must be a power of two in 4..65536", { period });
  }
  if (!Number.isInteger(phase) || phase < 0 || phase >= period || phase % quantizeFactor(period) !== 0) {
    throw invalidEra("era phase must be below the period and a multiple of its quantize factor", { period, phase });
  }
}

const encodeEraValue = (era: Era): Uint8Array => {
  assertEncodable(era);
  if (era.type === "Immortal") return u8.enc(0);
  const { period, phase } = era;
  // log2(period) - 1 in the low 4 bits, the quantized phase in the high 12.
  const periodBits = Math.min(15, Math.max(1, Math.log2(period) - 1));
  return u16.enc(periodBits | ((phase / quantizeFactor(period)) << 4));
};

const decodeEraValue = createDecoder((input): Era => {
  const first = u8.dec(input);
  if (first === 0) return IMMORTAL_ERA;
  const encoded = first + (u8.dec(input) << 8);
  const period = 2 << (encoded % 16);
  const phase = (encoded >> 4) * quantizeFactor(period);
  if (period < MIN_ERA_PERIOD || phase >= period) {
    throw invalidEra("invalid era period and phase", { encoded, period, phase });
  }
  return { type: "Mortal", period, phase };
});

/** Immortal is the single byte 0x00; mortal is a little-endian u16 whose first byte is never 0. */
export const EraCodec: Codec<Era> = createCodec(encodeEraValue, decodeEraValue);

export function encodeEra(era: Era): Uint8Array {
  return EraCodec.enc(era);
}

export function decodeEra(bytes: Uint8Array): Era {
  return decodeExact(EraCodec.dec, bytes, "Era");
}

/** The block number this era's validity starts at, for a transaction checked at `current`. */
export function eraBirth(era: Era, current: number): number {
  assertEncodable(era);
  assertBlockNumber(current);
  if (era.type === "Immortal") return 0;
  const { period, phase } = era;
  return Math.floor((Math.max(current, phase) - phase) / period) * period + phase;
}

/** The first block number at which the era has ended; `Infinity` for immortal (sp-runtime: u64::MAX). */
export function eraDeath(era: Era, current: number): number {
  const birth = eraBirth(era, current);
  return era.type === "Immortal" ? Number.POSITIVE_INFINITY : birth + era.period;
}

/**
 * Whether a transaction with `era` is alive at block `current`: birth ≤ current < death. A mortal
 * era is not alive before its first phase-aligned block. CheckMortality also needs the birth
 * block's hash to be known, which the signature over `birthHash` enforces.
 */
export function isEraValidAt(era: Era, current: number): boolean {
  return eraBirth(era, current) <= current && current < eraDeath(era, current);
}
