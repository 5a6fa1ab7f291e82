/**
 * Convergence measures for the scenarios that disturb the network
 * (partition, churn, eclipse, join): whether each cell holds the same
 * records as everyone else for the issuers it keeps, and a throttle for
 * predicates too costly to evaluate on every poll.
 */
import type { SimNetwork } from '../core/network.ts'
import type { VersionVector } from '@cell/agent'

type Summary = VersionVector extends Map<string, infer S> ? S : never

/** Per issuer, the most complete summary any of `cells` holds: highest seq, then most records. */
function bestSummaries (network: SimNetwork, cells: number[]): Map<string, Summary> {
  const best = new Map<string, Summary>()
  for (const cell of cells) {
    for (const [issuer, summary] of network.recordSummary(cell)) {
      const known = best.get(issuer)
      if (known == null || summary.seq > known.seq || (summary.seq === known.seq && summary.count > known.count)) best.set(issuer, summary)
    }
  }
  return best
}

/**
 * Cells (of `cells`) that hold, for every issuer in their horizon, the
 * newest and fullest set of that issuer's records any of `cells` holds:
 * the same record set, up to what each cell's horizon keeps.
 */
export function cellsWithFullRecordSet (network: SimNetwork, cells: number[], among: number[] = cells): number[] {
  const best = bestSummaries(network, among)
  return cells.filter(cell => {
    const mine = network.recordSummary(cell)
    for (const issuer of network.horizon(cell)) {
      const target = best.get(issuer)
      if (target == null) continue
      const held = mine.get(issuer)
      if (held == null || held.seq !== target.seq || held.count !== target.count) return false
    }
    return true
  })
}

/** Share of `cells` with the full record set (see cellsWithFullRecordSet). */
export function recordSetAgreement (network: SimNetwork, cells: number[]): number {
  return cells.length === 0 ? 1 : cellsWithFullRecordSet(network, cells).length / cells.length
}

/**
 * A predicate evaluated at most every `everyMs` of network time; in
 * between it returns the last answer. Agreement checks rebuild views and
 * summaries, too much work for every 10 ms poll of a large network.
 */
export function throttled (network: SimNetwork, everyMs: number, predicate: () => boolean): () => boolean {
  let last = false
  let at = Number.NEGATIVE_INFINITY
  return () => {
    if (network.now() - at < everyMs) return last
    at = network.now()
    last = predicate()
    return last
  }
}

/** Cells `start` can reach over links that are up now (breadth-first over the topology). */
export function reachableFrom (network: SimNetwork, start: number): Set<number> {
  const seen = new Set([start])
  const queue = [start]
  for (let head = 0; head < queue.length; head++) {
    for (const next of network.graph[queue[head]]) {
      if (!seen.has(next) && network.links.up(queue[head], next)) { seen.add(next); queue.push(next) }
    }
  }
  return seen
}
