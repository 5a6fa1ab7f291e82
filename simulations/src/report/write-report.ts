/**
 * Writes a scenario's result: report.json (everything), report.md (the
 * tables and plots), and the SVG plots that have data.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cdf } from '../metrics/stats.ts'
import { plot } from './svg.ts'
import { linksText } from './summary.ts'
import type { ScenarioResult } from '../scenarios/types.ts'

function plots (result: ScenarioResult): Record<string, string> {
  const out: Record<string, string> = {}
  const tag = `${result.scenario}, ${result.options.cells} cells, ${result.mode}`
  if (result.latencies.length > 0) {
    out['latency-cdf.svg'] = plot({
      title: `Delivery latency CDF (${tag})`, xLabel: 'ms after publishing', yLabel: 'share of deliveries', yRange: [0, 1],
      series: [{ label: 'deliveries', points: cdf(result.latencies), step: true }]
    })
  }
  if (result.convergence.length > 0) {
    out['convergence.svg'] = plot({
      title: `Convergence over time (${tag})`, xLabel: 'ms after the event', yLabel: 'share of cells done', yRange: [0, 1],
      series: [{ label: 'cells converged', points: [[0, 0], ...result.convergence], step: true }]
    })
  }
  if (result.sybilCurve.length > 0) {
    out['sybils-vs-attack-edges.svg'] = plot({
      title: `Sybils trusted vs attack edges (${result.options.sybils} Sybils)`, xLabel: 'attack edges k', yLabel: 'Sybil identities trusted',
      series: [
        { label: 'most trusted by any viewer', points: result.sybilCurve.map(p => [p.attackEdges, p.maxTrusted]) },
        { label: 'mean per viewer', points: result.sybilCurve.map(p => [p.attackEdges, p.meanTrusted]) },
        { label: 'bound 16·k', points: result.sybilCurve.map(p => [p.attackEdges, p.bound]), dashed: true }
      ]
    })
  }
  return out
}

function cell (value: unknown): string {
  return typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : String(value)
}

export function markdown (result: ScenarioResult, images: string[]): string {
  const o = result.options
  const lines = [
    `# Simulation report: ${result.scenario}`,
    '',
    `**Mode: ${result.label}.**`,
    '',
    `${o.cells} honest cells, topology ${o.topology} (degree ${o.degree}), ${linksText(o)}, ` +
      `attestation maxDepth ${o.maxDepth}, sync every ${o.syncInterval} ms, seed ${o.seed}. Run at ${result.startedAt}, ` +
      `${(result.durationMs / 1000).toFixed(1)} s wall clock, ${result.networkTimeMs.toFixed(0)} ms network time measured.`,
    '',
    '## Checks',
    '',
    '| Check | Target | Measured | |',
    '|---|---|---|---|',
    ...result.checks.map(c => `| ${c.name} | ${c.target} | ${c.measured} | ${c.pass ? 'met' : '**not met**'} |`),
    '',
    '## Metrics',
    '',
    '| Metric | Value |',
    '|---|---|',
    ...Object.entries(result.metrics).map(([k, v]) => `| ${k} | ${cell(v)} |`),
    ''
  ]
  if (result.sybilCurve.length > 0) {
    lines.push('## Sybils vs attack edges (metric, sampled viewers)', '', '| k | most trusted | mean | bound 16·k | honest wrongly rejected |', '|---|---|---|---|---|')
    for (const p of result.sybilCurve) lines.push(`| ${p.attackEdges} | ${p.maxTrusted} | ${p.meanTrusted.toFixed(2)} | ${p.bound} | ${(p.wronglyRejected * 100).toFixed(2)} % |`)
    lines.push('')
  }
  if (images.length > 0) lines.push('## Plots', '', ...images.map(name => `![${name}](${name})`), '')
  return lines.join('\n')
}

export async function writeReport (dir: string, result: ScenarioResult): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const images = plots(result)
  for (const [name, svg] of Object.entries(images)) await writeFile(join(dir, name), svg)
  await writeFile(join(dir, 'report.json'), JSON.stringify(result, null, 2) + '\n')
  await writeFile(join(dir, 'report.md'), markdown(result, Object.keys(images)))
  return ['report.json', 'report.md', ...Object.keys(images)].map(name => join(dir, name))
}
