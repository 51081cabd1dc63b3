/** Small statistics helpers for the benchmarks. */

/** Percentile (0..100) with linear interpolation between the closest ranks; NaN for no data. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

export interface Summary {
  n: number;
  p50: number | null;
  p95: number | null;
  min: number | null;
  max: number | null;
}

export function summarize(values: readonly number[]): Summary {
  const nn = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  return {
    n: values.length,
    p50: nn(percentile(values, 50)),
    p95: nn(percentile(values, 95)),
    min: nn(values.length ? Math.min(...values) : NaN),
    max: nn(values.length ? Math.max(...values) : NaN),
  };
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
