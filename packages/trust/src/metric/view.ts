/**
 * A computed view: who this cell trusts for one scope at one time, with
 * the source, level, distance and flow of each trusted cell.
 */
import { isLive } from './layers.ts'
import { inNode } from './flow-state.ts'
import type { AttestationGraph } from './graph.ts'
import type { FlowState } from './flow-state.ts'
import type { Scope } from '../records/types.ts'

export type TrustSource = 'direct' | 'verified' | 'indirect'
export type TrustLevel = 'full' | 'marginal'

export interface TrustEntry {
  cellId: string
  level: TrustLevel
  /** direct: this cell attests it; verified: fingerprint confirmed by the user; indirect: through chains */
  source: TrustSource
  /** Scopes of this cell's own attestation for direct entries, else the view's scope */
  scopes: Scope[]
  /** Distance from this cell (a marginal step counts two) */
  distance: number
  /** Units of flow through this cell (1 for itself plus what it passed on) */
  flow: number
}

const FULL = 2
const MARGINAL = 1

/**
 * Trusted cells of a flow state, in distance order. `scope` labels the
 * indirect entries: a state computed for '*' serves every scope no edge
 * names (see TrustEngine).
 */
export function buildEntries (graph: AttestationGraph, state: FlowState, scope: Scope = state.layering.scope): Map<string, TrustEntry> {
  const { network, nodes, slotOf, layering, sinkArc } = state
  const { self, mask, now } = layering
  const levelOf = new Uint8Array(nodes.length)
  const entries = new Map<string, TrustEntry>()

  for (let slot = 0; slot < nodes.length; slot++) {
    if (network.flow(sinkArc[slot]) === 0) continue
    const node = nodes[slot]

    // Inflow and the best level carried by a flow-carrying in-arc: a chain
    // is only as strong as its weakest link.
    let inflow = 0
    let level = 0
    for (let b = network.head[inNode(slot)]; b !== -1; b = network.next[b]) {
      if ((b & 1) === 0 || network.cap[b] === 0) continue
      inflow += network.cap[b]
      const tail = network.to[b]
      const tailNode = tail === network.source ? self : nodes[(tail - 3) / 2]
      const edge = graph.out[tailNode].get(node)
      // An arc without a live edge is the virtual arc of a verified cell.
      const edgeLevel = edge == null || !isLive(graph, edge, mask, now) || edge.level === 'full' ? FULL : MARGINAL
      const tailLevel = tailNode === self ? FULL : levelOf[slotOf[tailNode]]
      level = Math.max(level, Math.min(edgeLevel, tailLevel))
    }

    const direct = graph.out[self].get(node)
    const entry: TrustEntry = {
      cellId: graph.ids[node],
      level: level === FULL ? 'full' : 'marginal',
      source: 'indirect',
      scopes: [scope],
      distance: layering.distance[node],
      flow: inflow
    }
    if (direct != null && isLive(graph, direct, mask, now)) {
      entry.source = 'direct'
      entry.scopes = [...direct.attestation.scopes]
    } else if (graph.verified.has(node)) {
      entry.source = 'verified'
    }
    levelOf[slot] = entry.level === 'full' ? FULL : MARGINAL
    entries.set(entry.cellId, entry)
  }
  return entries
}
