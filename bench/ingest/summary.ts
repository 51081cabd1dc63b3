/** p50/p95/min/max of a sample that may be large (bench/stats.ts spreads into Math.min, ≤ ~100k values). */
import type { Summary } from '../stats.ts';

export function summarizeMany(values: readonly number[]): Summary {
  const s = Float64Array.from(values).sort();
  const q = (p: number) => {
    const rank = (p / 100) * (s.length - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    return Math.round((s[lo]! + (s[hi]! - s[lo]!) * (rank - lo)) * 1000) / 1000;
  };
  if (!s.length) return { n: 0, p50: null, p95: null, min: null, max: null };
  return { n: s.length, p50: q(50), p95: q(95), min: s[0]!, max: s[s.length - 1]! };
}
