/** Small helpers shared by the benchmarks: medians and a uniform report. */
export function median (values: number[]): number {
  const sorted = [...values].filter(value => !Number.isNaN(value)).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function percentile (values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** Print a titled table of [label, value, note] rows. */
export function report (title: string, rows: Array<[string, number, string?]>, method: string): void {
  const width = Math.max(...rows.map(([label]) => label.length))
  process.stdout.write(`\n## ${title}\n(${method})\n`)
  for (const [label, value, note] of rows) {
    const shown = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1)
    process.stdout.write(`  ${label.padEnd(width)}  ${shown.padStart(10)}${note != null ? `   ${note}` : ''}\n`)
  }
}
