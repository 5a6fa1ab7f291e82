/**
 * Order statistics for the report.
 */
export interface Distribution {
  count: number
  min: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

/** Nearest-rank percentile of sorted values. */
export function percentile (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))
  return sorted[rank]
}

export function distribution (values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b)
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN
  }
}

/** Points (x, share of values ≤ x) of the empirical CDF. */
export function cdf (values: readonly number[]): Array<[number, number]> {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.map((value, i) => [value, (i + 1) / sorted.length])
}
