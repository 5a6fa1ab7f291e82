/**
 * Why a cell is or is not trusted in a view: the chains of attestations
 * that carried flow to it, or what stopped it (no path, revoked, expired,
 * capacity exhausted, beyond maxDepth, ...).
 */
import { CAPACITY_BY_DISTANCE, MAX_EXPLAIN_PATHS, MAX_TRUST_DEPTH } from '../constants.ts'
import { UNREACHED, edgeLength, edgeState, vouches } from './layers.ts'
import { edgeKey, inNode, outNode } from './flow-state.ts'
import type { EdgeState } from './layers.ts'
import type { AttestationGraph } from './graph.ts'
import type { FlowState } from './flow-state.ts'
import type { TrustEntry } from './view.ts'
import type { Scope } from '../records/types.ts'

export type BlockReason =
  | 'no-path' | 'blocked' | 'revoked' | 'expired' | 'not-yet-valid' | 'out-of-scope' | 'key-retired'
  | 'beyond-max-depth' | 'too-far' | 'capacity-exhausted'

/** What one incoming attestation contributed, or why it did not. */
export interface IncomingAttestation {
  issuer: string
  level: 'full' | 'marginal' | 'none'
  /** 'carried-flow' or the reason it did not */
  state: EdgeState | 'carried-flow' | 'issuer-not-reached' | 'issuer-cannot-vouch' | 'too-far' | 'not-outward' | 'capacity-exhausted'
  /** Onward capacity of the issuer and how much of it is used (when reached) */
  issuerCapacity?: number
  issuerUsed?: number
}

export interface ExplainPath {
  /** From this cell to the explained cell */
  cells: string[]
  /** Level of each attestation along the chain (verified links are 'full') */
  levels: Array<'full' | 'marginal'>
  /** Smallest flow on the chain's links */
  flow: number
}

export interface Explanation {
  cellId: string
  scope: Scope
  at: number
  trusted: boolean
  entry?: TrustEntry
  distance?: number
  /** Flow-carrying chains, at most MAX_EXPLAIN_PATHS */
  paths: ExplainPath[]
  /** Why it is not trusted */
  reason?: BlockReason
  incoming: IncomingAttestation[]
  /** One sentence for people */
  detail: string
}

const STATE_REASON: Partial<Record<IncomingAttestation['state'], BlockReason>> = {
  'capacity-exhausted': 'capacity-exhausted',
  'too-far': 'too-far',
  'issuer-cannot-vouch': 'beyond-max-depth',
  revoked: 'revoked',
  'subject-blocked': 'blocked',
  expired: 'expired',
  'not-yet-valid': 'not-yet-valid',
  'issuer-key-retired': 'key-retired',
  'subject-key-retired': 'key-retired',
  'out-of-scope': 'out-of-scope'
}

/** Most telling first: a cell blocked by capacity was closest to being trusted. */
const PRIORITY: BlockReason[] = [
  'blocked', 'key-retired', 'capacity-exhausted', 'beyond-max-depth', 'too-far', 'revoked', 'expired', 'not-yet-valid', 'out-of-scope', 'no-path'
]

const DETAIL: Record<BlockReason, string> = {
  'no-path': 'no chain of live attestations from this cell reaches it',
  blocked: 'this cell blocked it, so no attestation of it counts',
  revoked: 'the attestations that reached it were revoked',
  expired: 'the attestations that reached it have expired',
  'not-yet-valid': 'the attestations that reach it are not valid yet',
  'out-of-scope': 'it is attested, but not for this scope',
  'key-retired': 'its key, or the key that vouched for it, was rotated or compromised',
  'beyond-max-depth': 'the issuers that attest it are beyond the maxDepth their own vouchers allowed',
  'too-far': `it is more than ${MAX_TRUST_DEPTH} steps away (a marginal attestation counts two)`,
  'capacity-exhausted': 'it is reachable, but the cells vouching for it used up their capacity on others'
}

function slotOfNode (state: FlowState, node: number): number {
  return node < state.slotOf.length ? state.slotOf[node] : -1
}

