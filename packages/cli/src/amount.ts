import { CliError } from "./cliError.js";

/** PHA has 12 decimals: 1 PHA = 10^12 planck, the chain's unit. */
export const PHA_DECIMALS = 12;
export const PLANCK_PER_PHA = 10n ** BigInt(PHA_DECIMALS);
/** Balances are u128 on chain. */
const MAX_BALANCE = (1n << 128n) - 1n;

const PHA_AMOUNT = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;

const bad = (text: string, why: string) => new CliError("CLI_BAD_AMOUNT", `${text} ${why}`, { amount: text });

function checked(planck: bigint, text: string): bigint {
  if (planck === 0n) throw bad(text, "is zero: an amount must be more than nothing");
  if (planck > MAX_BALANCE) throw bad(text, "is more than a balance can hold (2^128 - 1 planck)");
  return planck;
}

/**
 * An amount of PHA as people write it (`1`, `2.5`, `0.000000000001`, `1_000`) in planck, exactly:
 * no floating point, at most 12 decimals, more than zero.
 */
export function parsePha(text: string): bigint {
  const match = PHA_AMOUNT.exec(text.trim().replaceAll("_", ""));
  if (match === null) throw bad(text, `is not an amount of PHA: digits with at most ${PHA_DECIMALS} decimals`);
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? match[3] ?? "";
  if (fraction.length > PHA_DECIMALS)
    throw bad(text, `has more than ${PHA_DECIMALS} decimals (1 planck is 0.000000000001 PHA)`);
  return checked(BigInt(whole) * PLANCK_PER_PHA + BigInt(fraction.padEnd(PHA_DECIMALS, "0")), text);
}

/** A raw amount in planck (or of gas): a whole number, more than zero. */
export function parsePlanck(text: string, unit = "planck"): bigint {
  const digits = text.trim().replaceAll("_", "");
  if (!/^\d+$/.test(digits)) throw bad(text, `is not a whole number of ${unit}`);
  return checked(BigInt(digits), text);
}

/** Planck as PHA, exactly, without trailing zeros: `1500000000000n` is `1.5`. */
export function formatPha(planck: bigint): string {
  const sign = planck < 0n ? "-" : "";
  const magnitude = planck < 0n ? -planck : planck;
  const whole = magnitude / PLANCK_PER_PHA;
  const fraction = (magnitude % PLANCK_PER_PHA).toString().padStart(PHA_DECIMALS, "0").replace(/0+$/, "");
  return `${sign}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

/** `1.5 PHA`. */
export const phaText = (planck: bigint): string => `${formatPha(planck)} PHA`;
