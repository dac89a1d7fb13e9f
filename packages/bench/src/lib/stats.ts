/** Summary of latency samples in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(samples: readonly number[]): LatencySummary {
  const count = samples.length;
  return {
    count,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    mean: count ? samples.reduce((a, b) => a + b, 0) / count : NaN,
    max: count ? Math.max(...samples) : NaN,
  };
}
