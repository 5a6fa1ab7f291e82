/**
 * Trust metric speed: a full view recompute (layering + Advogato max-flow)
 * and an incremental update after one attestation changes, on random
 * graphs with 10 attestations per cell (1k / 10k / 100k attestations).
 *
 * Method: graphs come from a seeded PRNG. "full" times `view()` on an
 * engine that already holds the graph (the graph is built once, as in the
 * agent), median of 9 runs after 2 warm-ups. "incremental" times
 * `upsert()` + `view()` after one random change (70% new attestations,
 * 30% revocations), median over 60 changes; the engine falls back to a
 * full recompute when a change alters distances, which is counted.
 * "horizon" times `upsert()` + `horizon()` (the views of all six scopes,
 * as the agent asks after every change) over another 60 changes.
 */
import { TrustEngine } from '@cell/trust'
import { median, percentile, report } from './stats.ts'
import type { Attestation } from '@cell/trust'

const T0 = Date.UTC(2025, 0, 1)
const YEAR = 365 * 24 * 3600_000
const DEGREE = 10

function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

let seq = T0
function attest (issuer: string, subject: string, level: Attestation['level'] = 'full'): Attestation {
  return { issuer, subject, level, scopes: ['*'], maxDepth: 4, seq: ++seq, notBefore: T0, notAfter: T0 + YEAR }
}

function graph (cells: number, random: () => number): { ids: string[], attestations: Attestation[] } {
  const ids = Array.from({ length: cells }, (_, i) => `cell-${i.toString(36).padStart(4, '0')}`)
  const attestations: Attestation[] = []
  for (let i = 0; i < cells; i++) {
    const picked = new Set<number>()
    while (picked.size < DEGREE) {
      const j = Math.floor(random() * cells)
      if (j !== i) picked.add(j)
    }
    for (const j of picked) attestations.push(attest(ids[i], ids[j]))
  }
  return { ids, attestations }
}

function time (fn: () => void): number {
  const start = performance.now()
  fn()
  return performance.now() - start
}

const rows: Array<[string, number, string?]> = []
for (const cells of [100, 1000, 10_000]) {
  const random = prng(cells)
  const { ids, attestations } = graph(cells, random)
  const engine = new TrustEngine({ selfId: ids[0] })
  const load = time(() => { for (const a of attestations) engine.upsert(a) })

  // A full build each run: a key notice for an unknown cell is a
  // structural change, so the cached view is dropped without touching the graph.
  const full: number[] = []
  let trusted = 0
  for (let run = 0; run < 11; run++) {
    engine.applyKeyNotice({ issuer: `nobody-${run}`, kind: 'compromised', effectiveAt: T0 + YEAR * 2, seq: run })
    const ms = time(() => { trusted = engine.view('mesh', T0 + 1).entries.size })
    if (run >= 2) full.push(ms)
  }

  const incremental: number[] = []
  const before = engine.stats()
  for (let change = 0; change < 60; change++) {
    const from = ids[Math.floor(random() * cells)]
    const to = ids[Math.floor(random() * cells)]
    if (from === to) continue
    incremental.push(time(() => {
      engine.upsert(attest(from, to, random() < 0.3 ? 'none' : 'full'))
      engine.view('mesh', T0 + 1)
    }))
  }
  const after = engine.stats()
  const fallbacks = after.fullBuilds - before.fullBuilds

  // The agent asks for the horizon (every scope's view) after each change.
  // No attestation here names a scope, so all six share one flow state.
  const horizon: number[] = []
  for (let change = 0; change < 60; change++) {
    const from = ids[Math.floor(random() * cells)]
    const to = ids[Math.floor(random() * cells)]
    if (from === to) continue
    horizon.push(time(() => {
      engine.upsert(attest(from, to, random() < 0.3 ? 'none' : 'full'))
      engine.horizon(T0 + 1)
    }))
  }
  const label = `${attestations.length} attestations / ${cells} cells`
  rows.push([`${label}: load graph (ms)`, load])
  rows.push([`${label}: full view (ms, median)`, median(full), `${trusted} trusted`])
  rows.push([`${label}: incremental (ms, median)`, median(incremental), `p90 ${percentile(incremental, 90).toFixed(2)} ms, ${fallbacks}/${incremental.length} fell back to full`])
  rows.push([`${label}: incremental / full`, median(incremental) / median(full)])
  rows.push([`${label}: horizon after a change, 6 scopes (ms, median)`, median(horizon), `${(median(horizon) / median(incremental)).toFixed(2)} × one scope's incremental view`])
}
report('trust metric', rows, 'median of 9 full builds after 2 warm-ups; 60 random single-attestation changes for incremental')
