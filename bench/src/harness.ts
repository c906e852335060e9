export interface Measurement {
  /** Operations per second. */
  readonly rate: number;
  readonly runs: number;
}

/**
 * Runs `op` (which performs `opsPerRun` operations) after one warm-up run until both
 * `minRuns` runs and `minMillis` have passed; reports the median run's rate.
 */
export async function measure(
  op: () => unknown | Promise<unknown>,
  { opsPerRun = 1, minRuns = 3, minMillis = 1000, maxRuns = 10_000 } = {},
): Promise<Measurement> {
  await op();
  const rates: number[] = [];
  const start = performance.now();
  while (rates.length < maxRuns && (rates.length < minRuns || performance.now() - start < minMillis)) {
    const t = performance.now();
    await op();
    rates.push((opsPerRun * 1000) / (performance.now() - t));
  }
  rates.sort((a, b) => a - b);
  return { rate: rates[rates.length >> 1]!, runs: rates.length };
}

/** Batches `op` so that each timed run lasts long enough to measure. */
export function batch(op: () => unknown, times: number): () => void {
  return () => {
    for (let i = 0; i < times; i++) op();
  };
}

export interface Row {
  readonly figure: string;
  readonly unit: string;
  readonly ours: number;
  readonly baselineName: string;
  readonly baseline: number;
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toPrecision(3));

export function printTable(rows: readonly Row[]): void {
  const lines = rows.map((r) => [
    r.figure,
    `${fmt(r.ours)} ${r.unit}`,
    `${fmt(r.baseline)} ${r.unit}`,
    r.baselineName,
    `${(r.ours / r.baseline).toFixed(1)}x`,
  ]);
  const header = ["figure", "ours", "baseline", "baseline is", "ratio"];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(row(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(row(l));
}
