/**
 * The one-screen summary printed at the end of a run.
 */
import type { SimOptions } from '../core/options.ts'
import type { ScenarioResult } from '../scenarios/types.ts'

/** The links of a run; real TCP (processes mode) is not delayed by --latency/--jitter. */
export function linksText (options: SimOptions): string {
  if (options.mode === 'processes') return 'links: loopback TCP (--latency/--jitter not applied)'
  if (options.transport === 'tcp') return `links: loopback TCP (--latency/--jitter not applied), DHT ${options.dht} mode`
  const links = `links ${options.latency} ms ± ${Math.round(options.jitter * 100)} %`
  return options.mode === 'libp2p' ? `${links}, DHT ${options.dht} mode` : links
}

export function summary (result: ScenarioResult): string {
  const lines = [
    `scenario ${result.scenario} — ${result.label}`,
    `${result.options.cells} cells, ${result.options.topology} degree ${result.options.degree}, ${linksText(result.options)}, seed ${result.options.seed}`,
    `wall clock ${(result.durationMs / 1000).toFixed(1)} s`,
    ''
  ]
  const width = Math.max(...Object.keys(result.metrics).map(k => k.length))
  for (const [key, value] of Object.entries(result.metrics)) {
    lines.push(`  ${key.padEnd(width)}  ${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : String(value)}`)
  }
  lines.push('')
  for (const c of result.checks) lines.push(`  [${c.pass ? 'met' : 'NOT MET'}] ${c.name}: ${c.measured} (target ${c.target})`)
  return lines.join('\n') + '\n'
}
