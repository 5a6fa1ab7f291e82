/**
 * Measurements shared by the scenarios: who should receive a record,
 * delivery and latency, agreement of views and mesh peer sets with what
 * full knowledge implies, traffic and resources.
 */
import { TrustEngine } from '@cell/trust'
import { CONVERGENCE_TIMEOUT } from '../constants.ts'
import { distribution } from '../metrics/stats.ts'
import type { Traffic } from '../core/links.ts'
import type { Resources, SimNetwork } from '../core/network.ts'
import type { Attestation, TrustView } from '@cell/trust'

/** Cells (of `cells`) whose trust horizon holds `issuer`: those that keep its records. */
export function interestedIn (network: SimNetwork, issuer: string, cells: number[]): number[] {
  return cells.filter(cell => network.horizon(cell).has(issuer))
}

export function range (n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}

/** A record to follow: its issuer and the cells that should end up with it. */
export interface Followed {
  id: string
  issuer: string
  targets: number[]
}

/**
 * A cell is done with a record when it holds it, or when the issuer has
 * left its horizon (then the store rightly quarantines the issuer's records).
 */
function done (network: SimNetwork, record: Followed, cell: number): boolean {
  return network.holds(cell, record.id) || !network.horizon(cell).has(record.issuer)
}

export function allHold (network: SimNetwork, records: Followed[]): boolean {
  return records.every(record => record.targets.every(cell => done(network, record, cell)))
}

export interface DeliveryReport {
  ratio: number
  deliveries: number
  expected: number
  latencies: number[]
  /** Receipts by cells other than the issuer, kept or relayed only: the denominator of gossip amplification */
  receipts: number
}

/** Delivery to the targets that still keep the issuer's records at the end. */
export function deliveryReport (network: SimNetwork, records: Followed[]): DeliveryReport {
  let deliveries = 0
  let expected = 0
  let receipts = 0
  const latencies: number[] = []
  for (const record of records) {
    const { id } = record
    receipts += Math.max(0, network.tracker.reachedCount(id) - 1)
    const targets = record.targets.filter(cell => network.holds(cell, id) || network.horizon(cell).has(record.issuer))
    expected += targets.length
    const times = network.tracker.latencies(id, targets)
    deliveries += times.length
    latencies.push(...times)
  }
  return { ratio: expected === 0 ? 1 : deliveries / expected, deliveries, expected, latencies, receipts }
}

/** Latest attestation per (issuer, subject) over the stores of `cells`. */
function unionOfAttestations (network: SimNetwork, cells: number[]): Attestation[] {
  const latest = new Map<string, Attestation>()
  for (const cell of cells) {
    for (const attestation of network.attestations(cell)) {
      const key = `${attestation.issuer}|${attestation.subject}`
      const known = latest.get(key)
      if (known == null || known.seq < attestation.seq) latest.set(key, attestation)
    }
  }
  return [...latest.values()]
}

function referenceView (network: SimNetwork, cell: number, attestations: Attestation[], now: number): TrustView {
  const engine = new TrustEngine({ selfId: network.identities[cell].id })
  for (const attestation of attestations) engine.upsert(attestation)
  return engine.view('mesh', now)
}

/**
 * Cell ids `cell` would trust with every attestation any of `among` holds:
 * the trust metric's own answer, capacity limits included.
 */
export function fullKnowledgeView (network: SimNetwork, cell: number, among: number[], now: number): Set<string> {
  return new Set(referenceView(network, cell, unionOfAttestations(network, among), now).entries.keys())
}

/**
 * Share of `cells` whose mesh-scope view equals the view computed from every
 * attestation any of `among` holds (what the cell would trust with full knowledge).
 */
export function viewAgreement (network: SimNetwork, cells: number[], now: number, among: number[] = cells): number {
  const union = unionOfAttestations(network, among)
  let agree = 0
  for (const cell of cells) {
    const reference = referenceView(network, cell, union, now)
    const actual = network.view(cell)
    if (reference.entries.size === actual.entries.size && [...reference.entries.keys()].every(id => actual.has(id))) agree++
  }
  return cells.length === 0 ? 1 : agree / cells.length
}

/** Share of `cells` whose WireGuard peers are exactly what their trust view implies. */
export function meshAgreement (network: SimNetwork, cells: number[]): number {
  let agree = 0
  for (const cell of cells) {
    const actual = network.meshPeers(cell)
    const expected = network.expectedMeshPeers(cell)
    if (actual.size === expected.size && [...expected].every(id => actual.has(id))) agree++
  }
  return cells.length === 0 ? 1 : agree / cells.length
}

/**
 * Mesh agreement once the meshes have had time to follow the views (up to
 * CONVERGENCE_TIMEOUT): reconcilers are debounced, and in processes mode
 * views and mesh peers are polled at different moments.
 */
export async function settledMeshAgreement (network: SimNetwork, cells: number[]): Promise<number> {
  const settled = await network.waitFor(() => meshAgreement(network, cells) === 1, CONVERGENCE_TIMEOUT)
  return settled ? 1 : meshAgreement(network, cells)
}

/** (time, share done) points from per-cell completion times. */
export function convergenceCurve (times: number[], total: number): Array<[number, number]> {
  const sorted = [...times].sort((a, b) => a - b)
  return sorted.map((t, i) => [t, (i + 1) / Math.max(1, total)])
}

export function latencyMetrics (prefix: string, values: number[]): Record<string, number> {
  const d = distribution(values)
  return { [`${prefix}P50Ms`]: d.p50, [`${prefix}P90Ms`]: d.p90, [`${prefix}P99Ms`]: d.p99, [`${prefix}MaxMs`]: d.max }
}

export function trafficSince (network: SimNetwork, before: Traffic): Traffic {
  const now = network.links.totals()
  return { messages: now.messages - before.messages, bytes: now.bytes - before.bytes, transmissions: (now.transmissions ?? 0) - (before.transmissions ?? 0) }
}

/** Whole-process resources divided by the number of cells. */
export function resourceMetrics (network: SimNetwork, before: Resources): Record<string, number> {
  const now = network.resources()
  const cells = network.identities.length
  return {
    rssMb: round(now.rss / 2 ** 20),
    rssPerCellMb: round(now.rss / 2 ** 20 / cells),
    heapPerCellMb: round(now.heapUsed / 2 ** 20 / cells),
    cpuMsPerCell: round((now.cpuMs - before.cpuMs) / cells)
  }
}

export function round (value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
