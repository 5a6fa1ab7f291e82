/**
 * What one agent process reports about itself through its API, read in
 * one go: the attestations its store holds, its trust view, its WireGuard
 * peers, the peer records it knows and (less often) its store counters,
 * gossipsub scores and heap. The processes-mode network answers the
 * scenarios' synchronous questions from the latest of these snapshots.
 */
import type { AgentProcess } from './agent-process.ts'
import type { CellView } from '../core/network.ts'
import type { Attestation, PeerRecord, StoreCounters, TrustEntry } from '@cell/trust'

/** The view scope the scenarios compare (as the other modes' `view()`). */
const VIEW_SCOPE = 'mesh'

export interface CellSnapshot {
  /** Network time when the first answer (the attestations) arrived */
  at: number
  /** Latest attestation per (issuer, subject) in the store, revocations included */
  attestations: Attestation[]
  /** Attestations waiting in quarantine (issuers outside the horizon) */
  quarantined: number
  /** The mesh-scope trust view */
  view: CellView
  /** Cells trusted for any scope, plus the cell itself: the store's horizon */
  horizon: Set<string>
  /** Cell ids of the WireGuard peers the mesh manager derived from trust */
  meshPeers: Set<string>
  /** Cells whose peer record the store holds (read in slow rounds only) */
  peerRecords?: Set<string>
  counters?: StoreCounters
  scores?: Record<string, number>
  heapUsed?: number
}

interface TrustedCell extends TrustEntry {
  /** The view scopes the cell is trusted for (GET /api/trust merges the views) */
  scopes: TrustEntry['scopes']
}

interface WireguardPeer {
  cellId: string
  source: 'trust' | 'manual'
}

interface TrustStats {
  store: StoreCounters
  scores: Record<string, number>
}

/** A view answered from the agent's list, in the shape the scenarios read. */
function viewOf (cells: TrustedCell[], explain: CellView['explain']): CellView {
  const entries = new Map<string, TrustEntry>()
  for (const cell of cells) {
    if (!cell.scopes.includes(VIEW_SCOPE)) continue
    entries.set(cell.cellId, { cellId: cell.cellId, level: cell.level, source: cell.source, scopes: [VIEW_SCOPE], distance: cell.distance, flow: cell.flow })
  }
  return {
    entries,
    has: (id: string) => entries.has(id),
    get: (id: string) => entries.get(id),
    explain
  }
}

/**
 * Read the agent's state. The requests run side by side, so the parts may
 * be a few milliseconds apart. Every request costs the agent CPU, so what
 * changes rarely (peer records, store counters, scores, heap) is read only
 * when `slow` is set.
 */
export async function readSnapshot (agent: AgentProcess, selfId: string, now: () => number, slow: boolean, explain: CellView['explain']): Promise<CellSnapshot> {
  let at = 0
  const [held, trusted, wireguard, known, stats, health] = await Promise.all([
    agent.call<{ attestations: Attestation[], quarantined: Attestation[] }>('GET', '/api/trust/attestations').then(body => { at = now(); return body }),
    agent.call<{ cells: TrustedCell[] }>('GET', '/api/trust'),
    agent.call<{ peers: WireguardPeer[] }>('GET', '/api/wireguard/peers'),
    slow ? agent.call<{ cells: PeerRecord[] }>('GET', '/api/trust/cells') : undefined,
    slow ? agent.call<TrustStats>('GET', '/api/trust/stats') : undefined,
    slow ? agent.call<{ memory: { heapUsedBytes: number } }>('GET', '/health') : undefined
  ])
  return {
    at,
    attestations: held.attestations,
    quarantined: held.quarantined.length,
    view: viewOf(trusted.cells, explain),
    horizon: new Set([selfId, ...trusted.cells.map(cell => cell.cellId)]),
    meshPeers: new Set(wireguard.peers.filter(peer => peer.source === 'trust').map(peer => peer.cellId)),
    peerRecords: known == null ? undefined : new Set(known.cells.map(record => record.cellId)),
    counters: stats?.store,
    scores: stats?.scores,
    heapUsed: health?.memory.heapUsedBytes
  }
}

/** The id processes mode gives a record: the API lists records, not their envelopes' hashes. */
export function recordIdOf (attestation: Pick<Attestation, 'issuer' | 'seq'>): string {
  return `${attestation.issuer}/${attestation.seq}`
}