function describeIncoming (graph: AttestationGraph, state: FlowState, node: number): IncomingAttestation[] {
  const { layering, network, arcs } = state
  const result: IncomingAttestation[] = []
  for (const edge of graph.in[node].values()) {
    const item: IncomingAttestation = { issuer: graph.ids[edge.from], level: edge.level, state: edgeState(graph, edge, layering.mask, layering.now) }
    const fromDistance = edge.from < layering.distance.length ? layering.distance[edge.from] : UNREACHED
    if (item.state === 'live') {
      const arc = arcs.get(edgeKey(edge.from, node))
      if (fromDistance === UNREACHED) {
        item.state = 'issuer-not-reached'
      } else if (!vouches(layering, edge.from)) {
        item.state = 'issuer-cannot-vouch'
      } else if (fromDistance + edgeLength(edge) > MAX_TRUST_DEPTH) {
        item.state = 'too-far'
      } else if (arc === undefined) {
        item.state = 'not-outward'
      } else {
        item.state = network.flow(arc) > 0 ? 'carried-flow' : 'capacity-exhausted'
      }
    }
    const slot = slotOfNode(state, edge.from)
    if (slot >= 0) {
      item.issuerCapacity = CAPACITY_BY_DISTANCE[fromDistance] - 1
      let used = 0
      for (let a = network.head[outNode(slot)]; a !== -1; a = network.next[a]) {
        if ((a & 1) === 0) used += network.flow(a)
      }
      item.issuerUsed = used
    }
    result.push(item)
  }
  return result
}

/** Walk flow-carrying arcs back to the source, collecting whole chains. */
function flowPaths (graph: AttestationGraph, state: FlowState, node: number): ExplainPath[] {
  const { network, nodes, layering } = state
  const paths: ExplainPath[] = []
  const walk = (slot: number, suffix: number[], flow: number): void => {
    for (let b = network.head[inNode(slot)]; b !== -1 && paths.length < MAX_EXPLAIN_PATHS; b = network.next[b]) {
      if ((b & 1) === 0 || network.cap[b] === 0) continue
      const tail = network.to[b]
      const carried = Math.min(flow, network.cap[b])
      if (tail === network.source) {
        const chain = [layering.self, ...suffix]
        const levels = chain.slice(1).map((to, i) => graph.out[chain[i]].get(to)?.level === 'marginal' ? 'marginal' as const : 'full' as const)
        paths.push({ cells: chain.map(n => graph.ids[n]), levels, flow: carried })
      } else {
        const tailSlot = (tail - 3) / 2
        walk(tailSlot, [nodes[tailSlot], ...suffix], carried)
      }
    }
  }
  const slot = slotOfNode(state, node)
  if (slot >= 0) {
    walk(slot, [node], Number.POSITIVE_INFINITY)
  }
  return paths
}

export function explain (graph: AttestationGraph, state: FlowState, entries: ReadonlyMap<string, TrustEntry>, cellId: string, scope: Scope = state.layering.scope): Explanation {
  const { layering } = state
  const node = graph.index.get(cellId)
  const base = { cellId, scope, at: layering.now }
  if (node === layering.self) {
    return { ...base, trusted: true, distance: 0, paths: [], incoming: [], detail: 'this is the cell itself' }
  }
  if (node === undefined) {
    return { ...base, trusted: false, paths: [], reason: 'no-path', incoming: [], detail: `not trusted: ${DETAIL['no-path']}` }
  }

  const entry = entries.get(cellId)
  const distance = node < layering.distance.length && layering.distance[node] !== UNREACHED ? layering.distance[node] : undefined
  const incoming = describeIncoming(graph, state, node)
  if (entry != null) {
    const paths = flowPaths(graph, state, node)
    const how = entry.source === 'indirect' ? `through ${paths.length} chain(s)` : `as a ${entry.source} ${entry.level} attestation`
    return { ...base, trusted: true, entry, distance, paths, incoming, detail: `trusted ${how} carrying ${entry.flow} unit(s) of flow` }
  }

  const reasons = new Set<BlockReason>()
  for (const item of incoming) {
    const reason = STATE_REASON[item.state]
    if (reason != null) reasons.add(reason)
  }
  if (graph.blocked.has(node)) reasons.add('blocked')
  const retired = graph.notices.get(node)
  if (retired != null && layering.now >= retired.effectiveAt) reasons.add('key-retired')
  const reason = PRIORITY.find(r => reasons.has(r)) ?? 'no-path'
  return { ...base, trusted: false, distance, paths: [], reason, incoming, detail: `not trusted: ${DETAIL[reason]}` }
}
