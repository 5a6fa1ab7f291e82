/**
 * The propagation target configuration: 500 cells, 25 ms ± 10 % links,
 * degree 6, maxDepth 2. Runs the simulation's propagation scenario (five
 * new attestations, each followed until every cell that keeps the issuer's
 * records holds it) and prints delivery, latency percentiles, messages per
 * delivery and memory per cell, as medians over several seeds.
 *
 * Model mode by default (virtual time: the figures do not depend on the
 * machine's load); `libp2p` runs real cell cores on wall-clock time, one
 * run only unless asked, as 500 of them take minutes.
 *
 *   npx node bench/sim-propagation.ts [model|libp2p] [runs] [cells]
 */
import { Progress } from '../simulations/src/cli/progress.ts'
import { propagation } from '../simulations/src/scenarios/propagation.ts'
import { median, report } from './stats.ts'
import type { SimOptions } from '../simulations/src/core/options.ts'

const mode = process.argv[2] === 'libp2p' ? 'libp2p' : 'model'
const runs = Number(process.argv[3] ?? (mode === 'model' ? 3 : 1))
const cells = Number(process.argv[4] ?? 500)

function options (seed: number): SimOptions {
  return {
    scenario: 'propagation',
    cells,
    seed,
    latency: 25,
    jitter: 0.1,
    degree: 6,
    topology: 'random-regular',
    mode,
    maxDepth: 2,
    syncInterval: 30_000,
    dht: 'client',
    transport: 'memory',
    sybils: 0,
    attackEdges: 0,
    attackers: 0,
    spam: 0,
    churn: 0.3,
    progress: false
  }
}

const rows: Record<string, number[]> = { delivery: [], p50: [], p90: [], p99: [], max: [], perDelivery: [], rss: [], wall: [] }
for (let seed = 1; seed <= runs; seed++) {
  const result = await propagation.run({ options: options(seed), progress: new Progress(false) })
  const m = result.metrics
  rows.delivery.push(Number(m.deliveryRatio) * 100)
  rows.p50.push(Number(m.latencyP50Ms))
  rows.p90.push(Number(m.latencyP90Ms))
  rows.p99.push(Number(m.latencyP99Ms))
  rows.max.push(Number(m.latencyMaxMs))
  rows.perDelivery.push(Number(m.messagesPerDelivery))
  rows.rss.push(Number(m.rssPerCellMb))
  rows.wall.push(result.durationMs / 1000)
}

report(`Propagation, ${cells} cells, ${mode} mode`, [
  ['delivery to interested cells', median(rows.delivery), '% (target 100)'],
  ['latency p50', median(rows.p50), 'ms'],
  ['latency p90', median(rows.p90), 'ms'],
  ['latency p99', median(rows.p99), 'ms (target < 400)'],
  ['latency max', median(rows.max), 'ms'],
  ['messages per delivery', median(rows.perDelivery), '(target ≤ 6; every link message counts)'],
  ['RSS per cell', median(rows.rss), 'MB (whole process / cells)'],
  ['wall clock per run', median(rows.wall), 's, set-up included']
], `median of ${runs} run(s), seeds 1..${runs}; 5 attestations per run; random-regular degree 6, 25 ms ± 10 % links, maxDepth 2`)
// Timers of stopped libp2p nodes may linger; the benchmark is over.
process.exit()
